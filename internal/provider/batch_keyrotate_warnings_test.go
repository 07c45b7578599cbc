package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

// TestAccBatchKeyrotate_warningsSayWhatHappens reads the CLI's own output:
// the redundancy warning comes once at plan however many rotations it
// holds, an empty scope is said with its count before the job starts, and
// a destroy that cancels a running job says how much it left undone.
func TestAccBatchKeyrotate_warningsSayWhatHappens(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("data/o-", 40), KMSKey: oldKey})
	two := fmt.Sprintf(`
resource "minio_batch_keyrotate" "data" {
  bucket = %[1]q
  prefix = "data/"
  encryption {
    type = "sse-kms"
    key  = %[2]q
  }
}

resource "minio_batch_keyrotate" "empty" {
  bucket = %[1]q
  prefix = "nothing/"
  encryption {
    type = "sse-kms"
    key  = %[2]q
  }
}
`, bucket, newKey)
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": two})
	plan := w.must(2, "plan", "-input=false", "-detailed-exitcode")
	if n := strings.Count(plan, "Warning: Rotating On A Deployment Without Redundancy"); n != 1 {
		t.Errorf("the plan of two rotations on a single drive warns %d times, want once:\n%s", n, plan)
	}
	apply := w.must(0, "apply", "-input=false", "-auto-approve")
	for _, s := range []string{"Warning: Nothing Pending, No Job Started", "0 object versions under " + bucket + "/nothing/ match"} {
		if !strings.Contains(apply, s) {
			t.Errorf("apply does not say %q:\n%s", s, apply)
		}
	}

	// A running job, then destroy.
	a.pace(300 * time.Millisecond)
	running := fmt.Sprintf(`
resource "minio_batch_keyrotate" "data" {
  bucket              = %q
  prefix              = "data/"
  wait_for_completion = false
  preserve_tags       = false
  preserve_deleted    = false
  triggers            = { run = "second" }
  encryption {
    type = "sse-kms"
    key  = %q
  }
}
`, bucket, a.key())
	w.write("main.tf", running)
	w.must(0, "apply", "-input=false", "-auto-approve")
	destroy := w.must(0, "destroy", "-input=false", "-auto-approve")
	for _, s := range []string{"Warning: Rotation Job Canceled", "object versions in scope are not under"} {
		if !strings.Contains(strings.Join(strings.Fields(destroy), " "), s) {
			t.Errorf("destroy does not say %q:\n%s", s, destroy)
		}
	}
}
