package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

// TestAccBatchKeyrotate_importBlockGeneratesConfig adopts a job started
// outside Terraform with an import block: the configuration the CLI
// generates is valid, applying it imports the job without starting a new
// one, and the plan after that is empty.
func TestAccBatchKeyrotate_importBlockGeneratesConfig(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("2024/o-", 10), KMSKey: oldKey, Tags: map[string]string{"class": "pii"}})
	spec := keyrotate.Spec{
		Bucket: bucket, Prefix: "2024/",
		Encryption: keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: newKey},
		Filter:     keyrotate.Filter{Tags: []keyrotate.KV{{Key: "class", Value: "pii*"}}},
		Retry:      keyrotate.Retry{Attempts: 2},
	}
	id := a.startCompletedJob(spec)
	jobsBefore := a.jobIDs()

	w := newCLIWorkspace(t, a, map[string]string{
		"import.tf": fmt.Sprintf("import {\n  to = minio_batch_keyrotate.adopted\n  id = %q\n}\n", id),
	})
	w.must(2, "plan", "-input=false", "-detailed-exitcode", "-generate-config-out=generated.tf")
	generated := w.read("generated.tf")
	for _, s := range []string{"encryption {", "filter {", "tag {", `value = "pii*"`, `key     = "` + newKey + `"`} {
		if !strings.Contains(generated, s) {
			t.Errorf("the generated configuration lacks %q:\n%s", s, generated)
		}
	}
	apply := w.must(0, "apply", "-input=false", "-auto-approve")
	if !strings.Contains(apply, "1 imported, 0 added, 0 changed, 0 destroyed") {
		t.Errorf("apply did not only import:\n%s", apply)
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")
	if after := a.jobIDs(); fmt.Sprint(after) != fmt.Sprint(jobsBefore) {
		t.Fatalf("importing started a job: before %v, after %v", jobsBefore, after)
	}
	w.write("import.tf", "") // the import is done; destroy only forgets
}
