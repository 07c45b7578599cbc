package batchjob

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minio/madmin-go/v3"
)

func TestFromMetric(t *testing.T) {
	const id = "keyrotate-A:0"
	base := Progress{
		ID: id, Type: "keyrotate", Status: StatusRunning, Objects: 7, ObjectsFailed: 2,
		Bucket: "b", LastObject: "o7", StartedAt: t0, LastUpdate: t0.Add(time.Minute),
	}
	with := func(s Status) Progress { p := base; p.Status = s; return p }
	for _, tc := range []struct {
		name string
		m    madmin.JobMetric
		want Progress
	}{
		{"running", rotating(id, 7, 2, time.Minute), base},
		{"complete", complete(rotating(id, 7, 2, time.Minute)), with(StatusComplete)},
		{"failed", failed(rotating(id, 7, 2, time.Minute)), with(StatusFailed)},
		{"both flags", failed(complete(rotating(id, 7, 2, time.Minute))), with(StatusFailed)},
		{
			"replicate",
			madmin.JobMetric{
				JobID: "replicate-R:1", JobType: "replicate", RetryAttempts: 2, Complete: true,
				Replicate: &madmin.ReplicateInfo{Bucket: "src", Object: "x", Objects: 5, ObjectsFailed: 1},
			},
			Progress{ID: "replicate-R:1", Type: "replicate", Status: StatusComplete, Objects: 5, ObjectsFailed: 1, Bucket: "src", LastObject: "x", RetryAttempts: 2},
		},
		{
			"expire",
			madmin.JobMetric{JobID: "expire-E:0", JobType: "expire", Expired: &madmin.ExpirationInfo{Bucket: "old", Object: "y", Objects: 3}},
			Progress{ID: "expire-E:0", Type: "expire", Status: StatusRunning, Objects: 3, Bucket: "old", LastObject: "y"},
		},
		{"empty report", madmin.JobMetric{}, Progress{Status: StatusRunning}},
	} {
		if diff := cmp.Diff(tc.want, FromMetric(tc.m)); diff != "" {
			t.Errorf("%s: FromMetric (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestFetch(t *testing.T) {
	const id = "keyrotate-A:0"
	running := FromMetric(rotating(id, 3, 1, 10*time.Second))
	withStatus := func(s Status) Progress { p := running; p.Status = s; return p }
	for _, tc := range []struct {
		name      string
		script    map[string][]reply
		want      Progress
		describes int
	}{
		{
			"running while defined",
			map[string][]reply{"status " + id: {status(rotating(id, 3, 1, 10*time.Second))}, "describe " + id: {defined}},
			running, 1,
		},
		{
			"canceled once the definition is gone",
			map[string][]reply{"status " + id: {status(rotating(id, 3, 1, 10*time.Second))}, "describe " + id: {noSuchJob}},
			withStatus(StatusCanceled), 1,
		},
		{
			"complete from the flag alone",
			map[string][]reply{"status " + id: {status(complete(rotating(id, 3, 1, 10*time.Second)))}},
			withStatus(StatusComplete), 0,
		},
		{
			"failed from the flag alone",
			map[string][]reply{"status " + id: {status(failed(rotating(id, 3, 1, 10*time.Second)))}},
			withStatus(StatusFailed), 0,
		},
		{
			"empty report takes ID and type from the ID",
			map[string][]reply{"status " + id: {status(madmin.JobMetric{})}, "describe " + id: {defined}},
			Progress{ID: id, Type: "keyrotate", Status: StatusRunning}, 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c := newFake(t, tc.script)
			got, err := Fetch(context.Background(), c, id)
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Fetch (-want +got):\n%s", diff)
			}
			if n := f.count("describe " + id); n != tc.describes {
				t.Errorf("%d describe requests, want %d", n, tc.describes)
			}
		})
	}
}

func TestFetchPurged(t *testing.T) {
	const id = "keyrotate-A:0"
	f, c := newFake(t, map[string][]reply{"status " + id: {noSuchJob}, "describe " + id: {noSuchJob}})
	p, err := Fetch(context.Background(), c, id)
	if !errors.Is(err, ErrNoSuchJob) || !IsNoSuchJob(err) {
		t.Fatalf("Fetch = %v, want ErrNoSuchJob", err)
	}
	var resp madmin.ErrorResponse
	if !errors.As(err, &resp) || resp.Code != "XMinioAdminNoSuchJob" {
		t.Errorf("Fetch error %v lost the server's error", err)
	}
	if !strings.Contains(err.Error(), "reading status of batch job "+id) {
		t.Errorf("Fetch error %q does not say what was being done", err)
	}
	if p != (Progress{}) {
		t.Errorf("Fetch progress = %+v, want zero", p)
	}
	if n := f.count("describe " + id); n != 1 {
		t.Errorf("%d describe requests, want 1 (to tell a purged job from one just started)", n)
	}
}

// A job started a moment ago has no report yet, but its definition: it
// runs, which a status data source read right after the start must say.
func TestFetchJustStarted(t *testing.T) {
	const id = "keyrotate-A:0"
	_, c := newFake(t, map[string][]reply{"status " + id: {noSuchJob}, "describe " + id: {defined}})
	p, err := Fetch(context.Background(), c, id)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if want := (Progress{ID: id, Type: "keyrotate", Status: StatusRunning}); p != want {
		t.Errorf("Fetch = %+v, want %+v", p, want)
	}
}

func TestFetchErrors(t *testing.T) {
	const id = "keyrotate-A:0"
	f, c := newFake(t, map[string][]reply{
		"status " + id:   {accessDenied, status(rotating(id, 1, 0, 0))},
		"describe " + id: {accessDenied},
	})
	for _, want := range []string{"reading status of batch job " + id, "describing batch job " + id} {
		_, err := Fetch(context.Background(), c, id)
		if err == nil || !strings.Contains(err.Error(), want) || IsNoSuchJob(err) {
			t.Errorf("Fetch = %v, want an error saying %q", err, want)
		}
		var resp madmin.ErrorResponse
		if !errors.As(err, &resp) || resp.Code != "AccessDenied" {
			t.Errorf("Fetch error %v lost the server's error", err)
		}
	}

	if _, err := Fetch(context.Background(), c, "keyrotate-A"); !errors.Is(err, ErrMalformedJobID) {
		t.Errorf("Fetch of a malformed ID = %v, want ErrMalformedJobID", err)
	}
	if calls, _ := f.requests(); len(calls) != 3 {
		t.Errorf("requests %v, want 3 (none for the malformed ID)", calls)
	}
}

func TestRate(t *testing.T) {
	at := func(objects, failed int64, d time.Duration) Progress {
		return Progress{Objects: objects, ObjectsFailed: failed, LastUpdate: t0.Add(d)}
	}
	for _, tc := range []struct {
		from, to Progress
		want     float64
	}{
		{at(0, 0, 0), at(100, 0, 10*time.Second), 10},
		{at(10, 5, 0), at(30, 5, 4*time.Second), 5},
		// A retried object moves from failed to done: not a new object.
		{at(10, 5, 0), at(15, 0, time.Second), 0},
		{at(10, 0, time.Second), at(20, 0, time.Second), 0},
		{at(10, 0, 2*time.Second), at(20, 0, time.Second), 0},
	} {
		if got := Rate(tc.from, tc.to); got != tc.want {
			t.Errorf("Rate(%+v, %+v) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
}
