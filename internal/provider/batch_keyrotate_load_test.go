package provider

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

// TestAccBatchKeyrotate_nodeKilledMidRotation: on a 4-node cluster, one
// node (not the provider's endpoint, which runs the job) is killed while a
// paced rotation runs. The erasure set keeps its write quorum, the
// rotation completes in the same apply, every object is under the new key
// with its bytes, and the plan afterwards is empty.
func TestAccBatchKeyrotate_nodeKilledMidRotation(t *testing.T) {
	a := newClusterAcc(t)
	s := a.stack
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bucket, oldKey, newKey := s.NewBucket(t), s.NewKey(t), s.NewKey(t)
	names := inventory.Names("o-", 60)
	a.put(inventory.Seed{Bucket: bucket, Names: names, KMSKey: oldKey})
	before := a.hashes(bucket)
	a.pace(200 * time.Millisecond) // about 12 s of rotation

	w := newCLIWorkspaceOn(t, s, map[string]string{"main.tf": rotateConfig(bucket, newKey, "")})
	type result struct {
		out  string
		code int
	}
	done := make(chan result, 1)
	began := time.Now()
	go func() {
		out, code := w.run("apply", "-input=false", "-auto-approve", "-no-color")
		done <- result{out, code}
	}()

	id, atKill := a.waitForRotated(ctx, 10)
	if err := s.KillNode(ctx, 3); err != nil {
		t.Fatalf("killing node 3: %v", err)
	}
	killedAt := time.Since(began)
	res := <-done
	t.Logf("job %s: node 3 of 4 killed %s into the apply, at %d objects rotated; apply exited %d after %s",
		id, killedAt.Round(100*time.Millisecond), atKill, res.code, time.Since(began).Round(100*time.Millisecond))
	if res.code != 0 {
		t.Fatalf("apply with a node killed mid-rotation exited %d:\n%s", res.code, res.out)
	}
	if err := a.checkObjects(bucket, keysOf(names, newKey))(nil); err != nil {
		t.Fatal(err)
	}
	if err := a.checkBytesUnchanged(bucket, before)(nil); err != nil {
		t.Fatal(err)
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")
	if err := s.StartNode(ctx, 3); err != nil {
		t.Errorf("starting node 3 again: %v", err)
	}
}

// waitForRotated waits for the first keyrotate job that has not been seen
// before to have rotated at least n objects (its live counts), and returns
// its ID and count.
func (a *acc) waitForRotated(ctx context.Context, n int64) (string, int64) {
	a.t.Helper()
	known := map[string]bool{}
	for _, id := range a.jobIDs() {
		known[id] = true
	}
	for ctx.Err() == nil {
		for _, id := range a.jobIDs() {
			if known[id] {
				continue
			}
			if p, ok, err := batchjob.FetchLive(ctx, a.admin, id); err == nil && ok && p.Objects >= n {
				return id, p.Objects
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	a.t.Fatalf("no new job reached %d objects: %v", n, ctx.Err())
	return "", 0
}

// TestAccBatchKeyrotate_twentyRotationsInOneApply: twenty rotations of one
// bucket, one per prefix (for_each), applied with -parallelism=10. Every
// job completes, each rotates exactly its prefix, the counts add up to the
// bucket, and the plan afterwards is empty.
func TestAccBatchKeyrotate_twentyRotationsInOneApply(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	const prefixes, each = 20, 8
	var all []string
	for i := range prefixes {
		names := inventory.Names(fmt.Sprintf("p%02d/o-", i), each)
		a.put(inventory.Seed{Bucket: bucket, Names: names, KMSKey: oldKey})
		all = append(all, names...)
	}
	before := a.hashes(bucket)

	w := newCLIWorkspace(t, a, map[string]string{"main.tf": fmt.Sprintf(`
locals {
  prefixes = toset([for i in range(%d) : format("p%%02d/", i)])
}

resource "minio_batch_keyrotate" "by_prefix" {
  for_each = local.prefixes
  bucket   = %q
  prefix   = each.key
  encryption {
    type = "sse-kms"
    key  = %q
  }
}

output "rotated" {
  value = { for p, r in minio_batch_keyrotate.by_prefix : p => "${r.status}/${r.objects_rotated}/${r.versions_pending}" }
}
`, prefixes, bucket, newKey)})
	began := time.Now()
	w.must(0, "apply", "-input=false", "-auto-approve", "-parallelism=10")
	took := time.Since(began)

	out := w.must(0, "output", "-json", "rotated")
	got := regexp.MustCompile(`"(p\d\d/)":\s*"(\w+)/(\d+)/(\d+)"`).FindAllStringSubmatch(out, -1)
	var sum int64
	for _, m := range got {
		n, _ := strconv.ParseInt(m[3], 10, 64)
		sum += n
		if m[2] != "complete" || n != each || m[4] != "0" {
			t.Errorf("rotation of %s: status %s, %s objects rotated, %s pending; want complete, %d, 0", m[1], m[2], m[3], m[4], each)
		}
	}
	t.Logf("%d rotations of %d objects each in one apply (-parallelism=10): %s; %d objects rotated in all", len(got), each, took.Round(100*time.Millisecond), sum)
	if len(got) != prefixes || sum != prefixes*each {
		t.Errorf("%d rotations rotating %d objects in all, want %d rotating %d:\n%s", len(got), sum, prefixes, prefixes*each, strings.TrimSpace(out))
	}
	if err := a.checkObjects(bucket, keysOf(all, newKey))(nil); err != nil {
		t.Fatal(err)
	}
	if err := a.checkBytesUnchanged(bucket, before)(nil); err != nil {
		t.Fatal(err)
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")
}
