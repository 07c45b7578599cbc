package provider

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/report"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// TestAccBatchKeyrotate_reportIsEvidence: the report of a real rotation
// says what the scans from outside saw before and after it (versions per
// key, delete markers), names the job the resource holds, counts what was
// put back, and holds no secret: the notification token, the credentials
// and the KES API key appear nowhere in it. Refreshes keep it as applied.
func TestAccBatchKeyrotate_reportIsEvidence(t *testing.T) {
	a := newAcc(t)
	ctx := a.ctx()
	bucket, keyA, keyB, newKey := a.bucket(), a.key(), a.key(), a.key()
	a.taggedVersioned(bucket, keyA, 6, 3) // 6 tagged versions, o-00 and o-03 deleted
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("b-", 4), KMSKey: keyB})
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("plain-", 2), Plain: true})
	sink, err := a.stack.NotifySink(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const token = "report-test-token-3f9a"
	scope := scan.Scope{Bucket: bucket}
	before, err := scan.Scan(ctx, a.s3, scope, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}

	w := newCLIWorkspace(t, a, map[string]string{"main.tf": rotateConfig(bucket, newKey, fmt.Sprintf(`
  notify {
    endpoint = %q
    token    = %q
  }`, sink.URL, token)) + `
output "report" { value = minio_batch_keyrotate.test.report }
output "id" { value = minio_batch_keyrotate.test.id }
`})
	began := time.Now().UTC()
	w.must(0, "apply", "-input=false", "-auto-approve")
	ended := time.Now().UTC()
	raw := strings.TrimSpace(w.must(0, "output", "-raw", "report"))
	id := strings.TrimSpace(w.must(0, "output", "-raw", "id"))
	after, err := scan.Scan(ctx, a.s3, scope, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("report of job %s:\n%s", id, raw)

	var got report.Report
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, raw)
	}
	if got.Schema != report.Schema || got.Via != "resource" || got.Bucket != bucket || got.Target.Type != "sse-kms" || got.Target.Key != newKey {
		t.Errorf("schema %q via %q bucket %q target %+v", got.Schema, got.Via, got.Bucket, got.Target)
	}
	// The key's instance, as KES knows it: created for this test, by the
	// stack's admin identity.
	if info, err := a.kes().DescribeKey(ctx, newKey); err != nil || got.Target.KeyCreatedAt == nil ||
		!got.Target.KeyCreatedAt.Equal(info.CreatedAt) || got.Target.KeyCreatedBy != info.CreatedBy.String() || got.Target.KeyCreatedBy == "" {
		t.Errorf("target key identity: created %v by %q; KES says %+v (%v)", got.Target.KeyCreatedAt, got.Target.KeyCreatedBy, info, err)
	}
	if got.Sequence != 1 || got.PredecessorSHA256 != "" {
		t.Errorf("first rotation of the resource: sequence %d, predecessor %q; want 1 and none", got.Sequence, got.PredecessorSHA256)
	}
	if diff := cmp.Diff(report.VersionsOf(before), got.Before); diff != "" {
		t.Errorf("before, as the scan from outside saw it (-scan +report):\n%s", diff)
	}
	if diff := cmp.Diff(report.VersionsOf(after), got.After); diff != "" {
		t.Errorf("after, as the scan from outside saw it (-scan +report):\n%s", diff)
	}
	if want := map[string]int64{keyA: 6, keyB: 4}; !cmp.Equal(got.Before.SSEKMSByKey, want) || got.After.SSEKMSByKey[newKey] != 10 || got.After.Unencrypted != 2 {
		t.Errorf("before %v, after %v: want %v before, 10 under %s and 2 unencrypted after", got.Before.SSEKMSByKey, got.After.SSEKMSByKey, want, newKey)
	}
	if len(got.Jobs) != 1 || got.Jobs[0].ID != id || got.Jobs[0].Status != "complete" || got.Jobs[0].ObjectsRotated != 10 || got.Outcome != "complete" {
		t.Errorf("jobs %+v, outcome %q: want one complete job %s of 10 objects", got.Jobs, got.Outcome, id)
	}
	if got.Restored == nil || got.Restored.TagSets != before.Tagged || got.Restored.DeleteMarkers != before.Resurfacing || before.Resurfacing != 2 {
		t.Errorf("restored %+v: want the %d tag sets and %d delete markers (of 2 deleted objects) the scan before saw", got.Restored, before.Tagged, before.Resurfacing)
	}
	if got.Verification == nil || got.Verification.Pending != 0 || got.Verification.Unencrypted != 2 {
		t.Errorf("verification %+v: want 0 pending, 2 unencrypted", got.Verification)
	}
	if got.StartedAt.Before(began.Add(-time.Second)) || got.FinishedAt.After(ended) || !got.Jobs[0].StartedAt.After(got.StartedAt) ||
		got.Jobs[0].LastUpdate.After(got.FinishedAt) || got.Verification.VerifiedAt.After(got.FinishedAt) {
		t.Errorf("times out of order: apply %s..%s, report %s..%s, job %s..%s, verified %s", began, ended,
			got.StartedAt, got.FinishedAt, got.Jobs[0].StartedAt, got.Jobs[0].LastUpdate, got.Verification.VerifiedAt)
	}
	if got.User != a.stack.AccessKey {
		t.Errorf("user %q, want %q: who ran the rotation", got.User, a.stack.AccessKey)
	}
	if got.Software.Provider == "" || got.Software.Server == "" {
		t.Errorf("software %+v: want both versions", got.Software)
	}
	for name, secret := range map[string]string{"notify token": token, "secret key": a.stack.SecretKey, "KES API key": a.stack.KESAdminAPIKey} {
		if strings.Contains(raw, secret) {
			t.Errorf("the report holds the %s", name)
		}
	}
	// The report is evidence of the apply: a refresh leaves it as it was.
	w.must(0, "apply", "-input=false", "-auto-approve", "-refresh-only")
	if again := strings.TrimSpace(w.must(0, "output", "-raw", "report")); again != raw {
		t.Errorf("the report changed on refresh:\n%s", again)
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")
}

