package provider

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// listedVersion is what the test compares of one data version.
type listedVersion struct {
	key  string // KMS key name
	tags map[string]string
}

// versionsOf lists bucket: for each name its data versions by ID, and
// whether its latest entry is a delete marker.
func versionsOf(ctx context.Context, t *testing.T, c *minio.Client, bucket string) (map[string]map[string]listedVersion, map[string]bool) {
	t.Helper()
	versions, deleted := map[string]map[string]listedVersion{}, map[string]bool{}
	for o := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true, WithVersions: true, WithMetadata: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		if o.IsDeleteMarker {
			deleted[o.Key] = deleted[o.Key] || o.IsLatest
			continue
		}
		if versions[o.Key] == nil {
			versions[o.Key] = map[string]listedVersion{}
		}
		versions[o.Key][o.VersionID] = listedVersion{
			key:  strings.TrimPrefix(o.UserMetadata["X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"], "arn:aws:kms:"),
			tags: o.UserTags,
		}
	}
	return versions, deleted
}

// TestAccBatchKeyrotate_changesOnlyTheKey is the product's promise, on a
// 4-drive erasure set: a versioned bucket of 100 objects x 3 versions,
// half of them tagged, a quarter deleted. After apply every data version
// is under the new key, every tag set is the same per version, every
// deleted object still answers 404, every live object returns its newest
// bytes; the plan afterwards is empty.
func TestAccBatchKeyrotate_changesOnlyTheKey(t *testing.T) {
	a := newClusterAcc(t)
	s, c := a.stack, a.s3
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bucket, oldKey, newKey := teststack.RandomName("keep-"), s.NewKey(t), s.NewKey(t)
	sse := versionedUnder(ctx, t, c, bucket, oldKey)
	const objects, versions = 100, 3
	newest := map[string]string{}
	for i := range objects {
		name := fmt.Sprintf("o-%03d", i)
		for v := range versions {
			body := fmt.Sprintf("%s version %d", name, v)
			opts := minio.PutObjectOptions{ServerSideEncryption: sse}
			if i%2 == 0 {
				opts.UserTags = map[string]string{"class": "pii", "version": fmt.Sprint(v)}
			}
			if _, err := c.PutObject(ctx, bucket, name, bytes.NewReader([]byte(body)), int64(len(body)), opts); err != nil {
				t.Fatal(err)
			}
			newest[name] = body
		}
		if i%4 == 0 {
			if err := c.RemoveObject(ctx, bucket, name, minio.RemoveObjectOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	before, deletedBefore := versionsOf(ctx, t, c, bucket)

	w := newCLIWorkspaceOn(t, s, map[string]string{"main.tf": rotateConfig(bucket, newKey, "") + `
output "restored" {
  value = [minio_batch_keyrotate.test.tags_restored, minio_batch_keyrotate.test.delete_markers_restored, minio_batch_keyrotate.test.versions_pending]
}
`})
	w.must(0, "apply", "-input=false", "-auto-approve")
	after, deletedAfter := versionsOf(ctx, t, c, bucket)

	var wrongKey, wrongTags, lost int
	for name, vs := range before {
		for id, v := range vs {
			got, ok := after[name][id]
			switch {
			case !ok:
				lost++
			case got.key != newKey:
				wrongKey++
			case !maps.Equal(got.tags, v.tags):
				wrongTags++
			}
		}
	}
	if lost+wrongKey+wrongTags > 0 {
		t.Errorf("of %d data versions: %d lost, %d not under the new key, %d with other tags", objects*versions, lost, wrongKey, wrongTags)
	}
	if !maps.Equal(deletedBefore, deletedAfter) {
		t.Errorf("deleted objects changed: %d before, %d after", len(deletedBefore), len(deletedAfter))
	}
	var visible, stale int
	for name, body := range newest {
		obj, err := c.GetObject(ctx, bucket, name, minio.GetObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(obj)
		switch {
		case deletedBefore[name] && err == nil:
			visible++
		case !deletedBefore[name] && (err != nil || string(got) != body):
			stale++
		}
	}
	if visible+stale > 0 {
		t.Errorf("%d deleted objects are readable again, %d live objects do not return their newest bytes", visible, stale)
	}
	if got := strings.Join(strings.Fields(w.must(0, "output", "-json", "restored")), ""); got != "[150,25,0]" {
		t.Errorf("tags_restored, delete_markers_restored, versions_pending = %s, want [150,25,0]", got)
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")
}

// versionedUnder makes a versioned bucket and returns the SSE-KMS
// settings that seal what is written to it under key.
func versionedUnder(ctx context.Context, t *testing.T, c *minio.Client, bucket, key string) encrypt.ServerSide {
	t.Helper()
	if err := c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := c.EnableVersioning(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	sse, err := encrypt.NewSSEKMS(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sse
}
