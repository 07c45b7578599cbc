package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// TestAccGuideQuery_adoptingAnExistingDeployment runs the guide "Adopting
// an existing deployment" as written, on a deployment of its own prepared
// without the provider: three KES keys, two buckets with defaults, two
// keyrotate jobs started through the admin API, one of them with
// filters. terraform query lists them all; the configuration it generates
// imports every one (MinIO's own default key too) with a plan of imports
// only and an empty plan afterwards, and no job starts. Then the guide's
// first provider-managed rotation runs.
func TestAccGuideQuery_adoptingAnExistingDeployment(t *testing.T) {
	requireTerraform114(t, "list resources")
	blocks := guideBlocks(t, "guides/adopting-an-existing-deployment.md")
	if len(blocks) != 3 || !strings.Contains(blocks[1], `list "minio_kes_key"`) || !strings.Contains(blocks[2], "finance_2026_12") {
		t.Fatalf("the guide's terraform blocks are not the configuration, the query file and the first rotation:\n%v", blocks)
	}
	a := newPrivateAcc(t, teststack.Options{})
	ctx := a.ctx()

	// By hand, as before the provider.
	kc := a.kes()
	for _, k := range []string{"finance-2026-10", "finance-2026-11", "payroll-2026-11"} {
		if err := kc.CreateKey(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	for _, b := range []string{"finance", "payroll"} {
		if err := a.s3.MakeBucket(ctx, b, minio.MakeBucketOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	a.put(inventory.Seed{Bucket: "finance", Names: inventory.Names("invoice-", 6), KMSKey: "finance-2026-10"})
	a.put(inventory.Seed{Bucket: "payroll", Names: inventory.Names("slip-", 4), KMSKey: "finance-2026-10", Tags: map[string]string{"class": "pii"}})
	a.usageDefault("finance", "finance-2026-11")
	a.usageDefault("payroll", "payroll-2026-11")
	jobs := []keyrotate.Spec{
		{Bucket: "finance", Encryption: keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: "finance-2026-11"}},
		{Bucket: "payroll", Encryption: keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: "payroll-2026-11"},
			Filter: keyrotate.Filter{Tags: []keyrotate.KV{{Key: "class", Value: "pii"}}}, Retry: keyrotate.Retry{Attempts: 2}},
	}
	for _, spec := range jobs {
		a.startCompletedJob(spec)
	}
	jobsBefore := a.jobIDs()

	w := newCLIWorkspaceOn(t, a.stack, map[string]string{"main.tf": blocks[0], "adopt.tfquery.hcl": blocks[1]})
	// The adopted keys refuse destroy (allow_destroy = false), and this
	// stack goes with the test: its state is forgotten, not destroyed.
	t.Cleanup(func() { _ = os.Remove(filepath.Join(w.dir, "terraform.tfstate")) })
	// The provider is a development build: init is skipped (README).
	listed := w.must(0, "query")
	for _, want := range []string{"finance-2026-10", "finance-2026-11", "payroll-2026-11", a.stack.DefaultKey, "finance", "payroll", jobsBefore[0], jobsBefore[1]} {
		if !strings.Contains(listed, want) {
			t.Errorf("terraform query does not list %s:\n%s", want, listed)
		}
	}
	w.must(0, "query", "-generate-config-out=generated.tf")
	generated := w.read("generated.tf")
	t.Logf("generated.tf:\n%s", generated)
	if n := strings.Count(generated, "import {"); n != 8 {
		t.Errorf("generated.tf has %d import blocks, want 8 (4 keys, 2 bucket defaults, 2 jobs)", n)
	}
	if !strings.Contains(generated, `value = "pii"`) {
		t.Errorf("the job started with a tag filter is generated without it:\n%s", generated)
	}
	plan := w.must(2, "plan", "-input=false", "-detailed-exitcode")
	if !strings.Contains(plan, "Plan: 8 to import, 0 to add, 0 to change, 0 to destroy.") {
		t.Errorf("the plan of the generated configuration does more than import:\n%s", plan)
	}
	if apply := w.must(0, "apply", "-input=false", "-auto-approve"); !strings.Contains(apply, "8 imported, 0 added, 0 changed, 0 destroyed") {
		t.Errorf("apply did not only import:\n%s", apply)
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")
	if after := a.jobIDs(); fmt.Sprint(after) != fmt.Sprint(jobsBefore) {
		t.Fatalf("adopting started or removed a job: before %v, after %v", jobsBefore, after)
	}

	// The first rotation with the provider: the new key, and finance's
	// adopted default and rotation pointed at it, as the guide says.
	toNewKey := regexp.MustCompile(`(?s)(resource "minio_(?:bucket_encryption|batch_keyrotate)" "[^"]+" \{[^}]*?bucket\s+= "finance".*?key\s+= )"finance-2026-11"`)
	moved := toNewKey.ReplaceAllString(generated, "${1}minio_kes_key.finance_2026_12.name")
	if n := strings.Count(moved, "minio_kes_key.finance_2026_12.name"); n != 2 {
		t.Fatalf("generated.tf has %d of finance's default and rotation naming finance-2026-11, want both", n)
	}
	w.write("generated.tf", moved)
	w.write("rotation.tf", blocks[2])
	w.must(0, "apply", "-input=false", "-auto-approve")
	if err := a.checkObjects("finance", keysOf(inventory.Names("invoice-", 6), "finance-2026-12"))(nil); err != nil {
		t.Error(err)
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")
}
