package batchjob

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const jobA = "keyrotate-A:0"

// repeat returns n copies of r.
func repeat(r reply, n int) []reply {
	rs := make([]reply, n)
	for i := range rs {
		rs[i] = r
	}
	return rs
}

func TestWaitPendingThenRunningThenComplete(t *testing.T) {
	f, c := newFake(t, map[string][]reply{
		"status " + jobA: {
			noSuchJob, noSuchJob, noSuchJob,
			status(rotating(jobA, 1, 0, 0)),
			status(rotating(jobA, 1, 0, 0)),
			status(rotating(jobA, 40, 1, 10*time.Second)),
			status(complete(rotating(jobA, 90, 0, 12*time.Second))),
		},
		"describe " + jobA: {defined},
	})
	var seen []Progress
	p, err := Wait(context.Background(), c, jobA, WaitOptions{
		Clock:      newClock(),
		OnProgress: func(p Progress) { seen = append(seen, p) },
	})
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	want := FromMetric(complete(rotating(jobA, 90, 0, 12*time.Second)))
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("Wait (-want +got):\n%s", diff)
	}
	wantSeen := []Progress{
		FromMetric(rotating(jobA, 1, 0, 0)),
		FromMetric(rotating(jobA, 40, 1, 10*time.Second)),
		want,
	}
	if diff := cmp.Diff(wantSeen, seen); diff != "" {
		t.Errorf("OnProgress calls (-want +got):\n%s", diff)
	}
	// Within the grace period a missing report needs no describe request;
	// each of the three running reports needs one.
	if n := f.count("describe " + jobA); n != 3 {
		t.Errorf("%d describe requests, want 3", n)
	}
}

func TestWaitNoSuchJobAfterGrace(t *testing.T) {
	f, c := newFake(t, map[string][]reply{
		"status " + jobA:   {noSuchJob},
		"describe " + jobA: {noSuchJob},
	})
	clock := newClock()
	p, err := Wait(context.Background(), c, jobA, WaitOptions{Clock: clock, PendingGrace: 5 * time.Second})
	if !errors.Is(err, ErrNoSuchJob) {
		t.Fatalf("Wait = %v, want ErrNoSuchJob", err)
	}
	if want := (Progress{ID: jobA, Type: "keyrotate", Status: StatusRunning}); p != want {
		t.Errorf("Wait progress = %+v, want %+v", p, want)
	}
	if e := clock.Elapsed(); e < 5*time.Second || e > 6*time.Second {
		t.Errorf("gave up after %s, want just past the 5s grace", e)
	}
	if n := f.count("describe " + jobA); n != 1 {
		t.Errorf("%d describe requests, want 1 (only once the grace is over)", n)
	}
}

func TestWaitOptionsDefaults(t *testing.T) {
	o := WaitOptions{}.withDefaults()
	if o.PendingGrace != 2*time.Minute || o.StallTimeout != 0 || o.FirstInterval != 100*time.Millisecond || o.MaxInterval != time.Second {
		t.Errorf("defaults %+v, want a 2m grace, no stall detection and polls from 100ms up to 1s", o)
	}
	if _, ok := o.Clock.(realClock); !ok {
		t.Errorf("default clock %T, want real time", o.Clock)
	}
}

// A job walking many objects it skips saves no report for a long time;
// its definition shows it is still there.
func TestWaitPendingPastGraceWhileDefined(t *testing.T) {
	f, c := newFake(t, map[string][]reply{
		"status " + jobA:   append(repeat(noSuchJob, 30), status(complete(rotating(jobA, 5, 0, time.Minute)))),
		"describe " + jobA: {defined},
	})
	p, err := Wait(context.Background(), c, jobA, WaitOptions{Clock: newClock(), PendingGrace: 2 * time.Second})
	if err != nil || p.Status != StatusComplete {
		t.Fatalf("Wait = %+v, %v; want complete", p, err)
	}
	if n := f.count("describe " + jobA); n == 0 {
		t.Error("no describe request: the grace period was not exceeded, the test is void")
	}
}

// The tests that make madmin pause (after a 502, a 503 or a dropped
// connection) run in parallel, so that their pauses overlap.
func TestWaitRetriesTransientErrors(t *testing.T) {
	t.Parallel()
	for name, failure := range map[string]reply{
		"server starting":   notReady,
		"proxy error page":  {status: http.StatusBadGateway, body: "<html>Bad Gateway</html>"},
		"proxy timeout":     proxyTimeout,
		"connection closed": dropped,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f, c := newFake(t, map[string][]reply{
				"status " + jobA: {failure, status(complete(rotating(jobA, 5, 0, time.Minute)))},
			})
			p, err := Wait(context.Background(), c, jobA, WaitOptions{Clock: newClock()})
			if err != nil || p.Status != StatusComplete {
				t.Fatalf("Wait = %+v, %v; want complete", p, err)
			}
			if n := f.count("status " + jobA); n != 2 {
				t.Errorf("%d status requests, want 2", n)
			}
		})
	}
}

