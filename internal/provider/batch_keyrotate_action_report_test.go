package provider

import (
	"encoding/json"
	"io"
	"regexp"
	"strconv"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/report"
)

// TestAccBatchKeyrotateAction_writesReport: an invocation with report_to
// writes its report (via "action") as <prefix><job ID>.json into the
// audit bucket, with the counts of the rotation it ran; a report_to block
// without a bucket is refused at validate.
func TestAccBatchKeyrotateAction_writesReport(t *testing.T) {
	a := newAcc(t)
	requireTerraform114(t, "actions")
	bucket, audit, oldKey, newKey := a.bucket(), a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("o-", 12), KMSKey: oldKey})

	bad := newCLIWorkspace(t, a, map[string]string{"main.tf": actionConfig(bucket, strconv.Quote(newKey), "    report_to {\n      prefix = \"x/\"\n    }")})
	bad.must(0, "init")
	if out := bad.must(1, "validate", "-no-color"); !regexp.MustCompile(`Missing Report Bucket(.|\n)*report_to.bucket: the report_to block needs the bucket`).MatchString(out) {
		t.Errorf("a report_to block without bucket was not refused by name:\n%s", out)
	}

	w := newCLIWorkspace(t, a, map[string]string{"main.tf": actionConfig(bucket, strconv.Quote(newKey), "    report_to {\n      bucket = \""+audit+"\"\n      prefix = \"keyrotate/\"\n    }")})
	w.must(0, "init")
	out := w.must(0, "apply", "-auto-approve", "-invoke=action.minio_batch_keyrotate.rotate")
	m := regexp.MustCompile(`wrote the rotation's report to ` + audit + `/(keyrotate/(keyrotate-\S+:-?\d+)\.json)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the invocation does not say where it wrote its report:\n%s", out)
	}
	obj, err := a.s3.GetObject(a.ctx(), audit, m[1], minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(obj)
	if err != nil {
		t.Fatalf("reading the report %s: %v", m[1], err)
	}
	t.Logf("report written by the action to %s/%s:\n%s", audit, m[1], raw)
	var got report.Report
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("the report is not JSON: %v", err)
	}
	if got.Schema != report.Schema || got.Via != "action" || got.Outcome != "complete" || len(got.Jobs) != 1 || got.Jobs[0].ID != m[2] {
		t.Errorf("schema %q via %q outcome %q jobs %+v: want an action's report of the one complete job %s", got.Schema, got.Via, got.Outcome, got.Jobs, m[2])
	}
	if got.Before == nil || got.Before.SSEKMSByKey[oldKey] != 12 || got.After == nil || got.After.SSEKMSByKey[newKey] != 12 || len(got.After.SSEKMSByKey) != 1 {
		t.Errorf("before %+v after %+v: want 12 versions moved from %s to %s", got.Before, got.After, oldKey, newKey)
	}
	if err := a.checkObjects(bucket, keysOf(inventory.Names("o-", 12), newKey))(nil); err != nil {
		t.Fatal(err)
	}
}

// onlyReport reads the one report object in bucket.
func (a *acc) onlyReport(bucket string) report.Report {
	a.t.Helper()
	var names []string
	for o := range a.s3.ListObjects(a.ctx(), bucket, minio.ListObjectsOptions{Recursive: true}) {
		if o.Err != nil {
			a.t.Fatal(o.Err)
		}
		names = append(names, o.Key)
	}
	if len(names) != 1 {
		a.t.Fatalf("%d objects in the report bucket %s, want one report: %v", len(names), bucket, names)
	}
	obj, err := a.s3.GetObject(a.ctx(), bucket, names[0], minio.GetObjectOptions{})
	if err != nil {
		a.t.Fatal(err)
	}
	var r report.Report
	if err := json.NewDecoder(obj).Decode(&r); err != nil {
		a.t.Fatalf("report %s: %v", names[0], err)
	}
	return r
}
