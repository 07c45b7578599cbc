package batchjob

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RunPolicy tunes Run. The zero value is usable.
type RunPolicy struct {
	// Attempts is how many jobs Run starts at most; 0 means 3.
	Attempts int
	// Delay is the pause between a failed or stalled job and the next.
	Delay time.Duration
	// Wait tunes the waiting for each job and the retrying of transient
	// errors.
	Wait WaitOptions
	// OnAttempt, if set, is called with the attempt number (from 1) and
	// the ID of each job right after it started.
	OnAttempt func(n int, id string)
}

// Outcome is what Run did.
type Outcome struct {
	// JobID is the latest job started; empty if none started.
	JobID string
	// Attempts is the number of jobs started.
	Attempts int
	// Progress is the latest job's last progress seen.
	Progress Progress
	// Replaced are the jobs that failed or stalled and were followed by a
	// new one, oldest first: the caller tells the user about each.
	Replaced []Replaced
}

// Replaced is a job Run gave up on and started again.
type Replaced struct {
	JobID    string
	Reason   error // why: ErrStalled, or the failure with its counts
	Progress Progress
}

// Run starts the batch job defined by jobYAML and waits for it. When the
// job fails or stalls it starts a new one, up to p.Attempts jobs: key
// rotation is idempotent, so running a job again is harmless. A stalled job
// is canceled first, so that it does not resume later next to its
// successor. A failed job is left alone, its report and definition intact.
//
// Run returns an *AttemptsExhaustedError when the last job failed or
// stalled. A job canceled by someone else ends Run with an error at once.
// StartBatchJob errors are retried when transient; note that a start whose
// answer was lost may have created a job all the same, which keeps running
// on its own.
//
// The Outcome is valid with any error: when ctx ends, its JobID names the
// job already started, for the caller to keep track of.
func Run(ctx context.Context, c Client, jobYAML string, p RunPolicy) (Outcome, error) {
	attempts := p.Attempts
	if attempts <= 0 {
		attempts = 3
	}
	o := p.Wait.withDefaults()
	var out Outcome
	for {
		started, err := start(ctx, c, jobYAML, o)
		if err != nil {
			return out, err
		}
		out = Outcome{JobID: started, Attempts: out.Attempts + 1, Replaced: out.Replaced}
		if p.OnAttempt != nil {
			p.OnAttempt(out.Attempts, started)
		}

		out.Progress, err = Wait(ctx, c, started, o)
		var cause error
		switch {
		case errors.Is(err, ErrStalled):
			if cerr := cancelStalled(ctx, c, started, o); cerr != nil {
				return out, cerr
			}
			cause = err
		case err != nil:
			return out, err
		case out.Progress.Status == StatusComplete:
			return out, nil
		case out.Progress.Status == StatusFailed:
			cause = fmt.Errorf("batch job %s failed (%s)", started, out.Progress.counts())
		default:
			return out, fmt.Errorf("batch job %s was canceled outside of this run (%s)", started, out.Progress.counts())
		}

		if out.Attempts >= attempts {
			return out, &AttemptsExhaustedError{Attempts: out.Attempts, Last: out.Progress, Cause: cause}
		}
		out.Replaced = append(out.Replaced, Replaced{JobID: started, Reason: cause, Progress: out.Progress})
		if err := sleep(ctx, o.Clock, p.Delay); err != nil {
			return out, fmt.Errorf("pausing before restarting batch job %s: %w", started, err)
		}
	}
}

// Start starts the batch job defined by jobYAML without waiting for it,
// retrying transient errors like Run. The Outcome's progress says only
// that the job runs: the server has no report for it yet.
func Start(ctx context.Context, c Client, jobYAML string, o WaitOptions) (Outcome, error) {
	id, err := start(ctx, c, jobYAML, o.withDefaults())
	if err != nil {
		return Outcome{}, err
	}
	typ, _ := ParseJobID(id)
	return Outcome{JobID: id, Attempts: 1, Progress: Progress{ID: id, Type: typ, Status: StatusRunning}}, nil
}

// start sends StartBatchJob; o must have its defaults set.
func start(ctx context.Context, c Client, jobYAML string, o WaitOptions) (string, error) {
	var id string
	err := retry(ctx, o, func() error {
		res, err := c.StartBatchJob(ctx, jobYAML)
		id = res.ID
		return err
	})
	if err != nil {
		return "", fmt.Errorf("starting batch job: %w", err)
	}
	return id, nil
}

// cancelStalled cancels job id. A job that is already gone needs no
// canceling; the server answers success for unknown IDs anyway. It gives
// up after StallTimeout (at least CallTimeout): a job stalls when its
// server is gone, and then no cancel can reach it.
func cancelStalled(ctx context.Context, c Client, id string, o WaitOptions) error {
	ctx, stop := context.WithTimeout(ctx, max(o.StallTimeout, o.CallTimeout))
	defer stop()
	err := retry(ctx, o, func() error {
		if err := c.CancelBatchJob(ctx, id); !IsNoSuchJob(err) {
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("canceling stalled batch job %s: %w", id, err)
	}
	return nil
}
