package provider

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/report"
)

// ledger prepares what the "Audit evidence" guide's examples name: bucket
// ledger holding 8 objects under an old key, key ledger-2026-11, and the
// bucket audit-evidence. Both tests of the guide call it; whichever runs
// second finds them there.
func (a *acc) ledger() (names []string) {
	a.t.Helper()
	for _, b := range []string{"ledger", "audit-evidence"} {
		if ok, err := a.s3.BucketExists(a.ctx(), b); err != nil || !ok {
			if err := a.s3.MakeBucket(a.ctx(), b, minio.MakeBucketOptions{}); err != nil {
				a.t.Fatal(err)
			}
		}
	}
	// KES says a key exists with an internal error, so ask it first.
	if _, err := a.kes().DescribeKey(a.ctx(), "ledger-2026-11"); err != nil {
		if err := a.admin.CreateKey(a.ctx(), "ledger-2026-11"); err != nil {
			a.t.Fatal(err)
		}
	}
	names = inventory.Names("ledger-", 8)
	a.put(inventory.Seed{Bucket: "ledger", Names: names, KMSKey: a.key()})
	return names
}

// auditGuideBlocks are the guide's two terraform blocks: the resource with
// its output, and the action.
func auditGuideBlocks(t *testing.T) []string {
	t.Helper()
	blocks := guideBlocks(t, "guides/audit-evidence.md")
	if len(blocks) != 2 || !strings.Contains(blocks[0], `output "ledger_rotation_report"`) || !strings.Contains(blocks[1], "report_to {") {
		t.Fatalf("the guide's terraform blocks are not the resource and the action examples:\n%v", blocks)
	}
	return blocks
}

// TestAccBatchKeyrotate_guideAuditEvidence applies the guide's resource
// example as written and reads its report from the output, as the guide's
// pipeline step does.
func TestAccBatchKeyrotate_guideAuditEvidence(t *testing.T) {
	a := newAcc(t)
	names := a.ledger()
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": auditGuideBlocks(t)[0]})
	w.must(0, "apply", "-input=false", "-auto-approve")
	var r report.Report
	if err := json.Unmarshal([]byte(w.must(0, "output", "-raw", "ledger_rotation_report")), &r); err != nil {
		t.Fatalf("the output is not the report: %v", err)
	}
	if r.Outcome != "complete" || r.After == nil || r.After.SSEKMSByKey["ledger-2026-11"] != int64(len(names)) || r.Verification.Pending != 0 {
		t.Errorf("report outcome %q after %+v: want every version of ledger under ledger-2026-11", r.Outcome, r.After)
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")
}

// TestAccBatchKeyrotateAction_guideAuditEvidence invokes the guide's
// action example as written and finds its report in audit-evidence.
func TestAccBatchKeyrotateAction_guideAuditEvidence(t *testing.T) {
	a := newAcc(t)
	requireActions(t)
	a.ledger()
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": auditGuideBlocks(t)[1]})
	w.must(0, "init")
	out := w.must(0, "apply", "-auto-approve", "-invoke=action.minio_batch_keyrotate.ledger")
	if !strings.Contains(out, "wrote the rotation's report to audit-evidence/keyrotate/ledger/keyrotate-") {
		t.Errorf("the invocation does not say where its report went:\n%s", out)
	}
	var found bool
	for o := range a.s3.ListObjects(a.ctx(), "audit-evidence", minio.ListObjectsOptions{Prefix: "keyrotate/ledger/keyrotate-"}) {
		found = found || (o.Err == nil && strings.HasSuffix(o.Key, ".json"))
	}
	if !found {
		t.Errorf("no report under audit-evidence/keyrotate/ledger/")
	}
}
