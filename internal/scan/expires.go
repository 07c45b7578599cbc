package scan

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

// A rotation drops every version's Expires header (internal/serverfacts),
// and the versioned listing does not return it: only a HEAD per version
// can tell. Two costs follow:
//   - at plan, SampleExpires reads the headers of a bounded random sample
//     of the versions the job rewrites, in the plan's one listing pass;
//   - at apply, ExpiresCounter reads every one of them, fed by the listing
//     the snapshot makes anyway, before any job starts.

// HeadLister is what the Expires checks need of *minio.Client.
type HeadLister interface {
	Lister
	StatObject(ctx context.Context, bucket, object string, opts minio.StatObjectOptions) (minio.ObjectInfo, error)
}

// rewrittenBy reports whether the job of filter rewrites v: a data version
// in scope sealed with SSE-KMS or SSE-S3.
func rewrittenBy(filter keyrotate.Filter, v Version, now time.Time) bool {
	return !v.IsDeleteMarker && (v.Encryption.Kind == SSEKMS || v.Encryption.Kind == SSES3) && filter.Matches(v.Facts(), now)
}

// ExpiresCounter counts the rewritten versions that carry an Expires
// header, reading the headers of each version it is given, at most
// workers at a time, while the listing goes on. Add blocks while every
// worker is busy, which bounds memory.
type ExpiresCounter struct {
	ctx      context.Context
	cancel   context.CancelFunc
	c        HeadLister
	bucket   string
	filter   keyrotate.Filter
	now      time.Time
	versions chan Version
	wg       sync.WaitGroup
	n        atomic.Int64
	errOnce  sync.Once
	err      error
}

// NewExpiresCounter starts the workers of a count over scope; feed it every
// listing entry with Add, then call Result once.
func NewExpiresCounter(ctx context.Context, c HeadLister, scope Scope, now time.Time, workers int) *ExpiresCounter {
	ctx, cancel := context.WithCancel(ctx)
	e := &ExpiresCounter{ctx: ctx, cancel: cancel, c: c, bucket: scope.Bucket, now: now,
		filter: keyrotate.Spec{Filter: scope.Filter}.Normalized().Filter, versions: make(chan Version)}
	for range max(workers, 1) {
		e.wg.Go(func() {
			for v := range e.versions {
				has, err := hasExpires(ctx, c, e.bucket, v)
				switch {
				case err != nil:
					e.Fail(err)
				case has:
					e.n.Add(1)
				}
			}
		})
	}
	return e
}

// Fail ends the count with err (the listing that fed it failed): Result
// returns err.
func (e *ExpiresCounter) Fail(err error) {
	e.errOnce.Do(func() { e.err = err; e.cancel() })
}

// Add reads the headers of v if the job rewrites it. After a failure it
// does nothing.
func (e *ExpiresCounter) Add(v Version) {
	if !rewrittenBy(e.filter, v, e.now) {
		return
	}
	select {
	case e.versions <- v:
	case <-e.ctx.Done():
	}
}

// Result waits for the last header and returns the count, or the first
// failure.
func (e *ExpiresCounter) Result() (int64, error) {
	close(e.versions)
	e.wg.Wait()
	defer e.cancel()
	if e.err != nil {
		return 0, e.err
	}
	if err := e.ctx.Err(); err != nil {
		return 0, err
	}
	return e.n.Load(), nil
}

// CountExpires counts the versions in scope that a rotation rewrites and
// that carry an Expires header, in its own listing pass. A version gone
// between the listing and its HEAD is not counted. The first failure stops
// the count.
func CountExpires(ctx context.Context, c HeadLister, scope Scope, now time.Time, workers int) (int64, error) {
	e := NewExpiresCounter(ctx, c, scope, now, workers)
	walkErr := Walk(ctx, c, scope.Bucket, scope.Prefix, func(v Version) error {
		e.Add(v)
		return e.ctx.Err()
	})
	n, err := e.Result()
	if err != nil {
		return 0, err
	}
	return n, walkErr
}

// ExpiresSample is what SampleExpires found.
type ExpiresSample struct {
	// Result counts the scope, as Scan does, from the same listing.
	Result *Result
	// Checked is how many of the Result.Rewritten() versions had their
	// headers read; WithExpires how many of those carry Expires.
	Checked, WithExpires int64
}

// Exact reports whether every rewritten version was checked.
func (s ExpiresSample) Exact() bool { return s.Checked == s.Result.Rewritten().Versions }

// Bound is the share of rewritten versions that may carry Expires
// undetected when the sample found none: the share p for which a uniform
// sample of Checked versions would have found at least one with
// probability 95 % (1 - (1-p)^Checked = 0.95; 3/Checked for large ones).
// 0 when the sample was the whole population.
func (s ExpiresSample) Bound() float64 {
	switch {
	case s.Exact():
		return 0
	case s.Checked == 0:
		return 1
	}
	return 1 - math.Pow(0.05, 1/float64(s.Checked))
}

// SampleExpires counts the scope in one listing pass, as Scan does, and
// reads the headers of at most n of the versions the job rewrites, chosen
// uniformly at random from the whole listing (reservoir sampling, so the
// listing is not held): its requests are the listing's plus n, whatever
// the scope's size.
func SampleExpires(ctx context.Context, c HeadLister, scope Scope, o Options, n int, rnd *rand.Rand) (ExpiresSample, error) {
	counter := NewCounter(scope, o)
	now, filter := counter.now, counter.filter
	var (
		reservoir []Version
		seen      int64
	)
	err := Walk(ctx, c, scope.Bucket, scope.Prefix, func(v Version) error {
		counter.Add(v)
		if !rewrittenBy(filter, v, now) {
			return nil
		}
		seen++
		if len(reservoir) < n {
			reservoir = append(reservoir, v)
		} else if j := rnd.Int64N(seen); j < int64(n) {
			reservoir[j] = v
		}
		return nil
	})
	if err != nil {
		return ExpiresSample{}, err
	}
	out := ExpiresSample{Result: counter.Result(), Checked: int64(len(reservoir))}
	e := NewExpiresCounter(ctx, c, scope, now, 8)
	for _, v := range reservoir {
		e.Add(v)
	}
	if out.WithExpires, err = e.Result(); err != nil {
		return ExpiresSample{}, err
	}
	return out, nil
}

// hasExpires reports whether one version carries an Expires header.
func hasExpires(ctx context.Context, c HeadLister, bucket string, v Version) (bool, error) {
	info, err := c.StatObject(ctx, bucket, v.Name, minio.StatObjectOptions{VersionID: v.VersionID})
	if err != nil {
		switch er := minio.ToErrorResponse(err); {
		case er.Code == minio.NoSuchKey || er.Code == "NoSuchVersion":
			return false, nil
		case strings.HasPrefix(er.Message, "'Expiry' is not in supported format"):
			// minio-go refuses an Expires header it cannot parse as a
			// date; the header is there all the same.
			return true, nil
		}
		return false, fmt.Errorf("reading the headers of %s (version %s): %w", v.Name, v.VersionID, err)
	}
	return !info.Expires.IsZero(), nil
}
