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

// TestAccBatchKeyrotate_expiresCheckedAgainAtApply: the plan reads the
// headers of a random sample of 96 versions only; apply reads every
// version's before any job starts. One Expires header among 1,001
// versions, written after the plan: the sample of the apply's own plan
// misses it 9 times in 10, and apply refuses all the same, with the
// count, and starts no job.
func TestAccBatchKeyrotate_expiresCheckedAgainAtApply(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	names := inventory.Names("o-", 1000)
	a.put(inventory.Seed{Bucket: bucket, Names: names, KMSKey: oldKey})
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": rotateConfig(bucket, newKey, "")})
	w.must(2, "plan", "-input=false", "-detailed-exitcode", "-out=tfplan")
	putExpiring(t, a, bucket, oldKey, "expiring-after-plan")
	jobsBefore := a.jobIDs()
	refused := strings.Join(strings.Fields(w.must(1, "apply", "-input=false", "tfplan")), " ")
	atApply := fmt.Sprintf("drop_expires: 1 object version under %s/ that this rotation re-seals has an Expires header.", bucket)
	inSample := fmt.Sprintf("drop_expires: 1 of 96 object versions read at random among the 1001 under %s/", bucket)
	if !strings.Contains(refused, atApply) && !strings.Contains(refused, inSample) {
		t.Errorf("the apply does not refuse with the count:\n%s", refused)
	}
	mustSay(t, "the refused apply", refused, "Error: Rotation Would Drop Expires Headers")
	if after := a.jobIDs(); fmt.Sprint(after) != fmt.Sprint(jobsBefore) {
		t.Fatalf("a refused apply started jobs: before %v, after %v", jobsBefore, after)
	}
	if err := a.checkObjects(bucket, keysOf(append(names, "expiring-after-plan"), oldKey))(nil); err != nil {
		t.Error(err)
	}
}

// putExpiring writes an object under key with an Expires header.
func putExpiring(t *testing.T, a *acc, bucket, key, name string) {
	t.Helper()
	sse, err := encrypt.NewSSEKMS(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(name)
	if _, err := a.s3.PutObject(a.ctx(), bucket, name, bytes.NewReader(body), int64(len(body)),
		minio.PutObjectOptions{ServerSideEncryption: sse, Expires: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
}

// TestAccBatchKeyrotate_planSaysWhatCannotBePutBack: a rotation that would
// drop Expires headers is refused at plan with the count, before anything
// starts, unless drop_expires; lifecycle rules whose clocks it restarts are
// a warning at plan with the counts.
func TestAccBatchKeyrotate_planSaysWhatCannotBePutBack(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("o-", 5), KMSKey: oldKey})
	for _, name := range []string{"expiring-1", "expiring-2"} {
		putExpiring(t, a, bucket, oldKey, name)
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
		fmt.Sprintf("drop_expires: 2 of the 7 object versions under %s/ that this rotation re-seals have an Expires header", bucket),
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
