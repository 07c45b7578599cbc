package serverfacts

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

func TestMain(m *testing.M) {
	os.Exit(teststack.Main(m, teststack.Options{}))
}

// fixture is what one fact needs of the live stack. The tests run one
// after the other (no t.Parallel): TestCancel changes the server's global
// batch configuration.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	stack *teststack.Stack
	admin *madmin.AdminClient
	s3    *minio.Client
}

func setup(t *testing.T) *fixture {
	t.Helper()
	s := teststack.Live(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	admin, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	s3, err := s.S3(0)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, ctx: ctx, stack: s, admin: admin, s3: s3}
}

func (f *fixture) bucket() string { f.t.Helper(); return f.stack.NewBucket(f.t) }

func (f *fixture) key() string { f.t.Helper(); return f.stack.NewKey(f.t) }

func (f *fixture) put(seeds ...inventory.Seed) {
	f.t.Helper()
	for _, s := range seeds {
		if err := inventory.Put(f.ctx, f.s3, s); err != nil {
			f.t.Fatal(err)
		}
	}
}

// keys maps every object in bucket to what it is encrypted under: its KMS
// key name, "sse-s3" or "none".
func (f *fixture) keys(bucket string) map[string]string {
	f.t.Helper()
	objects, err := inventory.Scan(f.ctx, f.s3, bucket, "")
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]string{}
	for name, o := range objects {
		switch {
		case o.KeyID != "":
			out[name] = o.KeyID
		case o.SSE == "AES256":
			out[name] = "sse-s3"
		case o.SSE == "":
			out[name] = "none"
		default:
			out[name] = "unexpected SSE " + o.SSE
		}
	}
	return out
}

// expectKeys fails unless the objects of bucket are exactly want.
func (f *fixture) expectKeys(bucket string, want map[string]string) {
	f.t.Helper()
	if d := cmp.Diff(want, f.keys(bucket)); d != "" {
		f.t.Fatalf("objects of %s by key (-want +got):\n%s", bucket, d)
	}
}

// under maps every name to key.
func under(key string, groups ...[]string) map[string]string {
	m := map[string]string{}
	for _, names := range groups {
		for _, n := range names {
			m[n] = key
		}
	}
	return m
}

// merge joins disjoint name-to-key maps.
func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// job is a hand-written keyrotate job definition.
type job struct {
	bucket string
	// typ is the target encryption; empty means sse-kms.
	typ     string
	key     string
	context string
	// flags is YAML that goes under "flags:", written as if at column 0.
	flags string
}

func (j job) yaml() string {
	typ := j.typ
	if typ == "" {
		typ = "sse-kms"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "keyrotate:\n  apiVersion: v1\n  bucket: %s\n  encryption:\n    type: %s\n", j.bucket, typ)
	if j.key != "" {
		fmt.Fprintf(&b, "    key: %s\n", j.key)
	}
	if j.context != "" {
		fmt.Fprintf(&b, "    context: %q\n", j.context)
	}
	if j.flags != "" {
		b.WriteString("  flags:\n")
		for _, line := range strings.Split(strings.Trim(j.flags, "\n"), "\n") {
			b.WriteString("    " + line + "\n")
		}
	}
	return b.String()
}

// run sends j once and waits for its end.
func (f *fixture) run(j job) (batchjob.Outcome, error) {
	f.t.Helper()
	y := j.yaml()
	f.t.Logf("job:\n%s", y)
	return batchjob.Run(f.ctx, f.admin, y, batchjob.RunPolicy{Attempts: 1})
}

// complete runs j and fails unless it completed with exactly rotated
// objects counted as done and none as failed.
func (f *fixture) complete(j job, rotated int64) batchjob.Progress {
	f.t.Helper()
	out, err := f.run(j)
	if err != nil {
		f.t.Fatalf("job %s: %v", out.JobID, err)
	}
	p := out.Progress
	if p.Status != batchjob.StatusComplete || p.Objects != rotated || p.ObjectsFailed != 0 {
		f.t.Fatalf("job %s: status %s, %d objects done, %d failed; want complete, %d done, 0 failed",
			out.JobID, p.Status, p.Objects, p.ObjectsFailed, rotated)
	}
	return p
}

const day = 24 * time.Hour

func at(t time.Time) func(*inventory.Seed) { return func(s *inventory.Seed) { s.ModTime = t } }

