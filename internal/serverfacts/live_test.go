package serverfacts

import (
	"errors"
	"testing"
	"time"

	"github.com/minio/madmin-go/v3"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

// liveMetric reads a job's live counts once from the realtime metrics API
// (one sample, by job ID).
func (f *fixture) liveMetric(id string) (madmin.JobMetric, bool) {
	f.t.Helper()
	var m madmin.JobMetric
	found := false
	err := f.admin.Metrics(f.ctx, madmin.MetricsOptions{Type: madmin.MetricsBatchJobs, N: 1, ByJobID: id}, func(rm madmin.RealtimeMetrics) {
		if rm.Aggregated.BatchJobs != nil {
			m, found = rm.Aggregated.BatchJobs.Jobs[id]
		}
	})
	if err != nil {
		f.t.Fatalf("reading live metrics of %s: %v", id, err)
	}
	return m, found
}

// TestLiveMetricsLeadTheSavedReport: the realtime metrics API serves a
// keyrotate job's in-memory counts, updated per object, and answers one
// sample at once; the status report is saved only every 10 seconds, and
// the job's end shows in the live counts no later than in the report. The
// waiter's live progress and its fast end detection rely on this.
func TestLiveMetricsLeadTheSavedReport(t *testing.T) {
	f := setup(t)
	bucket, oldKey, newKey := f.bucket(), f.key(), f.key()
	f.put(seed(bucket, oldKey, inventory.Names("o-", 30)))
	f.stack.PaceRotation(t, 200*time.Millisecond) // about 6 s of rotation, under one report save

	started, err := f.admin.StartBatchJob(f.ctx, job{bucket: bucket, key: newKey}.yaml())
	if err != nil {
		t.Fatal(err)
	}
	id := started.ID
	var (
		lead                  bool // live counts ahead of the saved report at some point
		liveDone, reportDone  time.Time
		slowest               time.Duration
		liveObjects, reported int64
	)
	deadline := time.Now().Add(90 * time.Second)
	for reportDone.IsZero() && time.Now().Before(deadline) {
		began := time.Now()
		m, ok := f.liveMetric(id)
		slowest = max(slowest, time.Since(began))
		if ok {
			liveObjects = m.KeyRotate.Objects
			if (m.Complete || m.Failed) && liveDone.IsZero() {
				liveDone = time.Now()
			}
		}
		p, err := batchjob.Fetch(f.ctx, f.admin, id)
		switch {
		case err != nil && !errors.Is(err, batchjob.ErrNoSuchJob):
			t.Fatal(err)
		case err == nil:
			reported = p.Objects
			if p.Status.Done() {
				reportDone = time.Now()
			}
		}
		lead = lead || (ok && liveObjects > reported && !m.Complete)
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("job %s: live %d objects, report %d; one live sample took at most %s; end seen live %s before the report",
		id, liveObjects, reported, slowest, reportDone.Sub(liveDone))
	if !lead {
		t.Errorf("the live counts never led the saved report: the metrics API no longer serves in-memory counts")
	}
	if liveObjects != 30 || reported != 30 {
		t.Errorf("live %d and reported %d objects, want 30 each", liveObjects, reported)
	}
	if liveDone.IsZero() || reportDone.IsZero() || liveDone.After(reportDone) {
		t.Errorf("end seen live at %v, in the report at %v: want it live first (or together)", liveDone, reportDone)
	}
	if slowest > time.Second {
		t.Errorf("one live sample took %s: the metrics API no longer answers a single sample at once", slowest)
	}
}
