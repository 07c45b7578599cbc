package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

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
