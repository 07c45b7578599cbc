package batchjob

import (
	"context"
	"fmt"
	"time"
)

// WaitOptions tune Wait. The zero value is usable.
type WaitOptions struct {
	// PendingGrace is how long after Wait begins the server's "no such job"
	// counts as a job that has not saved its first report yet; 0 means 2
	// minutes. The server saves the first report only after the job has
	// processed its first object. Past PendingGrace a job without a report
	// still counts as pending while its definition exists, since walking
	// many objects the job skips (unencrypted or filtered out) writes no
	// report either; only StallTimeout bounds that.
	PendingGrace time.Duration
	// StallTimeout ends the wait with ErrStalled when the job's report
	// (status, counts, LastUpdate) does not change for this long; 0 turns
	// stall detection off. A stuck job is otherwise waited for forever (see
	// ErrStalled). It must exceed the 10 seconds between report saves by a
	// wide margin, and the time the job may spend walking objects it skips.
	StallTimeout time.Duration
	// FirstInterval is the pause after the first poll; 0 means 100ms. The
	// pause doubles after every poll up to MaxInterval; 0 means 1s.
	// Transient errors are retried with the same pauses.
	FirstInterval, MaxInterval time.Duration
	// OnProgress, if set, is called with the first progress read and then
	// with every progress that differs from the previous one.
	OnProgress func(Progress)
	// Live, if set, is read for the job's live counts (see LiveSource):
	// they count as movement for StallTimeout, go to OnLive, and tell when
	// the job ends, so that the wait ends within about 100ms of it. The
	// saved report stays the source of truth for the end state and is
	// read every ReportEvery (0 means 2s) meanwhile. When Live fails with
	// an error that retrying cannot cure (no permission, an older server),
	// OnLiveUnavailable is called once and the wait goes on polling the
	// report alone.
	Live              LiveSource
	ReportEvery       time.Duration
	OnLiveUnavailable func(error)
	// OnLive, if set, is called with the live progress at most every
	// LiveEvery (0 means 1s), and with the sample that shows the end.
	OnLive    func(Live)
	LiveEvery time.Duration
	// Expected is how many objects the job is expected to process, for
	// Live's estimate of the time left; 0 when unknown.
	Expected int64
	// CallTimeout bounds each request of the wait (0 means 30s). madmin
	// retries a connection that is reset or cut for minutes before it
	// returns; a server that is gone would hold the wait in one request,
	// and StallTimeout would never be reached. A request cut short counts
	// as a transient error.
	CallTimeout time.Duration
	// Clock is the time source; nil means real time.
	Clock Clock
}

func (o WaitOptions) withDefaults() WaitOptions {
	if o.PendingGrace <= 0 {
		o.PendingGrace = 2 * time.Minute
	}
	if o.FirstInterval <= 0 {
		o.FirstInterval = 100 * time.Millisecond
	}
	if o.MaxInterval <= 0 {
		o.MaxInterval = time.Second
	}
	o.FirstInterval = min(o.FirstInterval, o.MaxInterval)
	if o.ReportEvery <= 0 {
		o.ReportEvery = 2 * time.Second
	}
	if o.LiveEvery <= 0 {
		o.LiveEvery = time.Second
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = 30 * time.Second
	}
	if o.Clock == nil {
		o.Clock = realClock{}
	}
	return o
}

// polled is what one request of the wait read.
type polled struct {
	p   Progress
	ok  bool
	err error
}

// call runs one request of the wait, bounded by CallTimeout.
func call(ctx context.Context, o WaitOptions, fn func(context.Context) polled) polled {
	cctx, cancel := context.WithTimeout(ctx, o.CallTimeout)
	defer cancel()
	return fn(cctx)
}

