package report

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/preserve"
)

func TestJobsOfListsReplacedJobsFirst(t *testing.T) {
	t0 := time.Date(2026, 11, 28, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	out := batchjob.Outcome{
		JobID: "keyrotate-b:-1", Attempts: 2,
		Progress: batchjob.Progress{Status: batchjob.StatusComplete, Objects: 10, StartedAt: t0.Add(time.Minute), LastUpdate: t0.Add(2 * time.Minute)},
		Replaced: []batchjob.Replaced{{JobID: "keyrotate-a:-1", Reason: errors.New("stalled"), Progress: batchjob.Progress{Status: batchjob.StatusCanceled, Objects: 3, StartedAt: t0}}},
	}
	jobs := JobsOf(out)
	if len(jobs) != 2 || jobs[0].ID != "keyrotate-a:-1" || jobs[0].Attempt != 1 || jobs[0].GivenUpBecause != "stalled" || jobs[0].Status != "canceled" ||
		jobs[1].ID != "keyrotate-b:-1" || jobs[1].Attempt != 2 || jobs[1].GivenUpBecause != "" || jobs[1].ObjectsRotated != 10 {
		t.Fatalf("jobs %+v", jobs)
	}
	if jobs[0].StartedAt.Location() != time.UTC {
		t.Errorf("server times are not in UTC: %v", jobs[0].StartedAt)
	}
	if jobs := JobsOf(batchjob.Outcome{}); jobs == nil || len(jobs) != 0 {
		t.Errorf("no job started: %#v, want an empty list (JSON [], not null)", jobs)
	}
}

func TestJSONCarriesSchemaAndNullsWhatWasNotDone(t *testing.T) {
	b, err := Report{Via: "resource", Restored: RestoredOf(&preserve.Result{TagsRestored: 2, MarkersPut: 1})}.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["schema"] != Schema {
		t.Errorf("schema %v, want %s", m["schema"], Schema)
	}
	for _, k := range []string{"before", "after", "verification"} {
		if v, ok := m[k]; !ok || v != nil {
			t.Errorf("%s = %v (present %v), want null: not measured", k, v, ok)
		}
	}
	if !strings.Contains(string(b), `"tag_sets": 2`) || !strings.Contains(string(b), `"delete_markers": 1`) {
		t.Errorf("restored counts missing:\n%s", b)
	}
	if VersionsOf(nil) != nil || RestoredOf(nil) != nil {
		t.Errorf("nil inputs give non-nil parts")
	}
}

func TestChainLinksAndNumbersReports(t *testing.T) {
	var stored []string
	for i := range 3 {
		r := Report{Via: "resource", Bucket: "b", Outcome: "complete"}
		prev := ""
		if i > 0 {
			prev = stored[i-1]
		}
		r.Chain(prev)
		b, err := r.JSON()
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, string(b))
	}
	if i, why := VerifyChain(stored); i != -1 {
		t.Fatalf("an unaltered chain fails at %d: %s", i, why)
	}
	var third Report
	if err := json.Unmarshal([]byte(stored[2]), &third); err != nil {
		t.Fatal(err)
	}
	if third.Sequence != 3 || third.PredecessorSHA256 != Digest(stored[1]) || len(third.PredecessorSHA256) != 64 {
		t.Errorf("third report: sequence %d, predecessor %q", third.Sequence, third.PredecessorSHA256)
	}

	altered := append([]string(nil), stored...)
	altered[1] = strings.Replace(altered[1], `"outcome": "complete"`, `"outcome": "failed"`, 1)
	if i, why := VerifyChain(altered); i != 2 || !strings.Contains(why, "digest") {
		t.Errorf("a report altered in place: VerifyChain = %d, %q; want the next one (2) to fail on its digest", i, why)
	}
	if i, why := VerifyChain([]string{stored[0], stored[2]}); i != 1 {
		t.Errorf("a report missing from the chain: VerifyChain = %d, %q; want 1", i, why)
	}
	var r Report
	r.Chain("not json")
	if r.Sequence != 1 || r.PredecessorSHA256 != Digest("not json") {
		t.Errorf("an unreadable predecessor: sequence %d, digest %q; want 1 and its digest", r.Sequence, r.PredecessorSHA256)
	}
}