func TestWaitRetriesTransientDescribe(t *testing.T) {
	t.Parallel()
	_, c := newFake(t, map[string][]reply{
		"status " + jobA:   {status(rotating(jobA, 1, 0, 0)), status(complete(rotating(jobA, 5, 0, time.Minute)))},
		"describe " + jobA: {dropped},
	})
	p, err := Wait(context.Background(), c, jobA, WaitOptions{Clock: newClock()})
	if err != nil || p.Status != StatusComplete {
		t.Fatalf("Wait = %+v, %v; want complete", p, err)
	}
}

// A server that drops every connection (a site whose container is gone
// behind a port proxy) makes madmin retry each request for minutes: each
// request is cut at CallTimeout, so that stall detection still ends the
// wait.
func TestWaitCutsRequestsToAGoneServer(t *testing.T) {
	_, c := newFake(t, map[string][]reply{"status " + jobA: {{drop: true}}, "describe " + jobA: {{drop: true}}})
	began := time.Now()
	_, err := Wait(context.Background(), c, jobA, WaitOptions{Clock: newClock(), StallTimeout: 3 * time.Second, CallTimeout: 200 * time.Millisecond})
	if !errors.Is(err, ErrStalled) {
		t.Fatalf("Wait = %v, want ErrStalled", err)
	}
	if took := time.Since(began); took > 30*time.Second {
		t.Errorf("the wait took %s: its requests were not cut at CallTimeout", took)
	}
}

// A refused connection is retried like any transient error: here until the
// stall detection gives up, as no server ever answers.
func TestWaitRetriesRefusedConnection(t *testing.T) {
	c := newClient(t, "http://"+closedAddr(t))
	clock := newClock()
	_, err := Wait(context.Background(), c, jobA, WaitOptions{Clock: clock, StallTimeout: 3 * time.Second})
	if !errors.Is(err, ErrStalled) {
		t.Fatalf("Wait = %v, want ErrStalled", err)
	}
	if n := len(clock.Sleeps()); n < 5 {
		t.Errorf("%d pauses, want the refused requests retried", n)
	}
}

func TestWaitReturnsOtherErrorsAtOnce(t *testing.T) {
	for name, failure := range map[string]reply{
		"access denied":        accessDenied,
		"server's own 500":     errReply(http.StatusInternalServerError, "InternalError", "We encountered an internal error, please try again.: cause(job ID format unrecognized)"),
		"not JSON and not 5xx": {status: http.StatusBadRequest, body: "nope"},
	} {
		t.Run(name, func(t *testing.T) {
			f, c := newFake(t, map[string][]reply{"status " + jobA: {failure}})
			clock := newClock()
			p, err := Wait(context.Background(), c, jobA, WaitOptions{Clock: clock})
			if err == nil || !strings.Contains(err.Error(), "reading status of batch job "+jobA) {
				t.Fatalf("Wait = %v, want the status error", err)
			}
			if n := f.count("status " + jobA); n != 1 {
				t.Errorf("%d status requests, want 1", n)
			}
			if p.ID != jobA || p.Status != StatusRunning {
				t.Errorf("Wait progress = %+v, want the ID and running", p)
			}
			if s := clock.Sleeps(); len(s) != 0 {
				t.Errorf("slept %v, want no pause", s)
			}
		})
	}
}

