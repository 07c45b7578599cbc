package batchjob

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minio/madmin-go/v3"
)

const (
	jobYAML = "keyrotate:\n  apiVersion: v1\n  bucket: b\n  encryption:\n    type: sse-s3\n"
	jobB    = "keyrotate-B:1"
	jobC    = "keyrotate-C:0"
)

// attemptLog records Run's OnAttempt calls.
type attemptLog []string

func (l *attemptLog) add(n int, id string) {
	*l = append(*l, strings.Repeat("#", n)+" "+id)
}

func TestRunCompletesFirstJob(t *testing.T) {
	f, c := newFake(t, map[string][]reply{
		"start":            {started(jobA)},
		"status " + jobA:   {noSuchJob, status(rotating(jobA, 3, 0, 0)), status(complete(rotating(jobA, 9, 0, 5*time.Second)))},
		"describe " + jobA: {defined},
	})
	var attempts attemptLog
	out, err := Run(context.Background(), c, jobYAML, RunPolicy{OnAttempt: attempts.add, Wait: WaitOptions{Clock: newClock()}})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	want := Outcome{JobID: jobA, Attempts: 1, Progress: FromMetric(complete(rotating(jobA, 9, 0, 5*time.Second)))}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("Run (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(attemptLog{"# " + jobA}, attempts); diff != "" {
		t.Errorf("OnAttempt calls (-want +got):\n%s", diff)
	}
	if _, jobs := f.requests(); !cmp.Equal([]string{jobYAML}, jobs) {
		t.Errorf("started jobs %q, want %q", jobs, jobYAML)
	}
}