func tagged(k, v string) func(*inventory.Seed) {
	return func(s *inventory.Seed) { s.Tags = map[string]string{k: v} }
}

func meta(k, v string) func(*inventory.Seed) {
	return func(s *inventory.Seed) { s.UserMeta = map[string]string{k: v} }
}

// seed describes objects under key named names, changed by mods.
func seed(bucket, key string, names []string, mods ...func(*inventory.Seed)) inventory.Seed {
	s := inventory.Seed{Bucket: bucket, KMSKey: key, Names: names}
	for _, m := range mods {
		m(&s)
	}
	return s
}

// timeline seeds objects around the instant t, all under key: three a
// month before, one a second before, one at t, one a second after and
// three a month after (still in the past). It returns the names before,
// at and after t.
func (f *fixture) timeline(bucket, key string, t time.Time) (before, atT, after []string) {
	f.t.Helper()
	before = append(inventory.Names("before-30d-", 3), "before-1s")
	atT = []string{"at"}
	after = append(inventory.Names("after-30d-", 3), "after-1s")
	f.put(
		seed(bucket, key, before[:3], at(t.Add(-30*day))),
		seed(bucket, key, before[3:], at(t.Add(-time.Second))),
		seed(bucket, key, atT, at(t)),
		seed(bucket, key, after[3:], at(t.Add(time.Second))),
		seed(bucket, key, after[:3], at(t.Add(30*day))),
	)
	return before, atT, after
}

// pivot is an instant two months ago, to whole seconds, so that objects
// a month on either side of it are still in the past.
func pivot() time.Time { return time.Now().UTC().Add(-60 * day).Truncate(time.Second) }

// TestCreatedAfterIsInverted proves that createdAfter: T rotates the
// objects modified at or before T and leaves those after it: the server
// skips an object when T is before its modification time. The provider's
// created_after must therefore be sent as createdBefore.
func TestCreatedAfterIsInverted(t *testing.T) {
	f := setup(t)
	bucket, a, b := f.bucket(), f.key(), f.key()
	T := pivot()
	before, atT, after := f.timeline(bucket, a, T)

	f.complete(job{bucket: bucket, key: b, flags: "filter:\n  createdAfter: " + T.Format(time.RFC3339)}, 5)
	f.expectKeys(bucket, merge(under(b, before, atT), under(a, after)))
}

// TestCreatedBeforeIsInverted proves that createdBefore: T rotates the
// objects modified at or after T and leaves those before it. The
// provider's created_before must therefore be sent as createdAfter.
func TestCreatedBeforeIsInverted(t *testing.T) {
	f := setup(t)
	bucket, a, b := f.bucket(), f.key(), f.key()
	T := pivot()
	before, atT, after := f.timeline(bucket, a, T)

	f.complete(job{bucket: bucket, key: b, flags: "filter:\n  createdBefore: " + T.Format(time.RFC3339)}, 5)
	f.expectKeys(bucket, merge(under(b, atT, after), under(a, before)))
}

// TestKeyFilterMatchesEveryKey proves that no source key filter works:
// kmskeyid (the field's YAML tag) is parsed but compared with a metadata
// entry the server's walk does not carry, and kmskey (the documented name)
// is dropped as an unknown field. Both rotate objects under other keys too,
// so the provider cannot offer a source key filter through the server.
func TestKeyFilterMatchesEveryKey(t *testing.T) {
	f := setup(t)
	a, b, c := f.key(), f.key(), f.key()
	for _, field := range []string{"kmskeyid", "kmskey"} {
		t.Run(field, func(t *testing.T) {
			f := *f
			f.t = t
			bucket := f.bucket()
			underA, underC := inventory.Names("a-", 3), inventory.Names("c-", 3)
			f.put(seed(bucket, a, underA), seed(bucket, c, underC))

			f.complete(job{bucket: bucket, key: b, flags: fmt.Sprintf("filter:\n  %s: %s", field, a)}, 6)
			f.expectKeys(bucket, under(b, underA, underC))
		})
	}
}

