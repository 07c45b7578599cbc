package provider

import (
	"encoding/json"
	"os"
	"regexp"
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
	if len(blocks) != 2 || !strings.Contains(blocks[0], `output "rotation_reports"`) || !strings.Contains(blocks[1], "report_to {") {
		t.Fatalf("the guide's terraform blocks are not the resource and the action examples:\n%v", blocks)
	}
	return blocks
}

// auditGuideForEachOutput is the guide's output for a for_each map.
func auditGuideForEachOutput(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../../docs/guides/audit-evidence.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```hcl\n(output \"rotation_reports\".*?)```").FindSubmatch(b)
	if m == nil {
		t.Fatal("the guide has no hcl block with the for_each output")
	}
	return string(m[1])
}

// exportedReports runs the guide's export command in w and reads the
// file it writes: bucket -> reports, oldest first.
func exportedReports(t *testing.T, w *cliWorkspace) map[string][]string {
	t.Helper()
	out := w.must(0, "output", "-json", "rotation_reports")
	var got map[string][]string
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("the export is not a map of report lists: %v\n%s", err, out)
	}
	return got
}

// TestAccBatchKeyrotate_guideAuditEvidence applies the guide's resource
// example as written and exports its reports as the guide's pipeline step
// does; then the guide's for_each output over the same bucket, whose
// export has the same shape.
func TestAccBatchKeyrotate_guideAuditEvidence(t *testing.T) {
	a := newAcc(t)
	names := a.ledger()
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": auditGuideBlocks(t)[0]})
	w.must(0, "apply", "-input=false", "-auto-approve")
	reports := exportedReports(t, w)["ledger"]
	if len(reports) != 1 {
		t.Fatalf("exported %d reports for ledger, want the one rotation's", len(reports))
	}
	var r report.Report
	if err := json.Unmarshal([]byte(reports[0]), &r); err != nil {
		t.Fatalf("the export is not the report: %v", err)
	}
	if r.Outcome != "complete" || r.After == nil || r.After.SSEKMSByKey["ledger-2026-11"] != int64(len(names)) || r.Verification.Pending != 0 || r.Sequence != 1 {
		t.Errorf("report outcome %q after %+v sequence %d: want every version of ledger under ledger-2026-11, first of its chain", r.Outcome, r.After, r.Sequence)
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")

	forEach := `resource "minio_batch_keyrotate" "this" {
  for_each = toset(["ledger"])
  bucket   = each.key
  encryption {
    type = "sse-kms"
    key  = "ledger-2026-11"
  }
}
` + auditGuideForEachOutput(t)
	fe := newCLIWorkspace(t, a, map[string]string{"main.tf": forEach})
	fe.must(0, "apply", "-input=false", "-auto-approve")
	if got := exportedReports(t, fe); len(got) != 1 || len(got["ledger"]) != 1 {
		t.Errorf("the for_each export: %d buckets, %d reports for ledger; want ledger with its one report", len(got), len(got["ledger"]))
	}
}

// TestAccBatchKeyrotateAction_guideAuditEvidence invokes the guide's
// action example as written and finds its report in audit-evidence.
func TestAccBatchKeyrotateAction_guideAuditEvidence(t *testing.T) {
	a := newAcc(t)
	requireTerraform114(t, "actions")
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