// Wait polls job id until it is complete, failed or canceled, and returns
// its final progress. Transient errors (see isTransient) are retried; other
// errors are returned at once. It returns an error wrapping ErrStalled when
// o.StallTimeout passes without a change, ErrNoSuchJob when the job has
// neither report nor definition after o.PendingGrace, and ctx's error when
// ctx ends. Whatever the error, the Progress is the last one seen (only ID,
// Type and StatusRunning before the first report).
func Wait(ctx context.Context, c Client, id string, o WaitOptions) (Progress, error) {
	typ, err := ParseJobID(id)
	if err != nil {
		return Progress{ID: id}, fmt.Errorf("waiting for batch job: %w", err)
	}
	w := waiter{c: c, id: id, typ: typ, o: o.withDefaults()}
	return w.wait(ctx)
}

type waiter struct {
	c       Client
	id, typ string
	o       WaitOptions
	start   time.Time
}

func (w *waiter) wait(ctx context.Context) (Progress, error) {
	w.start = w.o.Clock.Now()
	last := Progress{ID: w.id, Type: w.typ, Status: StatusRunning}
	lastChange, seen := w.start, false
	b := newBackoff(w.o)
	live := &liveTracker{o: w.o, off: w.o.Live == nil}
	var nextReport time.Time
	for {
		now := w.o.Clock.Now()
		if !live.off {
			r := call(ctx, w.o, func(ctx context.Context) polled {
				p, ok, err := FetchLive(ctx, w.o.Live, w.id)
				return polled{p, ok, err}
			})
			p, ok, err := r.p, r.ok, r.err
			switch {
			case err != nil && ctx.Err() != nil:
				return last, fmt.Errorf("waiting for batch job %s: %w", w.id, ctx.Err())
			case err != nil && !isTransient(ctx, err):
				live.off = true
				if w.o.OnLiveUnavailable != nil {
					w.o.OnLiveUnavailable(err)
				}
			case ok && live.observe(p, now):
				lastChange = now
			}
		}
		if live.off || live.awaitingReport(now) || !now.Before(nextReport) {
			nextReport = now.Add(w.o.ReportEvery)
			r := call(ctx, w.o, func(ctx context.Context) polled {
				p, ok, err := w.poll(ctx)
				return polled{p, ok, err}
			})
			p, ok, err := r.p, r.ok, r.err
			if err != nil && !isTransient(ctx, err) {
				if ctx.Err() != nil {
					err = fmt.Errorf("waiting for batch job %s: %w", w.id, ctx.Err())
				}
				return last, err
			}
			now = w.o.Clock.Now()
			if ok && (!seen || advanced(last, p)) {
				last, lastChange, seen = p, now, true
				if w.o.OnProgress != nil {
					w.o.OnProgress(p)
				}
			}
			if last.Status.Done() {
				return last, nil
			}
		}
		if w.o.StallTimeout > 0 && now.Sub(lastChange) >= w.o.StallTimeout {
			return last, fmt.Errorf("waiting for batch job %s: %w: no change for %s (%s)",
				w.id, ErrStalled, w.o.StallTimeout, last.counts())
		}
		pause := b.sleep
		if !live.off {
			pause = func(ctx context.Context) error { return sleep(ctx, w.o.Clock, live.next(now)) }
		}
		if err := pause(ctx); err != nil {
			return last, fmt.Errorf("waiting for batch job %s: %w", w.id, err)
		}
	}
}

// poll reads the job once. ok is false when there is nothing to observe:
// after a transient error, or while the job has no report yet but still
// counts as pending (see WaitOptions.PendingGrace).
func (w *waiter) poll(ctx context.Context) (p Progress, ok bool, err error) {
	p, err = fetch(ctx, w.c, w.id, w.typ)
	if !IsNoSuchJob(err) {
		return p, err == nil, err
	}
	if w.o.Clock.Now().Sub(w.start) < w.o.PendingGrace {
		return Progress{}, false, nil
	}
	switch _, derr := w.c.DescribeBatchJob(ctx, w.id); {
	case derr == nil:
		return Progress{}, false, nil
	case IsNoSuchJob(derr):
		return Progress{}, false, err
	default:
		return Progress{}, false, fmt.Errorf("describing batch job %s that has no status report: %w", w.id, derr)
	}
}
