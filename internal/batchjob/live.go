package batchjob

import (
	"context"
	"fmt"
	"time"

	"github.com/minio/madmin-go/v3"
)

// LiveSource is MinIO's realtime metrics API (*madmin.AdminClient). It
// serves a job's in-memory counts, which the server updates after every
// object, while the status report is saved only every 10 seconds; one
// sample is answered at once (internal/serverfacts,
// TestLiveMetricsLeadTheSavedReport).
type LiveSource interface {
	Metrics(ctx context.Context, o madmin.MetricsOptions, out func(madmin.RealtimeMetrics)) error
}

var _ LiveSource = (*madmin.AdminClient)(nil)

// Live is a job's live progress.
type Live struct {
	Progress
	// Rate is objects (done or failed) per second over the last samples;
	// 0 until two samples apart in time.
	Rate float64
	// Remaining estimates the time left from Rate and
	// WaitOptions.Expected; 0 when unknown.
	Remaining time.Duration
}

// FetchLive reads job id's live counts once. ok is false when the server
// holds none for it (not started yet, or a node restarted since).
func FetchLive(ctx context.Context, src LiveSource, id string) (p Progress, ok bool, err error) {
	err = src.Metrics(ctx, madmin.MetricsOptions{Type: madmin.MetricsBatchJobs, N: 1, ByJobID: id}, func(m madmin.RealtimeMetrics) {
		if m.Aggregated.BatchJobs == nil {
			return
		}
		if jm, found := m.Aggregated.BatchJobs.Jobs[id]; found {
			p, ok = FromMetric(jm), true
		}
	})
	if err != nil {
		return Progress{}, false, fmt.Errorf("reading live metrics of batch job %s: %w", id, err)
	}
	return p, ok, nil
}

// liveTracker follows the live samples of one job: the rate over a
// sliding window, the estimate of the time left, and when to report.
type liveTracker struct {
	o       WaitOptions
	off     bool      // the source failed for good: report polling only
	endSeen time.Time // when a sample first showed the job done
	last    Progress
	window  []liveAt
	said    time.Time
}

type liveAt struct {
	at   time.Time
	done int64 // objects done or failed
}

// liveWindow is how far back the rate looks: long enough to smooth the
// per-object jitter, short enough to follow a change of pace.
const liveWindow = 5 * time.Second

// observe records a sample taken at now and reports whether it shows the
// job moving (for stall detection).
func (l *liveTracker) observe(p Progress, now time.Time) (moved bool) {
	moved = len(l.window) == 0 || advanced(l.last, p)
	l.last = p
	if p.Status.Done() && l.endSeen.IsZero() {
		l.endSeen = now
	}
	l.window = append(l.window, liveAt{at: now, done: p.Objects + p.ObjectsFailed})
	for len(l.window) > 2 && now.Sub(l.window[1].at) >= liveWindow {
		l.window = l.window[1:]
	}
	if l.o.OnLive != nil && (l.said.IsZero() || now.Sub(l.said) >= l.o.LiveEvery || p.Status.Done()) {
		l.said = now
		l.o.OnLive(l.live())
	}
	return moved
}

func (l *liveTracker) live() Live {
	v := Live{Progress: l.last}
	if n := len(l.window); n >= 2 {
		first, last := l.window[0], l.window[n-1]
		if dt := last.at.Sub(first.at).Seconds(); dt > 0 {
			v.Rate = float64(last.done-first.done) / dt
		}
	}
	if left := l.o.Expected - l.last.Objects - l.last.ObjectsFailed; v.Rate > 0 && l.o.Expected > 0 && left > 0 {
		v.Remaining = time.Duration(float64(left) / v.Rate * float64(time.Second))
	}
	return v
}

// endFollowed is how long after the live end the report is read tightly;
// the server saves it right after (about 40ms, measured), so a report
// that still says running after this is left to the usual pace.
const endFollowed = 5 * time.Second

// awaitingReport reports whether the live end was seen a moment ago, so
// that the saved report must be read now.
func (l *liveTracker) awaitingReport(now time.Time) bool {
	return !l.endSeen.IsZero() && now.Sub(l.endSeen) < endFollowed
}

// next is the pause before the next sample: short once the end was seen
// or is expected soon, so that the end is noticed within about 50ms; a
// quarter of a second while the end cannot be estimated; up to
// MaxInterval while it is far.
func (l *liveTracker) next(now time.Time) time.Duration {
	const near, unknown = 50 * time.Millisecond, 250 * time.Millisecond
	v := l.live()
	switch {
	case l.awaitingReport(now):
		return near / 2
	case !l.endSeen.IsZero():
		return l.o.MaxInterval
	case l.o.Expected > 0 && v.Objects+v.ObjectsFailed >= l.o.Expected:
		return near
	case v.Remaining == 0:
		return unknown
	}
	return min(max(v.Remaining/2, near), l.o.MaxInterval)
}