// TestNewerThanTakesGoDurationsOnly proves that newerThan is parsed as a Go
// time.Duration: the documented "7d" makes StartBatchJob refuse the job,
// while "168h" rotates objects newer than that and leaves older ones. The
// provider must convert day units before sending them.
func TestNewerThanTakesGoDurationsOnly(t *testing.T) {
	f := setup(t)
	bucket, a, b := f.bucket(), f.key(), f.key()
	fresh, old := inventory.Names("new-", 3), inventory.Names("old-", 3)
	f.put(seed(bucket, a, fresh), seed(bucket, a, old, at(time.Now().Add(-30*day))))

	out, err := f.run(job{bucket: bucket, key: b, flags: "filter:\n  newerThan: \"7d\""})
	if err == nil || !strings.Contains(err.Error(), "time.Duration") || !strings.Contains(err.Error(), "7d") {
		t.Fatalf("newerThan: \"7d\" gave job %q, error %v; want StartBatchJob to refuse it with an unmarshal error naming time.Duration", out.JobID, err)
	}
	if out.JobID != "" {
		t.Fatalf("a refused job has ID %q", out.JobID)
	}
	f.expectKeys(bucket, under(a, fresh, old))

	f.complete(job{bucket: bucket, key: b, flags: "filter:\n  newerThan: 168h"}, 3)
	f.expectKeys(bucket, merge(under(b, fresh), under(a, old)))
}

// TestTimeFilterComesBeforeTags proves that olderThan and tags are both
// required: objects whose tags match but that are too new are not
// rotated, because the server checks the time filters first and tags only
// for the objects that pass them.
func TestTimeFilterComesBeforeTags(t *testing.T) {
	f := setup(t)
	bucket, a, b := f.bucket(), f.key(), f.key()
	month := at(time.Now().Add(-30 * day))
	newPII, oldPII, oldPublic := inventory.Names("new-pii-", 3), []string{"old-pii"}, []string{"old-public"}
	f.put(
		seed(bucket, a, newPII, tagged("class", "pii")),
		seed(bucket, a, oldPII, tagged("class", "pii"), month),
		seed(bucket, a, oldPublic, tagged("class", "public"), month),
	)

	f.complete(job{bucket: bucket, key: b, flags: `filter:
  olderThan: 168h
  tags:
    - key: class
      value: "pii*"`}, 1)
	f.expectKeys(bucket, merge(under(a, newPII, oldPublic), under(b, oldPII)))
}

// TestTagsAreOredAndHideMetadata proves that several tag entries match an
// object when any one of them does, and that once tags are given the
// metadata filter is not looked at at all: an object matching the tags but
// not the metadata is rotated, and one matching only the metadata is not.
// The provider must refuse tags and metadata together.
func TestTagsAreOredAndHideMetadata(t *testing.T) {
	f := setup(t)
	bucket, a, b := f.bucket(), f.key(), f.key()
	pii, hold := []string{"pii"}, []string{"hold"}
	public, finOnly, plain := []string{"public-fin"}, []string{"untagged-fin"}, []string{"untagged"}
	f.put(
		seed(bucket, a, pii, tagged("class", "pii-1")),
		seed(bucket, a, hold, tagged("legal", "hold")),
		seed(bucket, a, public, tagged("class", "public"), meta("dept", "fin")),
		seed(bucket, a, finOnly, meta("dept", "fin")),
		seed(bucket, a, plain),
	)

	f.complete(job{bucket: bucket, key: b, flags: `filter:
  tags:
    - key: class
      value: "pii*"
    - key: legal
      value: hold
  metadata:
    - key: x-amz-meta-dept
      value: fin`}, 2)
	f.expectKeys(bucket, merge(under(b, pii, hold), under(a, public, finOnly, plain)))
}

// TestUserMetadataNeedsHeaderName proves that a metadata filter on user
// metadata matches only under the full header name: "dept" matches
// nothing, "x-amz-meta-dept" matches. The provider must add the prefix.
func TestUserMetadataNeedsHeaderName(t *testing.T) {
	f := setup(t)
	bucket, a, b := f.bucket(), f.key(), f.key()
	fin, ops, none := []string{"fin"}, []string{"ops"}, []string{"none"}
	f.put(seed(bucket, a, fin, meta("dept", "fin")), seed(bucket, a, ops, meta("dept", "ops")), seed(bucket, a, none))

	f.complete(job{bucket: bucket, key: b, flags: "filter:\n  metadata:\n    - key: dept\n      value: fin"}, 0)
	f.expectKeys(bucket, under(a, fin, ops, none))

	f.complete(job{bucket: bucket, key: b, flags: "filter:\n  metadata:\n    - key: x-amz-meta-dept\n      value: fin"}, 1)
	f.expectKeys(bucket, merge(under(b, fin), under(a, ops, none)))
}