func TestWaitStall(t *testing.T) {
	// The job moves for 20s (longer than the stall timeout), then freezes
	// as after a server restart.
	var moving []reply
	for i := range 20 {
		moving = append(moving, status(rotating(jobA, int64(i), 0, time.Duration(i)*time.Second)))
	}
	frozen := rotating(jobA, 20, 2, 20*time.Second)
	_, c := newFake(t, map[string][]reply{
		"status " + jobA:   append(moving, status(frozen)),
		"describe " + jobA: {defined},
	})
	clock := newClock()
	var lastChange time.Time
	p, err := Wait(context.Background(), c, jobA, WaitOptions{
		Clock: clock, StallTimeout: 5 * time.Second,
		OnProgress: func(Progress) { lastChange = clock.Now() },
	})
	if !errors.Is(err, ErrStalled) {
		t.Fatalf("Wait = %v, want ErrStalled", err)
	}
	for _, want := range []string{"waiting for batch job " + jobA, "no change for 5s", "20 objects done, 2 failed", `last object "b/o20"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Wait error %q does not contain %q", err, want)
		}
	}
	if diff := cmp.Diff(FromMetric(frozen), p); diff != "" {
		t.Errorf("Wait progress (-want +got):\n%s", diff)
	}
	// The stall counts from the last change, not from the start.
	if d := lastChange.Sub(t0); d < 10*time.Second {
		t.Errorf("the job moved for %s only, the test is void", d)
	}
	if d := clock.Now().Sub(lastChange); d < 5*time.Second || d > 6*time.Second {
		t.Errorf("stalled %s after the last change, want just past 5s", d)
	}
}

// A job that never saves a report and whose definition stays stalls too.
func TestWaitStallWithoutReport(t *testing.T) {
	_, c := newFake(t, map[string][]reply{
		"status " + jobA:   {noSuchJob},
		"describe " + jobA: {defined},
	})
	_, err := Wait(context.Background(), c, jobA, WaitOptions{Clock: newClock(), PendingGrace: time.Second, StallTimeout: 10 * time.Second})
	if !errors.Is(err, ErrStalled) {
		t.Fatalf("Wait = %v, want ErrStalled", err)
	}
}

func TestWaitIntervals(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		name string
		o    WaitOptions
		want []time.Duration
	}{
		{"defaults", WaitOptions{}, []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, time.Second, time.Second, time.Second}},
		{"custom", WaitOptions{FirstInterval: 300 * ms, MaxInterval: 500 * ms}, []time.Duration{300 * ms, 500 * ms, 500 * ms, 500 * ms, 500 * ms, 500 * ms, 500 * ms}},
		{"cap below the default start", WaitOptions{MaxInterval: 50 * ms}, []time.Duration{50 * ms, 50 * ms, 50 * ms, 50 * ms, 50 * ms, 50 * ms, 50 * ms}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, c := newFake(t, map[string][]reply{
				"status " + jobA:   {proxyTimeout, noSuchJob, noSuchJob, status(rotating(jobA, 1, 0, 0)), noSuchJob, noSuchJob, status(rotating(jobA, 2, 0, time.Second)), status(complete(rotating(jobA, 3, 0, 2*time.Second)))},
				"describe " + jobA: {defined},
			})
			clock := newClock()
			tc.o.Clock = clock
			if _, err := Wait(context.Background(), c, jobA, tc.o); err != nil {
				t.Fatalf("Wait: %v", err)
			}
			if diff := cmp.Diff(tc.want, clock.Sleeps()); diff != "" {
				t.Errorf("pauses between polls (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWaitContextCanceled(t *testing.T) {
	_, c := newFake(t, map[string][]reply{
		"status " + jobA:   {status(rotating(jobA, 1, 0, 0)), status(rotating(jobA, 2, 0, time.Second))},
		"describe " + jobA: {defined},
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p, err := Wait(ctx, c, jobA, WaitOptions{Clock: newClock(), OnProgress: func(p Progress) {
		if p.Objects == 2 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
	if !strings.Contains(err.Error(), "waiting for batch job "+jobA) {
		t.Errorf("Wait error %q does not name the job", err)
	}
	if diff := cmp.Diff(FromMetric(rotating(jobA, 2, 0, time.Second)), p); diff != "" {
		t.Errorf("Wait progress (-want +got):\n%s", diff)
	}
}

func TestWaitEndsOnCancel(t *testing.T) {
	_, c := newFake(t, map[string][]reply{
		"status " + jobA:   {status(rotating(jobA, 4, 0, 0))},
		"describe " + jobA: {defined, noSuchJob},
	})
	p, err := Wait(context.Background(), c, jobA, WaitOptions{Clock: newClock()})
	if err != nil || p.Status != StatusCanceled || p.Objects != 4 {
		t.Fatalf("Wait = %+v, %v; want canceled with 4 objects", p, err)
	}
}

func TestWaitMalformedID(t *testing.T) {
	f, c := newFake(t, nil)
	if _, err := Wait(context.Background(), c, "keyrotate-A", WaitOptions{Clock: newClock()}); !errors.Is(err, ErrMalformedJobID) {
		t.Errorf("Wait = %v, want ErrMalformedJobID", err)
	}
	if calls, _ := f.requests(); len(calls) != 0 {
		t.Errorf("requests %v, want none", calls)
	}
}
