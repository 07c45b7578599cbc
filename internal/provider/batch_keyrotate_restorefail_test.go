package provider

import (
	"bytes"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// taggedVersioned turns versioning on and writes n objects under key, each
// tagged with its number; every deleteEvery-th one (0: none) is deleted.
func (a *acc) taggedVersioned(bucket, key string, n, deleteEvery int) {
	a.t.Helper()
	ctx := a.ctx()
	if err := a.s3.EnableVersioning(ctx, bucket); err != nil {
		a.t.Fatal(err)
	}
	sse, err := encrypt.NewSSEKMS(key, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	for i := range n {
		name, body := fmt.Sprintf("o-%02d", i), []byte(fmt.Sprintf("object %d", i))
		opts := minio.PutObjectOptions{ServerSideEncryption: sse, UserTags: map[string]string{"n": fmt.Sprint(i)}}
		if _, err := a.s3.PutObject(ctx, bucket, name, bytes.NewReader(body), int64(len(body)), opts); err != nil {
			a.t.Fatal(err)
		}
		if deleteEvery > 0 && i%deleteEvery == 0 {
			if err := a.s3.RemoveObject(ctx, bucket, name, minio.RemoveObjectOptions{}); err != nil {
				a.t.Fatal(err)
			}
		}
	}
}

// noTaggingPolicy allows everything the provider does but putting tags
// back, so that a restoration fails after the job has run, every time.
const noTaggingPolicy = `{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Action":["s3:*"],"Resource":["arn:aws:s3:::*"]},
 {"Effect":"Deny","Action":["s3:PutObjectTagging","s3:PutObjectVersionTagging"],"Resource":["arn:aws:s3:::*"]},
 {"Effect":"Allow","Action":["admin:*"]},
 {"Effect":"Allow","Action":["kms:*"],"Resource":["arn:minio:kms:::*"]}]}`

// TestAccBatchKeyrotate_failedRestorationIsFinishedByNextApply: when
// putting the tags back fails after the job (here: the credentials may not
// tag), apply fails with the counts and the resource is tainted; the next
// apply, with working credentials, first finishes the restoration, then
// rotates again. Nothing is lost.
func TestAccBatchKeyrotate_failedRestorationIsFinishedByNextApply(t *testing.T) {
	a := newAcc(t)
	ctx := a.ctx()
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.taggedVersioned(bucket, oldKey, 10, 0)
	before, _ := versionsOf(ctx, t, a.s3, bucket)

	user, secret := teststack.RandomName("bot-"), teststack.RandomName("secret-")
	policy := teststack.RandomName("no-tagging-")
	if err := a.admin.AddCannedPolicy(ctx, policy, []byte(noTaggingPolicy)); err != nil {
		t.Fatal(err)
	}
	if err := a.admin.AddUser(ctx, user, secret); err != nil {
		t.Fatal(err)
	}
	if _, err := a.admin.AttachPolicy(ctx, madmin.PolicyAssociationReq{Policies: []string{policy}, User: user}); err != nil {
		t.Fatal(err)
	}

	restricted := fmt.Sprintf("provider \"minio\" {\n  access_key = %q\n  secret_key = %q\n}\n", user, secret)
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": restricted + rotateConfig(bucket, newKey, "")})
	failed := strings.Join(strings.Fields(w.must(1, "apply", "-input=false", "-auto-approve")), " ")
	for _, want := range []string{"Error: MinIO Denied The Request", "Putting back the tags and deleted objects failed after the rotation", "the next apply puts back the rest"} {
		if !strings.Contains(failed, want) {
			t.Errorf("the failed apply does not say %q:\n%s", want, failed)
		}
	}
	stripped, _ := versionsOf(ctx, t, a.s3, bucket)
	for name, vs := range stripped {
		for id, v := range vs {
			if len(v.tags) > 0 || v.key != newKey {
				t.Fatalf("%s %s after the failed restoration: under %q with tags %v; the test needs the job done and the tags gone", name, id, v.key, v.tags)
			}
		}
	}

	w.write("main.tf", rotateConfig(bucket, newKey, ""))
	finished := strings.Join(strings.Fields(w.must(0, "apply", "-input=false", "-auto-approve")), " ")
	if !strings.Contains(finished, "Warning: Earlier Restoration Finished") {
		t.Errorf("the next apply does not say it finished the restoration:\n%s", finished)
	}
	after, _ := versionsOf(ctx, t, a.s3, bucket)
	for name, vs := range before {
		for id, v := range vs {
			if got := after[name][id]; got.key != newKey || !maps.Equal(got.tags, v.tags) {
				t.Errorf("%s %s: under %q with tags %v, want %q with %v", name, id, got.key, got.tags, newKey, v.tags)
			}
		}
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")
}

// TestAccBatchKeyrotate_minioKilledBeforeRestoration kills MinIO as soon as
// the job ends, before or while the provider puts tags and deleted objects
// back, and starts it again. Whichever side of that race the apply lands
// on, the next apply leaves nothing lost: every version on the new key,
// every tag set back, every deleted object deleted.
func TestAccBatchKeyrotate_minioKilledBeforeRestoration(t *testing.T) {
	a := newAcc(t)
	ctx := a.ctx()
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.taggedVersioned(bucket, oldKey, 40, 4)
	before, deletedBefore := versionsOf(ctx, t, a.s3, bucket)

	killed := a.afterFirstJob(batchjob.StatusComplete, func() error {
		if err := a.stack.KillNode(ctx, 0); err != nil {
			return err
		}
		time.Sleep(3 * time.Second) // long enough for the provider to find MinIO gone
		return a.stack.StartNode(ctx, 0)
	})
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": rotateConfig(bucket, newKey, "")})
	first, code := w.run("apply", "-input=false", "-auto-approve", "-no-color")
	if err := <-killed; err != nil {
		t.Fatal(err)
	}
	t.Logf("the apply during which MinIO was killed exited %d", code)
	if code != 0 {
		flat := strings.Join(strings.Fields(first), " ")
		if !strings.Contains(flat, "Error:") {
			t.Fatalf("the apply failed without an error:\n%s", first)
		}
	}
	w.must(0, "apply", "-input=false", "-auto-approve")

	after, deletedAfter := versionsOf(ctx, t, a.s3, bucket)
	for name, vs := range before {
		for id, v := range vs {
			if got, ok := after[name][id]; !ok || got.key != newKey || !maps.Equal(got.tags, v.tags) {
				t.Errorf("%s %s: present %t, under %q with tags %v; want %q with %v", name, id, ok, got.key, got.tags, newKey, v.tags)
			}
		}
	}
	if !maps.Equal(deletedBefore, deletedAfter) {
		t.Errorf("deleted objects: %v before, %v after", deletedBefore, deletedAfter)
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")
}
