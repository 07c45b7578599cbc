package batchjob

import (
	"context"
	"fmt"
	"time"

	"github.com/minio/madmin-go/v3"
)

// Status is where a batch job stands.
type Status string

// The statuses a job can be in.
const (
	StatusRunning  Status = "running"
	StatusComplete Status = "complete"
	StatusFailed   Status = "failed"
	// StatusCanceled is a job whose definition was deleted (CancelBatchJob)
	// before its report said complete or failed.
	StatusCanceled Status = "canceled"
)

// Done reports whether s is an end state, in which waiting is over.
func (s Status) Done() bool {
	return s == StatusComplete || s == StatusFailed || s == StatusCanceled
}

// Progress is a job's report, as far as this package's callers need it.
type Progress struct {
	ID, Type string
	Status   Status
	// Objects counts the objects processed successfully; ObjectsFailed
	// those whose latest attempt failed. The server decrements
	// ObjectsFailed when a retry of an object succeeds, so it can go down.
	Objects, ObjectsFailed int64
	// Bucket and LastObject name the last object processed successfully.
	Bucket, LastObject string
	// RetryAttempts is how many passes a replicate job made over its
	// objects; the server leaves it 0 for other job types.
	RetryAttempts int
	StartedAt     time.Time
	// LastUpdate is when the server last saved the report. It saves it
	// after the first object, then at most every 10 seconds, and at the
	// end: counts lag behind the job by up to 10 seconds.
	LastUpdate time.Time
}

// counts summarizes p for error messages.
func (p Progress) counts() string {
	s := fmt.Sprintf("%d objects done, %d failed", p.Objects, p.ObjectsFailed)
	if p.LastObject != "" {
		s += fmt.Sprintf(", last object %q", p.Bucket+"/"+p.LastObject)
	}
	return s
}

// advanced reports whether cur shows a change from prev that proves the
// job moves: a new status, new counts or a newly saved report.
func advanced(prev, cur Progress) bool {
	return prev.Status != cur.Status ||
		prev.Objects != cur.Objects ||
		prev.ObjectsFailed != cur.ObjectsFailed ||
		!prev.LastUpdate.Equal(cur.LastUpdate)
}

// FromMetric maps a job report to a Progress. Its Status comes from the
// report's flags alone: a report with neither flag is "running", because
// only the job's definition can tell a running job from a canceled one (see
// Fetch). Counts come from whichever type-specific section is set.
func FromMetric(m madmin.JobMetric) Progress {
	p := Progress{
		ID:            m.JobID,
		Type:          m.JobType,
		Status:        StatusRunning,
		RetryAttempts: m.RetryAttempts,
		StartedAt:     m.StartTime,
		LastUpdate:    m.LastUpdate,
	}
	switch {
	case m.Failed:
		p.Status = StatusFailed
	case m.Complete:
		p.Status = StatusComplete
	}
	switch {
	case m.KeyRotate != nil:
		p.Bucket, p.LastObject = m.KeyRotate.Bucket, m.KeyRotate.Object
		p.Objects, p.ObjectsFailed = m.KeyRotate.Objects, m.KeyRotate.ObjectsFailed
	case m.Replicate != nil:
		p.Bucket, p.LastObject = m.Replicate.Bucket, m.Replicate.Object
		p.Objects, p.ObjectsFailed = m.Replicate.Objects, m.Replicate.ObjectsFailed
	case m.Expired != nil:
		p.Bucket, p.LastObject = m.Expired.Bucket, m.Expired.Object
		p.Objects, p.ObjectsFailed = m.Expired.Objects, m.Expired.ObjectsFailed
	}
	return p
}

// Fetch reads the status of job id once (madmin's own request retries
// aside). A report with neither the complete nor the failed flag is
// "running" while the job's definition exists and "canceled" once it is
// gone, because CancelBatchJob deletes the definition and leaves the report
// as it was.
//
// A job with a definition but no report yet (started a moment ago) is
// "running" with zero counts. When the server has neither, the error
// satisfies errors.Is(err, ErrNoSuchJob): the job was purged or never
// existed. A malformed id yields
// ErrMalformedJobID without asking the server. On error the Progress is
// the zero value.
func Fetch(ctx context.Context, c Client, id string) (Progress, error) {
	typ, err := ParseJobID(id)
	if err != nil {
		return Progress{}, fmt.Errorf("reading status of batch job: %w", err)
	}
	p, err := fetch(ctx, c, id, typ)
	if !IsNoSuchJob(err) {
		return p, err
	}
	// A job started a moment ago has its definition but no report yet.
	if _, derr := c.DescribeBatchJob(ctx, id); derr == nil {
		return Progress{ID: id, Type: typ, Status: StatusRunning}, nil
	}
	return p, err
}

// fetch is Fetch for an id already parsed into its type typ.
func fetch(ctx context.Context, c Client, id, typ string) (Progress, error) {
	st, err := c.BatchJobStatus(ctx, id)
	if err != nil {
		return Progress{}, fmt.Errorf("reading status of batch job %s: %w", id, markNoSuchJob(err))
	}
	p := FromMetric(st.LastMetric)
	// A report saved empty carries neither ID nor type.
	p.ID = id
	if p.Type == "" {
		p.Type = typ
	}
	if p.Status != StatusRunning {
		return p, nil
	}
	switch _, err := c.DescribeBatchJob(ctx, id); {
	case err == nil:
		return p, nil
	case IsNoSuchJob(err):
		p.Status = StatusCanceled
		return p, nil
	default:
		return Progress{}, fmt.Errorf("describing batch job %s to tell running from canceled: %w", id, err)
	}
}

// Rate is the number of objects per second the job went through between
// two of its progresses, measured by the server's LastUpdate stamps since
// the counts are as of those; 0 when the stamps do not advance. It counts
// failed objects too, because the server moves an object from ObjectsFailed
// to Objects when a retry succeeds.
func Rate(from, to Progress) float64 {
	dt := to.LastUpdate.Sub(from.LastUpdate).Seconds()
	if dt <= 0 {
		return 0
	}
	return float64(to.Objects+to.ObjectsFailed-from.Objects-from.ObjectsFailed) / dt
}
