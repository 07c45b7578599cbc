package preserve

import (
	"context"
	"sync"
)

// Workers is how many write requests Restore has in flight at most.
const Workers = 8

// writer runs the write requests of one Restore, Workers at a time, and
// keeps the counts: the listing goes on while they run, and waits for a
// free slot, so its pace is the writes' pace.
type writer struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	slots  chan struct{}
	wg     sync.WaitGroup

	mu       sync.Mutex
	res      Result
	failures []Failure
}

func newWriter(ctx context.Context) *writer {
	ctx, cancel := context.WithCancelCause(ctx)
	return &writer{ctx: ctx, cancel: cancel, slots: make(chan struct{}, Workers)}
}

// count changes the counts under the writer's lock.
func (w *writer) count(fn func(*Result)) {
	w.mu.Lock()
	fn(&w.res)
	w.mu.Unlock()
}

// do runs req in the background once a slot is free, then counts its
// success with done or records its failure. It fails only when the
// writer's context has ended.
func (w *writer) do(f Failure, req func(context.Context) error, done func(*Result)) error {
	select {
	case w.slots <- struct{}{}:
	case <-w.ctx.Done():
		return context.Cause(w.ctx)
	}
	w.wg.Add(1)
	go func() {
		defer func() {
			<-w.slots
			w.wg.Done()
		}()
		err := req(w.ctx)
		w.mu.Lock()
		defer w.mu.Unlock()
		switch {
		case err == nil:
			done(&w.res)
		case w.ctx.Err() != nil:
			// Interrupted rather than refused: the cause is reported,
			// not this object.
		default:
			f.Err = err
			w.failures = append(w.failures, f)
			if len(w.failures) >= MaxFailures {
				w.cancel(ErrTooManyFailures)
			}
		}
	}()
	return nil
}

// wait waits for the requests in flight and returns the counts and the
// failures.
func (w *writer) wait() (Result, []Failure) {
	w.wg.Wait()
	w.cancel(nil)
	return w.res, w.failures
}

// fail records a failure that needed no request.
func (w *writer) fail(f Failure, err error) {
	f.Err = err
	w.mu.Lock()
	defer w.mu.Unlock()
	w.failures = append(w.failures, f)
	if len(w.failures) >= MaxFailures {
		w.cancel(ErrTooManyFailures)
	}
}
