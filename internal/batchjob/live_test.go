package batchjob

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestWaitFollowsLiveCountsAndEndsOnLiveEnd: with a live source, progress
// comes from the live counts between report saves, the wait paces itself
// by the estimate of the time left, and once a live sample shows the end
// the saved report is read at once.
func TestWaitFollowsLiveCountsAndEndsOnLiveEnd(t *testing.T) {
	f, c := newFake(t, map[string][]reply{
		"metrics " + jobA: {
			live(rotating(jobA, 10, 0, 0)),
			live(rotating(jobA, 40, 0, 0)),
			live(rotating(jobA, 70, 0, 0)),
			live(rotating(jobA, 95, 0, 0)),
			live(complete(rotating(jobA, 100, 0, 0))),
		},
		"status " + jobA: {
			status(rotating(jobA, 1, 0, 0)),
			status(complete(rotating(jobA, 100, 0, 5*time.Second))),
		},
		"describe " + jobA: {defined},
	})
	clock := newClock()
	var lives []Live
	p, err := Wait(context.Background(), c, jobA, WaitOptions{
		Clock: clock, Live: c, Expected: 100, LiveEvery: time.Nanosecond,
		OnLive: func(l Live) { lives = append(lives, l) },
	})
	if err != nil || p.Status != StatusComplete || p.Objects != 100 {
		t.Fatalf("Wait: %+v, %v; want complete with 100 objects", p, err)
	}
	if len(lives) != 5 || lives[4].Objects != 100 || lives[4].Status != StatusComplete {
		t.Fatalf("OnLive calls: %+v, want the 5 samples, the last one complete", lives)
	}
	// 30 objects in the 250ms pause after the first sample (no rate yet):
	// 120 objects/s, so 60 left take 500ms and the next pause is half that.
	if got := lives[1]; got.Rate != 120 || got.Remaining != 500*time.Millisecond {
		t.Errorf("second sample: rate %v, remaining %v; want 120/s and 500ms", got.Rate, got.Remaining)
	}
	sleeps := clock.Sleeps()
	if len(sleeps) != 4 || sleeps[0] != 250*time.Millisecond || sleeps[1] != 250*time.Millisecond || sleeps[3] != 50*time.Millisecond {
		t.Errorf("pauses %v, want 250ms (no estimate), 250ms (half of 500ms), ..., then 50ms once nearly done", sleeps)
	}
	// The report is read on the first pass, then right when the live end
	// shows: not on every sample.
	if n := f.count("status " + jobA); n != 2 {
		t.Errorf("%d status requests, want 2", n)
	}
}

// TestWaitWithoutLivePermission: a live source that refuses (no
// admin:ServerInfo, or a server without the API) is said once, and the
// wait goes on with the saved report alone.
func TestWaitWithoutLivePermission(t *testing.T) {
	f, c := newFake(t, map[string][]reply{
		"metrics " + jobA: {errReply(http.StatusForbidden, "AccessDenied", "Access Denied.")},
		"status " + jobA: {
			status(rotating(jobA, 10, 0, 0)),
			status(complete(rotating(jobA, 20, 0, time.Second))),
		},
		"describe " + jobA: {defined},
	})
	var unavailable []error
	p, err := Wait(context.Background(), c, jobA, WaitOptions{
		Clock: newClock(), Live: c,
		OnLiveUnavailable: func(err error) { unavailable = append(unavailable, err) },
	})
	if err != nil || p.Status != StatusComplete {
		t.Fatalf("Wait: %+v, %v; want complete", p, err)
	}
	if len(unavailable) != 1 || !strings.Contains(unavailable[0].Error(), "reading live metrics of batch job "+jobA) {
		t.Errorf("OnLiveUnavailable calls: %v, want one naming the refusal", unavailable)
	}
	if n := f.count("metrics " + jobA); n != 1 {
		t.Errorf("%d metrics requests, want 1: a refusal is not retried", n)
	}
}

// TestLiveMovementPreventsStall: live counts that move keep a job whose
// saved report does not change from counting as stalled.
func TestLiveMovementPreventsStall(t *testing.T) {
	var samples []reply
	for i := range 20 {
		samples = append(samples, live(rotating(jobA, int64(i+1), 0, 0)))
	}
	samples = append(samples, live(complete(rotating(jobA, 21, 0, 0))))
	_, c := newFake(t, map[string][]reply{
		"metrics " + jobA: samples,
		"status " + jobA: {
			status(rotating(jobA, 1, 0, 0)), // saved once, then not again before the end
			status(rotating(jobA, 1, 0, 0)), status(rotating(jobA, 1, 0, 0)),
			status(complete(rotating(jobA, 21, 0, 6*time.Second))),
		},
		"describe " + jobA: {defined},
	})
	clock := newClock()
	p, err := Wait(context.Background(), c, jobA, WaitOptions{Clock: clock, Live: c, StallTimeout: time.Second, ReportEvery: 2 * time.Second})
	if err != nil || p.Status != StatusComplete {
		t.Fatalf("Wait after %s: %+v, %v; want complete despite a report unchanged for longer than the stall timeout", clock.Elapsed(), p, err)
	}
}