// chainOutputs are the outputs reportChain reads.
const chainOutputs = `
output "report" { value = minio_batch_keyrotate.test.report }
output "history" { value = minio_batch_keyrotate.test.history }
`

// reportChain is the rotation's reports, oldest first: its history, then
// its report, from the outputs of chainOutputs.
func (w *cliWorkspace) reportChain() []string {
	w.t.Helper()
	var history []string
	if err := json.Unmarshal([]byte(w.must(0, "output", "-json", "history")), &history); err != nil {
		w.t.Fatal(err)
	}
	return append(history, strings.TrimSpace(w.output("report")))
}

// TestAccBatchKeyrotate_historyChainsReports: three rotations of one
// resource (a first one, a replacement for a new key, and one forced by
// -replace with nothing left pending) leave three reports: the latest in
// report, the two before it in history. Each names the one before it by
// the SHA-256 of its text as stored and numbers itself after it, so the
// chain verifies; an altered report breaks it.
func TestAccBatchKeyrotate_historyChainsReports(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey, keyA, keyB := a.bucket(), a.key(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("h-", 4), KMSKey: oldKey})
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": rotateConfig(bucket, keyA, "") + chainOutputs})
	w.must(0, "apply", "-input=false", "-auto-approve")
	w.write("main.tf", rotateConfig(bucket, keyB, "")+chainOutputs)
	w.must(0, "apply", "-input=false", "-auto-approve")
	w.must(0, "apply", "-input=false", "-auto-approve", "-replace=minio_batch_keyrotate.test")

	chain := w.reportChain()
	if len(chain) != 3 {
		t.Fatalf("after three rotations: %d reports (history and report), want 3", len(chain))
	}
	if i, why := report.VerifyChain(chain); i != -1 {
		t.Errorf("the chain breaks at report %d: %s", i+1, why)
	}
	wantKeys, wantReseal := []string{keyA, keyB, keyB}, []string{"scope", "scope", "none"}
	for i, raw := range chain {
		var r report.Report
		if err := json.Unmarshal([]byte(raw), &r); err != nil {
			t.Fatalf("report %d: %v", i+1, err)
		}
		if r.Sequence != i+1 || r.Target.Key != wantKeys[i] || r.Reseal != wantReseal[i] || r.Target.KeyCreatedAt == nil {
			t.Errorf("report %d: sequence %d, key %s, reseal %s, key created %v; want %d, %s, %s and the key's creation time",
				i+1, r.Sequence, r.Target.Key, r.Reseal, r.Target.KeyCreatedAt, i+1, wantKeys[i], wantReseal[i])
		}
	}
	altered := append([]string(nil), chain...)
	altered[0] = strings.Replace(altered[0], keyA, keyB, 1)
	if i, _ := report.VerifyChain(altered); i != 1 {
		t.Errorf("the first report altered: VerifyChain = %d, want the second report (1) to no longer link", i)
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")
}

// TestAccBatchKeyrotate_failedStartKeepsHistory: a replacement that fails
// before its job starts (here the target key deleted between plan and
// apply) does not cost the history of the rotation it replaced: the
// tainted record keeps it, and the next apply's rotation links to the
// first report.
func TestAccBatchKeyrotate_failedStartKeepsHistory(t *testing.T) {
	a := newAcc(t)
	ctx := a.ctx()
	bucket, oldKey, keyA, keyB := a.bucket(), a.key(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("f-", 3), KMSKey: oldKey})
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": rotateConfig(bucket, keyA, "") + chainOutputs})
	w.must(0, "apply", "-input=false", "-auto-approve")
	first := strings.TrimSpace(w.output("report"))

	w.write("main.tf", rotateConfig(bucket, keyB, "")+chainOutputs)
	w.must(0, "plan", "-input=false", "-out=replace.tfplan")
	if err := a.kes().DeleteKey(ctx, keyB); err != nil {
		t.Fatal(err)
	}
	if out := w.must(1, "apply", "-input=false", "replace.tfplan"); !strings.Contains(out, keyB) {
		t.Errorf("the failed apply does not name the missing key %s:\n%s", keyB, out)
	}
	var kept []string
	if err := json.Unmarshal([]byte(w.stateAttr("minio_batch_keyrotate.test", "history")), &kept); err != nil || len(kept) != 1 || kept[0] != first {
		t.Fatalf("after the failed start, state's history is %d reports (%v); want the first rotation's report", len(kept), err)
	}
	if id, status := w.stateID("minio_batch_keyrotate.test"), w.stateAttr("minio_batch_keyrotate.test", "status"); !strings.HasPrefix(id, notStartedPrefix) || status != "failed" {
		t.Errorf("the record of the refused start: id %q, status %q; want %s..., failed", id, status, notStartedPrefix)
	}
	if err := a.kes().CreateKey(ctx, keyB); err != nil {
		t.Fatal(err)
	}
	w.must(0, "apply", "-input=false", "-auto-approve")
	chain := w.reportChain()
	if len(chain) != 2 || chain[0] != first {
		t.Fatalf("after the retry: %d reports, the first one kept: %t; want the first rotation's report and the retry's", len(chain), len(chain) > 0 && chain[0] == first)
	}
	if i, why := report.VerifyChain(chain); i != -1 {
		t.Errorf("the retry's report does not link to the first: %s", why)
	}
}
