package batchjob

import (
	"context"
	"time"
)

// Clock is the time source of Wait and Run; tests replace it so that they
// run without sleeping for real.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// sleep waits for d on clock, or until ctx ends.
func sleep(ctx context.Context, clock Clock, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-clock.After(d):
		return nil
	}
}

// backoff is a doubling interval, capped.
type backoff struct {
	next, max time.Duration
	clock     Clock
}

// newBackoff starts at o.FirstInterval; o must have its defaults set.
func newBackoff(o WaitOptions) *backoff {
	return &backoff{next: o.FirstInterval, max: o.MaxInterval, clock: o.Clock}
}

// sleep waits for the current interval and doubles the next one.
func (b *backoff) sleep(ctx context.Context) error {
	d := b.next
	b.next = min(2*d, b.max)
	return sleep(ctx, b.clock, d)
}

// retry runs op until it succeeds or fails with an error that sending the
// request again cannot cure (see isTransient), backing off in between. o
// must have its defaults set.
func retry(ctx context.Context, o WaitOptions, op func() error) error {
	b := newBackoff(o)
	for {
		err := op()
		if err == nil || !isTransient(ctx, err) {
			return interrupted(ctx, err)
		}
		if err := b.sleep(ctx); err != nil {
			return err
		}
	}
}
