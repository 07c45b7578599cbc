package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// acc is what an acceptance test needs of the live stack.
type acc struct {
	t     *testing.T
	stack *teststack.Stack
	admin *madmin.AdminClient
	s3    *minio.Client
}

func newAcc(t *testing.T) *acc {
	t.Helper()
	s := teststack.Live(t)
	admin, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	s3, err := s.S3(0)
	if err != nil {
		t.Fatal(err)
	}
	return &acc{t: t, stack: s, admin: admin, s3: s3}
}

// newClusterAcc starts a 4-node cluster (one erasure set) for one test,
// on the backend of the package's stack, and removes it when the test ends.
func newClusterAcc(t *testing.T) *acc {
	t.Helper()
	return newPrivateAcc(t, teststack.Options{Topology: teststack.Distributed})
}

// newPrivateAcc starts a stack of its own for one test (o, on the backend
// of the package's stack), for a test that must see every object of the
// deployment, and removes it when the test ends.
func newPrivateAcc(t *testing.T, o teststack.Options) *acc {
	t.Helper()
	pkg := newAcc(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	o.Backend, o.Logf = pkg.stack.Backend, t.Logf
	s, err := teststack.Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	a := &acc{t: t, stack: s}
	if a.admin, err = s.Admin(); err != nil {
		t.Fatal(err)
	}
	if a.s3, err = s.S3(0); err != nil {
		t.Fatal(err)
	}
	return a
}

func (a *acc) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	a.t.Cleanup(cancel)
	return ctx
}

var randomName = teststack.RandomName

func (a *acc) bucket() string { a.t.Helper(); return a.stack.NewBucket(a.t) }

func (a *acc) key() string { a.t.Helper(); return a.stack.NewKey(a.t) }

func (a *acc) put(s inventory.Seed) {
	a.t.Helper()
	if err := inventory.Put(a.ctx(), a.s3, s); err != nil {
		a.t.Fatal(err)
	}
}

func (a *acc) hashes(bucket string) map[string]string {
	a.t.Helper()
	h, err := inventory.Hashes(a.ctx(), a.s3, bucket, "")
	if err != nil {
		a.t.Fatal(err)
	}
	return h
}

// jobIDs lists the batch jobs the server knows, to prove none was started.
func (a *acc) jobIDs() []string {
	a.t.Helper()
	list, err := a.admin.ListBatchJobs(a.ctx(), &madmin.ListBatchJobsFilter{})
	if err != nil {
		a.t.Fatalf("listing batch jobs: %v", err)
	}
	var ids []string
	for _, j := range list.Jobs {
		ids = append(ids, j.ID)
	}
	slices.Sort(ids)
	return ids
}

// pace slows rotation down for the test (see teststack.PaceRotation).
func (a *acc) pace(wait time.Duration) { a.t.Helper(); a.stack.PaceRotation(a.t, wait) }

// checkObjects asserts, from outside the server, which key each object
// is under: want maps object name to key name ("sse-s3" for SSE-S3).
func (a *acc) checkObjects(bucket string, want map[string]string) func(*terraform.State) error {
	return func(*terraform.State) error {
		objects, err := inventory.Scan(a.ctx(), a.s3, bucket, "")
		if err != nil {
			return err
		}
		var wrong []string
		for name, key := range want {
			o := objects[name]
			got := o.KeyID
			if got == "" && o.SSE == "AES256" {
				got = "sse-s3"
			}
			if got != key {
				wrong = append(wrong, fmt.Sprintf("%s under %q, want %q", name, got, key))
			}
		}
		if len(wrong) > 0 {
			slices.Sort(wrong)
			return fmt.Errorf("%d of %d objects under the wrong key: %v", len(wrong), len(want), wrong)
		}
		return nil
	}
}

// checkBytesUnchanged asserts every object still reads back as before.
func (a *acc) checkBytesUnchanged(bucket string, before map[string]string) func(*terraform.State) error {
	return func(*terraform.State) error {
		after, err := inventory.Hashes(a.ctx(), a.s3, bucket, "")
		if err != nil {
			return err
		}
		if diff := inventory.Diff(before, after); len(diff) > 0 {
			return fmt.Errorf("%d objects changed their bytes or vanished: %v", len(diff), diff)
		}
		return nil
	}
}

// checkJobsOnServer asks the server about every rotation job in the state.
func (a *acc) checkJobsOnServer(want batchjob.Status) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "minio_batch_keyrotate" {
				continue
			}
			p, err := batchjob.Fetch(a.ctx(), a.admin, rs.Primary.ID)
			if err != nil {
				return fmt.Errorf("job %s: %w", rs.Primary.ID, err)
			}
			if p.Status != want {
				return fmt.Errorf("job %s is %s on the server, want %s", rs.Primary.ID, p.Status, want)
			}
		}
		return nil
	}
}

// waitForJob polls the server until job id reaches want.
func (a *acc) waitForJob(id string, want batchjob.Status) {
	a.t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		p, err := batchjob.Fetch(a.ctx(), a.admin, id)
		// Running means a saved report: a job reads as running from its
		// start, but one canceled before its first report leaves no trace.
		if err == nil && p.Status == want && (want != batchjob.StatusRunning || !p.StartedAt.IsZero()) {
			return
		}
		if time.Now().After(deadline) {
			a.t.Fatalf("job %s did not become %s: %+v %v", id, want, p, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func keysOf(names []string, key string) map[string]string {
	m := map[string]string{}
	for _, n := range names {
		m[n] = key
	}
	return m
}

var jobIDPattern = regexp.MustCompile(`^keyrotate-[A-Za-z0-9]+:-?[0-9]+$`)

// kvBlocks writes repeated key/value blocks of a filter:
// kvBlocks("tag", "class", "pii*", "legal", "hold").
func kvBlocks(block string, kv ...string) string {
	var b strings.Builder
	for i := 0; i+1 < len(kv); i += 2 {
		fmt.Fprintf(&b, "%s {\n  key   = %q\n  value = %q\n}\n", block, kv[i], kv[i+1])
	}
	return b.String()
}

// emptyBucket removes every version of every object, so that a key they
// were sealed under may be retired when the test ends.
func (a *acc) emptyBucket(bucket string) {
	a.t.Helper()
	ctx := a.ctx()
	for o := range a.s3.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true, WithVersions: true}) {
		if o.Err != nil {
			a.t.Fatal(o.Err)
		}
		if err := a.s3.RemoveObject(ctx, bucket, o.Key, minio.RemoveObjectOptions{VersionID: o.VersionID}); err != nil {
			a.t.Fatal(err)
		}
	}
}

// startCompletedJob starts spec as a keyrotate job through the admin API,
// as `mc batch start` would, and waits until it completes.
func (a *acc) startCompletedJob(spec keyrotate.Spec) string {
	a.t.Helper()
	doc, err := keyrotate.Encode(spec)
	if err != nil {
		a.t.Fatal(err)
	}
	started, err := a.admin.StartBatchJob(a.ctx(), string(doc))
	if err != nil {
		a.t.Fatal(err)
	}
	a.waitForJob(started.ID, batchjob.StatusComplete)
	return started.ID
}