// TestSSEKMSTargetKeepsSSES3Objects proves that an sse-kms job over SSE-S3
// objects completes and counts them as rotated, yet they stay SSE-S3 with
// no KMS key: the server only re-seals them under its default key. A
// complete job does not prove that objects moved to the target key.
func TestSSEKMSTargetKeepsSSES3Objects(t *testing.T) {
	f := setup(t)
	bucket, b := f.bucket(), f.key()
	names := inventory.Names("s3-", 5)
	f.put(inventory.Seed{Bucket: bucket, Names: names})

	f.complete(job{bucket: bucket, key: b}, 5)
	f.expectKeys(bucket, under("sse-s3", names))
}

// TestPlaintextIsSkipped proves that keyrotate never encrypts plaintext
// objects: the job completes having done nothing.
func TestPlaintextIsSkipped(t *testing.T) {
	f := setup(t)
	bucket, b := f.bucket(), f.key()
	names := inventory.Names("plain-", 5)
	f.put(inventory.Seed{Bucket: bucket, Names: names, Plain: true})

	f.complete(job{bucket: bucket, key: b}, 0)
	f.expectKeys(bucket, under("none", names))
}

// TestSSES3TargetFailsOnSSEKMSObjects proves that moving SSE-KMS objects
// to SSE-S3 fails every object (after the server's own retries) and marks
// the whole job failed, not complete, leaving the objects as they were.
// The provider refuses this target for SSE-KMS sources up front.
func TestSSES3TargetFailsOnSSEKMSObjects(t *testing.T) {
	f := setup(t)
	bucket, a := f.bucket(), f.key()
	names := inventory.Names("kms-", 3)
	f.put(seed(bucket, a, names))

	out, err := f.run(job{bucket: bucket, typ: "sse-s3"})
	var exhausted *batchjob.AttemptsExhaustedError
	if !errors.As(err, &exhausted) {
		t.Fatalf("job %s: got %v, want a failed job", out.JobID, err)
	}
	p := out.Progress
	if p.Status != batchjob.StatusFailed || p.Objects != 0 || p.ObjectsFailed != 3 {
		t.Fatalf("job %s: status %s, %d done, %d failed; want failed, 0 done, 3 failed", out.JobID, p.Status, p.Objects, p.ObjectsFailed)
	}
	st, err := f.admin.BatchJobStatus(f.ctx, out.JobID)
	if err != nil {
		t.Fatal(err)
	}
	if m := st.LastMetric; !m.Failed || m.Complete {
		t.Fatalf("job %s report: failed=%v complete=%v, want failed and not complete", out.JobID, m.Failed, m.Complete)
	}
	f.expectKeys(bucket, under(a, names))
}

// contextHeader is the response header through which MinIO returns the
// KMS context stored with an SSE-KMS object, base64 of a JSON object.
const contextHeader = "X-Amz-Server-Side-Encryption-Context"

