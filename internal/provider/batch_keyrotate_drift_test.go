package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

// TestAccBatchKeyrotate_dataDriftShowsInPlan: objects written under the old
// key after a rotation make the next plan propose a new rotation, with the
// count and the reason, and `plan -detailed-exitcode` exit 2; apply moves
// them and the plan is empty again. Versions the rotation cannot move
// (plaintext) are counted but are no drift.
func TestAccBatchKeyrotate_dataDriftShowsInPlan(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("o-", 20), KMSKey: oldKey})
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("plain-", 3), Plain: true})
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": rotateConfig(bucket, newKey, "") + `
output "pending" { value = minio_batch_keyrotate.test.versions_pending }
output "unencrypted" { value = minio_batch_keyrotate.test.versions_unencrypted }
`})
	w.must(0, "apply", "-input=false", "-auto-approve")
	w.must(0, "plan", "-input=false", "-detailed-exitcode")
	for output, want := range map[string]string{"pending": "0", "unencrypted": "3"} {
		if got := strings.TrimSpace(w.must(0, "output", "-json", output)); got != want {
			t.Errorf("after the rotation %s = %s, want %s", output, got, want)
		}
	}

	// Someone writes under the old key again.
	late := inventory.Names("late-", 7)
	a.put(inventory.Seed{Bucket: bucket, Names: late, KMSKey: oldKey})
	plan := strings.Join(strings.Fields(w.must(2, "plan", "-input=false", "-detailed-exitcode")), " ")
	for _, want := range []string{
		"Warning: Versions Not On The Target Key",
		fmt.Sprintf("7 data versions under %s/ in this rotation's scope are not under key %s", bucket, newKey),
		"must be replaced",
	} {
		if !strings.Contains(plan, want) {
			t.Errorf("the plan does not say %q:\n%s", want, plan)
		}
	}
	apply := w.must(0, "apply", "-input=false", "-auto-approve")
	if !regexp.MustCompile(`1 added, 0 changed, 1 destroyed`).MatchString(apply) {
		t.Errorf("apply did not replace the rotation:\n%s", apply)
	}
	if err := a.checkObjects(bucket, keysOf(append(late, inventory.Names("o-", 20)...), newKey))(nil); err != nil {
		t.Error(err)
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")
	if got := strings.TrimSpace(w.must(0, "output", "-json", "pending")); got != "0" {
		t.Errorf("after the second rotation pending = %s, want 0", got)
	}
}

// TestAccBatchKeyrotate_versionsLeftBehindAreAnError: a version written
// under the old key while the job runs, behind the job's listing, is not
// rotated; the job completes, and verification makes the apply fail,
// naming the version.
func TestAccBatchKeyrotate_versionsLeftBehindAreAnError(t *testing.T) {
	a := newAcc(t)
	a.pace(300 * time.Millisecond)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("o-", 10), KMSKey: oldKey})
	// Running means the job saved its first report, after its first
	// object: its listing is past "a-late".
	wrote := a.afterFirstJob(batchjob.StatusRunning, func() error {
		return inventory.Put(context.Background(), a.s3, inventory.Seed{Bucket: bucket, Names: []string{"a-late"}, KMSKey: oldKey})
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: rotateConfig(bucket, newKey, ""),
			ExpectError: regexp.MustCompile(`(?s)Error: Rotation Left Versions Behind.*` +
				says(fmt.Sprintf("1 data version under %s/ is still not under key %s. The first: a-late", bucket, newKey))),
		}},
	})
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
}
