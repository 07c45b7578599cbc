package provider

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"
	"github.com/minio/minio-go/v7/pkg/lifecycle"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

// TestAccBatchKeyrotate_planSaysWhatCannotBePutBack: a rotation that would
// drop Expires headers is refused at plan with the count, before anything
// starts, unless drop_expires; lifecycle rules whose clocks it restarts are
// a warning at plan with the counts.
func TestAccBatchKeyrotate_planSaysWhatCannotBePutBack(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("o-", 5), KMSKey: oldKey})
	sse, err := encrypt.NewSSEKMS(oldKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"expiring-1", "expiring-2"} {
		body := []byte(name)
		if _, err := a.s3.PutObject(a.ctx(), bucket, name, bytes.NewReader(body), int64(len(body)),
			minio.PutObjectOptions{ServerSideEncryption: sse, Expires: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
	}
	rules := lifecycle.NewConfiguration()
	rules.Rules = []lifecycle.Rule{{ID: "expire-old", Status: "Enabled", Expiration: lifecycle.Expiration{Days: 365}}}
	if err := a.s3.SetBucketLifecycle(a.ctx(), bucket, rules); err != nil {
		t.Fatal(err)
	}
	jobsBefore := a.jobIDs()

	w := newCLIWorkspace(t, a, map[string]string{"main.tf": rotateConfig(bucket, newKey, "")})
	refused := strings.Join(strings.Fields(w.must(1, "plan", "-input=false")), " ")
	for _, want := range []string{
		"Error: Rotation Would Drop Expires Headers",
		fmt.Sprintf("drop_expires: 2 object versions under %s/ that this rotation re-seals have an Expires header", bucket),
		"Warning: Rotation Restarts Lifecycle Clocks",
		fmt.Sprintf(`1 lifecycle rules of bucket %q`, bucket),
		"each of the 7 versions it re-seals",
	} {
		if !strings.Contains(refused, want) {
			t.Errorf("the plan does not say %q:\n%s", want, refused)
		}
	}
	if after := a.jobIDs(); fmt.Sprint(after) != fmt.Sprint(jobsBefore) {
		t.Fatalf("a refused plan started jobs: before %v, after %v", jobsBefore, after)
	}

	w.write("main.tf", rotateConfig(bucket, newKey, "drop_expires = true"))
	plan := w.must(2, "plan", "-input=false", "-detailed-exitcode")
	if strings.Contains(plan, "Expires") || !strings.Contains(plan, "Warning: Rotation Restarts Lifecycle Clocks") {
		t.Errorf("with drop_expires the plan should only warn about lifecycle clocks:\n%s", plan)
	}
	w.must(0, "apply", "-input=false", "-auto-approve")
	if err := a.checkObjects(bucket, keysOf(append(inventory.Names("o-", 5), "expiring-1", "expiring-2"), newKey))(nil); err != nil {
		t.Error(err)
	}
}
