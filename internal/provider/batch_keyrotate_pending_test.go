package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// entry is what must not change of one listing entry when no job runs.
type entry struct {
	modified     time.Time
	deleteMarker bool
	latest       bool
	key          string
}

// entriesOf lists every version and delete marker of bucket by name and
// version ID.
func entriesOf(t *testing.T, a *acc, bucket string) map[string]entry {
	t.Helper()
	out := map[string]entry{}
	for o := range a.s3.ListObjects(a.ctx(), bucket, minio.ListObjectsOptions{Recursive: true, WithVersions: true, WithMetadata: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		out[o.Key+"@"+o.VersionID] = entry{modified: o.LastModified, deleteMarker: o.IsDeleteMarker, latest: o.IsLatest,
			key: o.UserMetadata["X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"]}
	}
	return out
}

// TestAccBatchKeyrotate_nothingPendingStartsNoJob: a versioned bucket whose
// every version is already under the target key, with a deleted object.
// Apply starts no job and says so; every version keeps its Last-Modified,
// no delete marker is added; the rotation is recorded as complete, its
// report says why, the plan afterwards is empty, and -replace starts no
// job either.
func TestAccBatchKeyrotate_nothingPendingStartsNoJob(t *testing.T) {
	a := newAcc(t)
	bucket, key := teststack.RandomName("noop-"), a.key()
	sse := versionedUnder(a.ctx(), t, a.s3, bucket, key)
	for i := range 4 {
		for v := range 2 {
			body := []byte(fmt.Sprintf("o-%d v%d", i, v))
			if _, err := a.s3.PutObject(a.ctx(), bucket, fmt.Sprintf("o-%d", i), bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{ServerSideEncryption: sse}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := a.s3.RemoveObject(a.ctx(), bucket, "o-0", minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	before, jobs := entriesOf(t, a, bucket), a.jobIDs()
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": rotateConfig(bucket, key, "") + `
output "id" { value = minio_batch_keyrotate.test.id }
output "report" { value = minio_batch_keyrotate.test.report }
`})
	apply := strings.Join(strings.Fields(w.must(0, "apply", "-input=false", "-auto-approve")), " ")
	mustSay(t, "the apply with nothing pending", apply, "Warning: Nothing Pending, No Job Started",
		fmt.Sprintf("All 8 encrypted versions in scope under %s/ are already under key %s.", bucket, key), "No job was started, so nothing was re-sealed")
	check := func(when string) {
		t.Helper()
		if got := a.jobIDs(); fmt.Sprint(got) != fmt.Sprint(jobs) {
			t.Errorf("%s: jobs %v, before %v", when, got, jobs)
		}
		if after := entriesOf(t, a, bucket); !maps.Equal(after, before) {
			t.Errorf("%s: the listing changed:\nbefore %v\nafter  %v", when, before, after)
		}
	}
	check("after apply")
	if id := w.output("id"); !strings.HasPrefix(id, noJobPrefix) {
		t.Errorf("id %q, want one starting with %q", id, noJobPrefix)
	}
	var rep struct {
		Reseal         string `json:"reseal"`
		Outcome        string `json:"outcome"`
		NothingPending string `json:"nothing_pending"`
		Jobs           []any  `json:"jobs"`
	}
	if err := json.Unmarshal([]byte(w.output("report")), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Reseal != "none" || rep.Outcome != "complete" || len(rep.Jobs) != 0 || !strings.Contains(rep.NothingPending, "already under key "+key) {
		t.Errorf("report %+v: want reseal none, outcome complete, no jobs and the reason", rep)
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")
	w.must(0, "apply", "-input=false", "-auto-approve", "-replace=minio_batch_keyrotate.test")
	check("after apply -replace")
}

// TestAccBatchKeyrotate_driftCostsTheDrift: 7 objects written under the old
// key after a rotation of 3,000. The plan says that the new job re-seals
// only what was modified since the oldest of them, and the server's report
// of that job counts at most 2 x 7 objects; everything ends on the new key.
func TestAccBatchKeyrotate_driftCostsTheDrift(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	bulk := inventory.Names("o-", 3000)
	a.put(inventory.Seed{Bucket: bucket, Names: bulk, KMSKey: oldKey})
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": rotateConfig(bucket, newKey, "") + `
output "rotated" { value = minio_batch_keyrotate.test.objects_rotated }
output "reseal_since" { value = minio_batch_keyrotate.test.reseal_since }
output "report" { value = minio_batch_keyrotate.test.report }
`})
	w.must(0, "apply", "-input=false", "-auto-approve")
	// The server's count of a job's objects may exceed its scope by one
	// (seen once); fewer would mean a job narrowed too far.
	if n, err := strconv.Atoi(w.output("rotated")); err != nil || n < 3000 {
		t.Fatalf("the first rotation rotated %d objects (%v), want 3000", n, err)
	}

	late := inventory.Names("late-", 7)
	a.put(inventory.Seed{Bucket: bucket, Names: late, KMSKey: oldKey})
	w.must(0, "refresh", "-input=false")
	since := w.stateAttr("minio_batch_keyrotate.test", "pending_since")
	if _, err := time.Parse(time.RFC3339Nano, since); err != nil {
		t.Fatalf("pending_since %q after drift: %v", since, err)
	}
	plan := strings.Join(strings.Fields(w.must(2, "plan", "-input=false", "-detailed-exitcode")), " ")
	mustSay(t, "the plan of the drift", plan, fmt.Sprintf("7 data versions under %s/ in this rotation's scope are not under key %s", bucket, newKey),
		fmt.Sprintf("Its job re-seals only the versions modified at or after %s, the oldest pending one", since), "not the versions the last rotation re-sealed")
	w.must(0, "apply", "-input=false", "-auto-approve")
	rotated, err := strconv.Atoi(w.output("rotated"))
	t.Logf("the re-rotation's job rotated %d objects (the first: 3000)", rotated)
	if err != nil || rotated < 7 || rotated > 14 {
		t.Errorf("the re-rotation's job rotated %q objects (server's report), want 7 to 14", w.output("rotated"))
	}
	if got := w.output("reseal_since"); got != since {
		t.Errorf("reseal_since %q, want the pending_since the plan named, %q", got, since)
	}
	var rep struct {
		Reseal      string `json:"reseal"`
		ResealSince string `json:"reseal_since"`
		JobYAML     string `json:"job_yaml"`
	}
	if err := json.Unmarshal([]byte(w.output("report")), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Reseal != "modified_since" || rep.ResealSince == "" || !regexp.MustCompile(`createdBefore: `).MatchString(rep.JobYAML) {
		t.Errorf("report: reseal %q since %q, job:\n%s\nwant modified_since with the date in the job's filter", rep.Reseal, rep.ResealSince, rep.JobYAML)
	}
	if err := a.checkObjects(bucket, keysOf(append(late, bulk...), newKey))(nil); err != nil {
		t.Error(err)
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")
}

// TestAccBatchKeyrotate_refreshSamplesAboveVerifyLimit: with verify_limit
// below the scope's 3,000 versions, the apply counts exactly, and each
// refresh after it reads a sample (16 pages of 15), says so at plan with
// its bound, and plans nothing. 600 versions written under the old key
// between the existing names are found by the sample (a miss has odds of
// 10^-19); the replacement counts exactly again. verify_limit = 0 counts
// exactly on request, as an in-place update.
func TestAccBatchKeyrotate_refreshSamplesAboveVerifyLimit(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("o-", 3000), KMSKey: oldKey})
	const addr = "minio_batch_keyrotate.test"
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": rotateConfig(bucket, newKey, "verify_limit = 1000")})
	w.must(0, "apply", "-input=false", "-auto-approve")
	if v := w.stateAttr(addr, "verification"); v != "exact" {
		t.Errorf("verification after apply %q, want exact", v)
	}
	plan := strings.Join(strings.Fields(w.must(0, "plan", "-input=false", "-detailed-exitcode")), " ")
	mustSay(t, "the plan after apply", plan, "Warning: Rotation Verified By Sample",
		fmt.Sprintf("The last exact count of %s/ listed 3000 entries, more than verify_limit (1000), so this refresh read", bucket), "in 16 pages spread over the scope, and found 0 versions not under key "+newKey)
	w.must(0, "refresh", "-input=false")
	bound, err := strconv.Atoi(w.stateAttr(addr, "drift_bound"))
	if v := w.stateAttr(addr, "verification"); v != "sampled" || err != nil || bound < 10 || bound > 3000 {
		t.Errorf("after a sampled refresh: verification %q, drift_bound %d (%v); want sampled and a bound within (10, 3000]", v, bound, err)
	}

	var late []string
	for i := 0; i < 3000; i += 5 {
		late = append(late, fmt.Sprintf("o-%04d-late", i))
	}
	a.put(inventory.Seed{Bucket: bucket, Names: late, KMSKey: oldKey})
	plan = strings.Join(strings.Fields(w.must(2, "plan", "-input=false", "-detailed-exitcode")), " ")
	mustSay(t, "the plan after drift", plan, "Warning: Versions Not On The Target Key", "Warning: Rotation Verified By Sample", "must be replaced")
	w.must(0, "apply", "-input=false", "-auto-approve")
	if v := w.stateAttr(addr, "verification"); v != "exact" {
		t.Errorf("verification after the replacement %q, want exact", v)
	}

	w.write("main.tf", rotateConfig(bucket, newKey, "verify_limit = 0"))
	plan = strings.Join(strings.Fields(w.must(2, "plan", "-input=false", "-detailed-exitcode")), " ")
	mustSay(t, "the plan of verify_limit = 0", plan, "1 to change, 0 to destroy")
	w.must(0, "apply", "-input=false", "-auto-approve")
	if v, b := w.stateAttr(addr, "verification"), w.stateAttr(addr, "drift_bound"); v != "exact" || b != "0" {
		t.Errorf("after verify_limit = 0: verification %q, drift_bound %s; want exact and 0", v, b)
	}
	if err := a.checkObjects(bucket, keysOf(append(late, inventory.Names("o-", 3000)...), newKey))(nil); err != nil {
		t.Error(err)
	}
}

// TestAccBatchKeyrotate_keyTypoFailsAtPlan: an applied rotation whose key
// is then mistyped fails at plan, naming the key and how to create it,
// before the replacement destroys anything: the state's id and report, and
// the server's jobs, are as they were.
func TestAccBatchKeyrotate_keyTypoFailsAtPlan(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("o-", 3), KMSKey: oldKey})
	const addr = "minio_batch_keyrotate.test"
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": rotateConfig(bucket, newKey, "")})
	w.must(0, "apply", "-input=false", "-auto-approve")
	id, report, jobs := w.stateID(addr), w.stateAttr(addr, "report"), a.jobIDs()

	typo := newKey + "x"
	w.write("main.tf", rotateConfig(bucket, typo, ""))
	out := strings.Join(strings.Fields(w.must(1, "apply", "-input=false", "-auto-approve")), " ")
	mustSay(t, "the apply of a mistyped key", out, "Error: Target Key Not Usable", fmt.Sprintf(`encryption.key: key %q is not usable`, typo),
		"Nothing was planned to change.", "kes key create "+typo)
	if strings.Contains(out, "Destroying...") {
		t.Errorf("the apply destroyed something:\n%s", out)
	}
	if gotID, gotReport := w.stateID(addr), w.stateAttr(addr, "report"); gotID != id || gotReport != report {
		t.Errorf("state changed: id %s (was %s), report changed: %v", gotID, id, gotReport != report)
	}
	if got := a.jobIDs(); fmt.Sprint(got) != fmt.Sprint(jobs) {
		t.Errorf("jobs %v, before %v", got, jobs)
	}
	// As with any configuration that does not plan, destroy needs it
	// fixed first.
	w.write("main.tf", rotateConfig(bucket, newKey, ""))
}