func TestRunRestartsFailedJob(t *testing.T) {
	f, c := newFake(t, map[string][]reply{
		"start":          {started(jobA), started(jobB)},
		"status " + jobA: {status(failed(rotating(jobA, 7, 1, time.Minute)))},
		"status " + jobB: {status(complete(rotating(jobB, 8, 0, time.Minute)))},
	})
	clock := newClock()
	var attempts attemptLog
	out, err := Run(context.Background(), c, jobYAML, RunPolicy{
		Delay: 30 * time.Second, OnAttempt: attempts.add, Wait: WaitOptions{Clock: clock},
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if len(out.Replaced) != 1 || out.Replaced[0].JobID != jobA || out.Replaced[0].Progress.ObjectsFailed != 1 ||
		!strings.Contains(out.Replaced[0].Reason.Error(), "failed") {
		t.Errorf("Replaced = %+v, want job %s, failed with 1 object failed", out.Replaced, jobA)
	}
	out.Replaced = nil
	want := Outcome{JobID: jobB, Attempts: 2, Progress: FromMetric(complete(rotating(jobB, 8, 0, time.Minute)))}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("Run (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(attemptLog{"# " + jobA, "## " + jobB}, attempts); diff != "" {
		t.Errorf("OnAttempt calls (-want +got):\n%s", diff)
	}
	if n := f.count("cancel " + jobA); n != 0 {
		t.Errorf("the failed job was canceled %d times, want it left alone", n)
	}
	if !slices.Contains(clock.Sleeps(), 30*time.Second) {
		t.Errorf("pauses %v lack the 30s delay between jobs", clock.Sleeps())
	}
}

func TestRunCancelsStalledJob(t *testing.T) {
	for name, cancelReply := range map[string]reply{
		"canceled":          canceled,
		"already gone":      noSuchJob,
		"after a 504 first": proxyTimeout,
	} {
		t.Run(name, func(t *testing.T) {
			cancels := []reply{cancelReply, canceled}
			f, c := newFake(t, map[string][]reply{
				"start":            {started(jobA), started(jobB)},
				"status " + jobA:   {status(rotating(jobA, 2, 0, 0))},
				"describe " + jobA: {defined},
				"cancel " + jobA:   cancels,
				"status " + jobB:   {status(complete(rotating(jobB, 4, 0, time.Minute)))},
			})
			out, err := Run(context.Background(), c, jobYAML, RunPolicy{Wait: WaitOptions{Clock: newClock(), StallTimeout: 10 * time.Second}})
			if err != nil || out.JobID != jobB || out.Attempts != 2 || out.Progress.Status != StatusComplete {
				t.Fatalf("Run = %+v, %v; want the second job complete", out, err)
			}
			if len(out.Replaced) != 1 || out.Replaced[0].JobID != jobA || !errors.Is(out.Replaced[0].Reason, ErrStalled) {
				t.Errorf("Replaced = %+v, want the stalled job %s", out.Replaced, jobA)
			}
			want := 1
			if cancelReply == proxyTimeout {
				want = 2
			}
			if n := f.count("cancel " + jobA); n != want {
				t.Errorf("%d cancel requests for the stalled job, want %d", n, want)
			}
			// The stalled job is canceled before its successor starts.
			calls, _ := f.requests()
			if i, j := slices.Index(calls, "cancel "+jobA), slices.Index(calls, "status "+jobB); i > j {
				t.Errorf("requests %v: cancel after the next job", calls)
			}
		})
	}
}

func TestRunAttemptsExhausted(t *testing.T) {
	f, c := newFake(t, map[string][]reply{
		"start":            {started(jobA), started(jobB), started(jobC)},
		"status " + jobA:   {status(failed(rotating(jobA, 7, 1, time.Minute)))},
		"status " + jobB:   {status(rotating(jobB, 3, 0, 0))},
		"describe " + jobB: {defined},
		"cancel " + jobB:   {canceled},
		"status " + jobC:   {status(failed(rotating(jobC, 120, 3, time.Minute)))},
	})
	out, err := Run(context.Background(), c, jobYAML, RunPolicy{Wait: WaitOptions{Clock: newClock(), StallTimeout: 10 * time.Second}})
	var exhausted *AttemptsExhaustedError
	if !errors.As(err, &exhausted) {
		t.Fatalf("Run = %v, want *AttemptsExhaustedError", err)
	}
	last := FromMetric(failed(rotating(jobC, 120, 3, time.Minute)))
	if exhausted.Attempts != 3 || exhausted.Last != last {
		t.Errorf("AttemptsExhaustedError = %d attempts, last %+v; want 3, %+v", exhausted.Attempts, exhausted.Last, last)
	}
	for _, want := range []string{"3 attempts", jobC, "failed", "120 objects done, 3 failed", `last object "b/o120"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Run error %q does not contain %q", err, want)
		}
	}
	var replaced []string
	for _, r := range out.Replaced {
		replaced = append(replaced, r.JobID)
	}
	if diff := cmp.Diff([]string{jobA, jobB}, replaced); diff != "" {
		t.Errorf("replaced jobs (-want +got):\n%s", diff)
	}
	out.Replaced = nil
	if diff := cmp.Diff(Outcome{JobID: jobC, Attempts: 3, Progress: last}, out); diff != "" {
		t.Errorf("Run outcome (-want +got):\n%s", diff)
	}
	if n := f.count("start"); n != 3 {
		t.Errorf("%d jobs started, want 3", n)
	}
}

func TestRunAttemptsExhaustedByStall(t *testing.T) {
	_, c := newFake(t, map[string][]reply{
		"start":            {started(jobA)},
		"status " + jobA:   {status(rotating(jobA, 3, 0, 0))},
		"describe " + jobA: {defined},
		"cancel " + jobA:   {canceled},
	})
	out, err := Run(context.Background(), c, jobYAML, RunPolicy{Attempts: 1, Wait: WaitOptions{Clock: newClock(), StallTimeout: 10 * time.Second}})
	var exhausted *AttemptsExhaustedError
	if !errors.As(err, &exhausted) || !errors.Is(err, ErrStalled) {
		t.Fatalf("Run = %v, want *AttemptsExhaustedError wrapping ErrStalled", err)
	}
	if out.JobID != jobA || out.Attempts != 1 || out.Progress.Objects != 3 {
		t.Errorf("Run outcome %+v, want the stalled job with its 3 objects", out)
	}
}

func TestRunInterruptedKeepsJobID(t *testing.T) {
	_, c := newFake(t, map[string][]reply{
		"start":            {started(jobA)},
		"status " + jobA:   {noSuchJob, status(rotating(jobA, 3, 0, 0))},
		"describe " + jobA: {defined},
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, err := Run(ctx, c, jobYAML, RunPolicy{Wait: WaitOptions{Clock: newClock(), OnProgress: func(Progress) { cancel() }}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
	want := Outcome{JobID: jobA, Attempts: 1, Progress: FromMetric(rotating(jobA, 3, 0, 0))}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("Run outcome (-want +got):\n%s", diff)
	}
}

func TestRunInterruptedBetweenJobs(t *testing.T) {
	_, c := newFake(t, map[string][]reply{
		"start":          {started(jobA)},
		"status " + jobA: {status(failed(rotating(jobA, 3, 1, 0)))},
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, err := Run(ctx, c, jobYAML, RunPolicy{
		Delay: time.Minute,
		Wait:  WaitOptions{Clock: newClock(), OnProgress: func(Progress) { cancel() }},
	})
	if !errors.Is(err, context.Canceled) || out.JobID != jobA || out.Progress.Status != StatusFailed {
		t.Fatalf("Run = %+v, %v; want the failed job and context.Canceled", out, err)
	}
}

func TestRunStartErrors(t *testing.T) {
	t.Parallel()
	t.Run("not transient", func(t *testing.T) {
		f, c := newFake(t, map[string][]reply{"start": {accessDenied}})
		out, err := Run(context.Background(), c, jobYAML, RunPolicy{Wait: WaitOptions{Clock: newClock()}})
		var resp madmin.ErrorResponse
		if !errors.As(err, &resp) || resp.Code != "AccessDenied" || !strings.Contains(err.Error(), "starting batch job") {
			t.Fatalf("Run = %v, want the start's AccessDenied", err)
		}
		if !reflect.DeepEqual(out, Outcome{}) {
			t.Errorf("Run outcome %+v, want none", out)
		}
		if n := f.count("start"); n != 1 {
			t.Errorf("%d start requests, want 1", n)
		}
	})
	t.Run("transient", func(t *testing.T) {
		t.Parallel()
		f, c := newFake(t, map[string][]reply{
			"start":          {proxyTimeout, notReady, started(jobA)},
			"status " + jobA: {status(complete(rotating(jobA, 1, 0, 0)))},
		})
		out, err := Run(context.Background(), c, jobYAML, RunPolicy{Wait: WaitOptions{Clock: newClock()}})
		if err != nil || out.JobID != jobA || out.Attempts != 1 {
			t.Fatalf("Run = %+v, %v; want the job started on the third try", out, err)
		}
		if n := f.count("start"); n != 3 {
			t.Errorf("%d start requests, want 3", n)
		}
	})
	t.Run("second job", func(t *testing.T) {
		_, c := newFake(t, map[string][]reply{
			"start":          {started(jobA), accessDenied},
			"status " + jobA: {status(failed(rotating(jobA, 1, 1, 0)))},
		})
		out, err := Run(context.Background(), c, jobYAML, RunPolicy{Wait: WaitOptions{Clock: newClock()}})
		if err == nil || out.JobID != jobA || out.Attempts != 1 || out.Progress.Status != StatusFailed {
			t.Fatalf("Run = %+v, %v; want an error and the first job", out, err)
		}
	})
}

func TestRunJobCanceledElsewhere(t *testing.T) {
	f, c := newFake(t, map[string][]reply{
		"start":            {started(jobA)},
		"status " + jobA:   {status(rotating(jobA, 5, 0, 0))},
		"describe " + jobA: {noSuchJob},
	})
	out, err := Run(context.Background(), c, jobYAML, RunPolicy{Wait: WaitOptions{Clock: newClock()}})
	if err == nil || !strings.Contains(err.Error(), "canceled") || out.Progress.Status != StatusCanceled || out.JobID != jobA {
		t.Fatalf("Run = %+v, %v; want an error saying the job was canceled", out, err)
	}
	if n := f.count("start"); n != 1 {
		t.Errorf("%d jobs started, want 1", n)
	}
}

func TestRunCancelRefused(t *testing.T) {
	f, c := newFake(t, map[string][]reply{
		"start":            {started(jobA)},
		"status " + jobA:   {status(rotating(jobA, 5, 0, 0))},
		"describe " + jobA: {defined},
		"cancel " + jobA:   {accessDenied},
	})
	out, err := Run(context.Background(), c, jobYAML, RunPolicy{Wait: WaitOptions{Clock: newClock(), StallTimeout: 10 * time.Second}})
	if err == nil || !strings.Contains(err.Error(), "canceling stalled batch job "+jobA) || out.JobID != jobA {
		t.Fatalf("Run = %+v, %v; want the cancel's error", out, err)
	}
	if n := f.count("start"); n != 1 {
		t.Errorf("%d jobs started, want 1: a job that may resume must not get a successor", n)
	}
}

func TestStartDoesNotWait(t *testing.T) {
	f, c := newFake(t, map[string][]reply{"start": {notReady, started(jobA)}})
	out, err := Start(context.Background(), c, jobYAML, WaitOptions{Clock: newClock()})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	want := Outcome{JobID: jobA, Attempts: 1, Progress: Progress{ID: jobA, Type: "keyrotate", Status: StatusRunning}}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("Start (-want +got):\n%s", diff)
	}
	if n := f.count("status " + jobA); n != 0 {
		t.Errorf("Start polled the status %d times, want none", n)
	}
	if n := f.count("start"); n != 2 {
		t.Errorf("%d start requests, want 2 (the first answered not ready)", n)
	}
}

func TestStartNotTransient(t *testing.T) {
	_, c := newFake(t, map[string][]reply{"start": {accessDenied}})
	out, err := Start(context.Background(), c, jobYAML, WaitOptions{Clock: newClock()})
	if err == nil || out.JobID != "" {
		t.Fatalf("Start = %+v, %v; want AccessDenied and no job", out, err)
	}
}