// storedContext reads an object's stored KMS context through HEAD; nil
// when it has none.
func (f *fixture) storedContext(bucket, name string) map[string]string {
	f.t.Helper()
	info, err := f.s3.StatObject(f.ctx, bucket, name, minio.StatObjectOptions{})
	if err != nil {
		f.t.Fatal(err)
	}
	v := info.Metadata.Get(contextHeader)
	if v == "" {
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		f.t.Fatalf("%s of %s: %v", contextHeader, name, err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		f.t.Fatalf("%s of %s: %v", contextHeader, name, err)
	}
	return m
}

// TestEncryptionContextIsDiscarded proves that encryption.context is
// parsed (a value that is not base64 is refused) but not applied: rotated
// objects move to the new key, yet HEAD shows they kept the context they
// had (none, or the one given at upload), where an object uploaded with a
// context shows it. The server stores the parsed context on a copy that
// Validate's value receiver throws away (cmd/batch-rotate.go), and
// rotateKey then falls back to the object's own context. Objects still
// decrypt, so the new data keys are bound to the stored context. The
// provider must not offer a context it cannot deliver.
func TestEncryptionContextIsDiscarded(t *testing.T) {
	f := setup(t)
	bucket, a, b := f.bucket(), f.key(), f.key()
	bare := inventory.Names("bare-", 2)
	f.put(seed(bucket, a, bare))
	seedCtx := map[string]string{"origin": "seed"}
	sse, err := encrypt.NewSSEKMS(a, seedCtx)
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("context"), 100)
	if _, err := f.s3.PutObject(f.ctx, bucket, "with-context", bytes.NewReader(data), int64(len(data)),
		minio.PutObjectOptions{ServerSideEncryption: sse}); err != nil {
		t.Fatal(err)
	}
	// The positive control: a context given at upload is observable.
	if got := f.storedContext(bucket, "with-context"); !cmp.Equal(got, seedCtx) {
		t.Fatalf("uploaded with context %v, HEAD shows %v", seedCtx, got)
	}
	hashes, err := inventory.Hashes(f.ctx, f.s3, bucket, "")
	if err != nil {
		t.Fatal(err)
	}

	_, err = f.run(job{bucket: bucket, key: b, context: "not base64!"})
	if err == nil {
		t.Fatal("a context that is not base64 was accepted")
	}
	jobCtx := base64.StdEncoding.EncodeToString([]byte(`{"purpose":"rotation-fact"}`))
	f.complete(job{bucket: bucket, key: b, context: jobCtx}, 3)
	f.expectKeys(bucket, under(b, bare, []string{"with-context"}))

	for _, name := range bare {
		if got := f.storedContext(bucket, name); got != nil {
			t.Errorf("%s: stored context %v after rotation, want none (the job's context is discarded)", name, got)
		}
	}
	if got := f.storedContext(bucket, "with-context"); !cmp.Equal(got, seedCtx) {
		t.Errorf("with-context: stored context %v after rotation, want the upload's %v", got, seedCtx)
	}
	after, err := inventory.Hashes(f.ctx, f.s3, bucket, "")
	if err != nil {
		t.Fatalf("reading rotated objects back: %v", err)
	}
	if diff := inventory.Diff(hashes, after); len(diff) > 0 {
		t.Fatalf("objects changed or vanished: %v", diff)
	}
}

// TestCancelDeletesDefinitionKeepsReport proves that CancelBatchJob stops
// a running job and deletes its definition, while its status report stays
// with neither Complete nor Failed set. A canceled job can only be told
// from a running one by describing it, which is what batchjob.Fetch does.
func TestCancelDeletesDefinitionKeepsReport(t *testing.T) {
	f := setup(t)
	bucket, a, b := f.bucket(), f.key(), f.key()
	const total = 40
	f.put(seed(bucket, a, inventory.Names("o-", total)))
	f.stack.PaceRotation(f.t, 300*time.Millisecond)

	res, err := f.admin.StartBatchJob(f.ctx, job{bucket: bucket, key: b}.yaml())
	if err != nil {
		t.Fatal(err)
	}
	id := res.ID
	// The report appears once the first object is done.
	for {
		_, err := f.admin.BatchJobStatus(f.ctx, id)
		if err == nil {
			break
		}
		if !batchjob.IsNoSuchJob(err) {
			t.Fatalf("status of job %s: %v", id, err)
		}
		if f.ctx.Err() != nil {
			t.Fatalf("job %s never saved a report", id)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := f.admin.CancelBatchJob(f.ctx, id); err != nil {
		t.Fatalf("canceling job %s: %v", id, err)
	}
	// Give the job time to wind down and to save whatever it would.
	time.Sleep(time.Second)

	if _, err := f.admin.DescribeBatchJob(f.ctx, id); !batchjob.IsNoSuchJob(err) {
		t.Fatalf("describing canceled job %s: got %v, want no such job", id, err)
	}
	st, err := f.admin.BatchJobStatus(f.ctx, id)
	if err != nil {
		t.Fatalf("status of canceled job %s: %v, want its report", id, err)
	}
	m := st.LastMetric
	if m.Complete || m.Failed || m.KeyRotate == nil {
		t.Fatalf("canceled job %s report: complete=%v failed=%v keyrotate=%+v; want neither flag and keyrotate counts", id, m.Complete, m.Failed, m.KeyRotate)
	}
	t.Logf("canceled job %s report: %d objects done, %d failed", id, m.KeyRotate.Objects, m.KeyRotate.ObjectsFailed)

	// The job stopped: nothing moves in the time a dozen more objects
	// would have taken at the pace set.
	n := inventory.CountByKey(f.mustScan(bucket))
	if n[b] < 1 || n[b] >= total || n[a]+n[b] != total {
		t.Fatalf("after the cancel: %v; want some but not all of %d objects under %s, the rest under %s", n, total, b, a)
	}
	time.Sleep(4 * time.Second)
	if later := inventory.CountByKey(f.mustScan(bucket)); !cmp.Equal(later, n) {
		t.Fatalf("objects kept moving after the cancel: %v, then %v", n, later)
	}
}

func (f *fixture) mustScan(bucket string) map[string]inventory.Object {
	f.t.Helper()
	objects, err := inventory.Scan(f.ctx, f.s3, bucket, "")
	if err != nil {
		f.t.Fatal(err)
	}
	return objects
}

// TestStatusIsNoSuchJobBeforeFirstReport proves that a job that has not
// finished its first object has no status report: BatchJobStatus answers
// XMinioAdminNoSuchJob while DescribeBatchJob already knows the job. A
// waiter must treat that answer as pending. To hold the job before its
// first object deterministically, the test keeps a GET of the bucket's only
// encrypted object open: a GET of an object whose data is not inlined in
// its metadata holds the object's read lock until the body is closed, and
// the rotation waits for the write lock.
func TestStatusIsNoSuchJobBeforeFirstReport(t *testing.T) {
	f := setup(t)
	bucket, a, b := f.bucket(), f.key(), f.key()
	// Large enough to exceed the socket buffers between server and test,
	// so that the server cannot finish sending it and release the lock.
	f.put(inventory.Seed{Bucket: bucket, Names: []string{"big"}, KMSKey: a, Size: 64 << 20})
	obj, err := f.s3.GetObject(f.ctx, bucket, "big", minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	release := func() { obj.Close() }
	t.Cleanup(release)
	if _, err := io.ReadFull(obj, make([]byte, 1)); err != nil {
		t.Fatalf("starting to read big: %v", err)
	}

	res, err := f.admin.StartBatchJob(f.ctx, job{bucket: bucket, key: b}.yaml())
	if err != nil {
		t.Fatal(err)
	}
	id := res.ID
	for i := range 5 {
		if _, err := f.admin.BatchJobStatus(f.ctx, id); !batchjob.IsNoSuchJob(err) {
			t.Fatalf("status of job %s before its first object (poll %d): got %v, want XMinioAdminNoSuchJob", id, i, err)
		}
		if _, err := f.admin.DescribeBatchJob(f.ctx, id); err != nil {
			t.Fatalf("describing job %s without a report: %v", id, err)
		}
		time.Sleep(300 * time.Millisecond)
	}

	release()
	p, err := batchjob.Wait(f.ctx, f.admin, id, batchjob.WaitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != batchjob.StatusComplete || p.Objects != 1 {
		t.Fatalf("job %s after the lock was released: %s, %d objects; want complete, 1", id, p.Status, p.Objects)
	}
	f.expectKeys(bucket, map[string]string{"big": b})
}

// TestDescribeReturnsNotifyTokenInClear proves that DescribeBatchJob
// returns a keyrotate job's notification token unredacted (the server
// redacts only replicate credentials), so the provider must treat anything
// read back from it as a secret.
func TestDescribeReturnsNotifyTokenInClear(t *testing.T) {
	f := setup(t)
	sink, err := f.stack.NotifySink(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	bucket, a, b := f.bucket(), f.key(), f.key()
	f.put(seed(bucket, a, inventory.Names("o-", 2)))
	token := "Bearer " + teststack.RandomName("facts-token-")

	p := f.complete(job{bucket: bucket, key: b, flags: fmt.Sprintf("notify:\n  endpoint: %q\n  token: %q", sink.URL, token)}, 2)
	described, err := f.admin.DescribeBatchJob(f.ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(described, token) {
		t.Fatalf("DescribeBatchJob of %s does not hold the token %q:\n%s", p.ID, token, described)
	}
	// The token described is the one the server really sends.
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := sink.Received(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > 0 {
			if got[0].Authorization != token {
				t.Fatalf("notification sent with Authorization %q, want %q", got[0].Authorization, token)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no notification arrived at %s", sink.URL)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
