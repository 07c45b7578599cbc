package serverfacts

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"
	"github.com/minio/minio-go/v7/pkg/sse"
	"github.com/minio/minio-go/v7/pkg/tags"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

// Side effects of a rotation besides the key. KeyRotate in
// cmd/batch-rotate.go re-seals each version through the object layer's
// metadata-only CopyObject without MTime, from metadata cleaned by
// cleanMetadata (which drops X-Amz-Tagging and expires). The provider works
// around each effect pinned here; when a test fails, the workaround it
// names is no longer needed (or no longer enough).

// versionedBucket creates a bucket with versioning enabled.
func (f *fixture) versionedBucket() string {
	f.t.Helper()
	b := f.bucket()
	if err := f.s3.EnableVersioning(f.ctx, b); err != nil {
		f.t.Fatalf("enabling versioning on %s: %v", b, err)
	}
	return b
}

// putKMS writes one object under key with body and the extra options in
// opts, returning the version written.
func (f *fixture) putKMS(bucket, name, key string, body []byte, opts minio.PutObjectOptions) minio.UploadInfo {
	f.t.Helper()
	s, err := encrypt.NewSSEKMS(key, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	opts.ServerSideEncryption = s
	info, err := f.s3.PutObject(f.ctx, bucket, name, bytes.NewReader(body), int64(len(body)), opts)
	if err != nil {
		f.t.Fatalf("writing %s/%s: %v", bucket, name, err)
	}
	return info
}

// versions lists every version and delete marker in bucket, with
// metadata, in the server's order (by name, then newest first).
func (f *fixture) versions(bucket string) []minio.ObjectInfo {
	f.t.Helper()
	var out []minio.ObjectInfo
	for o := range f.s3.ListObjects(f.ctx, bucket, minio.ListObjectsOptions{Recursive: true, WithVersions: true, WithMetadata: true}) {
		if o.Err != nil {
			f.t.Fatalf("listing versions of %s: %v", bucket, o.Err)
		}
		out = append(out, o)
	}
	return out
}

// versionOrder maps every object to its version IDs, newest first as
// listed; delete markers are written "dm:" + ID.
func versionOrder(vs []minio.ObjectInfo) map[string][]string {
	out := map[string][]string{}
	for _, v := range vs {
		id := v.VersionID
		if v.IsDeleteMarker {
			id = "dm:" + id
		}
		out[v.Key] = append(out[v.Key], id)
	}
	return out
}

// listedKey is the KMS key name a listing entry carries, or "".
func listedKey(o minio.ObjectInfo) string {
	for k, v := range o.UserMetadata {
		if strings.EqualFold(k, "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id") {
			return strings.TrimPrefix(v, "arn:aws:kms:")
		}
	}
	return ""
}

// tagsOf reads the tags of one version ("" for the latest).
func (f *fixture) tagsOf(bucket, name, versionID string) map[string]string {
	f.t.Helper()
	t, err := f.s3.GetObjectTagging(f.ctx, bucket, name, minio.GetObjectTaggingOptions{VersionID: versionID})
	if err != nil {
		f.t.Fatalf("tags of %s/%s %s: %v", bucket, name, versionID, err)
	}
	return t.ToMap()
}

// latest reads an object without a version ID: the version GET returns
// and its bytes, or found=false when the server answers 404.
func (f *fixture) latest(bucket, name string) (versionID string, body []byte, found bool) {
	f.t.Helper()
	obj, err := f.s3.GetObject(f.ctx, bucket, name, minio.GetObjectOptions{})
	if err != nil {
		f.t.Fatalf("GET %s/%s: %v", bucket, name, err)
	}
	defer obj.Close()
	body, err = io.ReadAll(obj)
	if err != nil {
		if minio.ToErrorResponse(err).StatusCode == http.StatusNotFound {
			return "", nil, false
		}
		f.t.Fatalf("GET %s/%s: %v", bucket, name, err)
	}
	st, err := obj.Stat()
	if err != nil {
		f.t.Fatalf("GET %s/%s: %v", bucket, name, err)
	}
	return st.VersionID, body, true
}

// expires is the Expires header given at upload in these tests.
var expires = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// TestRotationDropsObjectTags proves that a rotation removes every tag of
// the objects it rotates: 10 objects tagged t=1 have an empty tag set
// afterwards (cleanMetadata drops X-Amz-Tagging before the metadata-only
// copy), and a later job filtering on t=1 then rotates 0 of them. The
// provider must put the tags back after a rotation.
func TestRotationDropsObjectTags(t *testing.T) {
	f := setup(t)
	bucket, a, b, c := f.bucket(), f.key(), f.key(), f.key()
	names := inventory.Names("tagged-", 10)
	f.put(seed(bucket, a, names, tagged("t", "1")))
	for _, n := range names {
		if got := f.tagsOf(bucket, n, ""); !cmp.Equal(got, map[string]string{"t": "1"}) {
			t.Fatalf("%s: tags %v at upload, want t=1", n, got)
		}
	}

	f.complete(job{bucket: bucket, key: b}, 10)
	f.expectKeys(bucket, under(b, names))
	stillTagged := 0
	for _, n := range names {
		if got := f.tagsOf(bucket, n, ""); len(got) > 0 {
			stillTagged++
			t.Logf("%s: still tagged %v", n, got)
		}
	}
	if stillTagged != 0 {
		t.Fatalf("%d of %d rotated objects kept their tags; want 0 (the rotation drops tags)", stillTagged, len(names))
	}

	f.complete(job{bucket: bucket, key: c, flags: "filter:\n  tags:\n    - key: t\n      value: \"1\""}, 0)
	f.expectKeys(bucket, under(b, names))
}

// TestRotationDropsExpires proves that the Expires header given at upload
// is gone after a rotation: HEAD shows it on 10 of 10 objects before, on 0
// after (cleanMetadata drops "expires"), while the Cache-Control given
// with it stays on 10 of 10. The provider must restore Expires.
func TestRotationDropsExpires(t *testing.T) {
	f := setup(t)
	bucket, a, b := f.bucket(), f.key(), f.key()
	names := inventory.Names("expires-", 10)
	for _, n := range names {
		f.putKMS(bucket, n, a, []byte("body of "+n), minio.PutObjectOptions{Expires: expires, CacheControl: "no-cache"})
	}
	count := func() (withExpires, withCache int) {
		for _, name := range names {
			st, err := f.s3.StatObject(f.ctx, bucket, name, minio.StatObjectOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !st.Expires.IsZero() || st.Metadata.Get("Expires") != "" {
				if !st.Expires.Equal(expires) {
					t.Fatalf("%s: Expires %v, want %v or none", name, st.Expires, expires)
				}
				withExpires++
			}
			if st.Metadata.Get("Cache-Control") == "no-cache" {
				withCache++
			}
		}
		return withExpires, withCache
	}
	if e, c := count(); e != 10 || c != 10 {
		t.Fatalf("after upload %d of 10 objects show Expires, %d Cache-Control; want 10 and 10", e, c)
	}

	f.complete(job{bucket: bucket, key: b}, 10)
	f.expectKeys(bucket, under(b, names))
	if e, c := count(); e != 0 || c != 10 {
		t.Fatalf("after the rotation %d of 10 objects show Expires, %d Cache-Control; want 0 and 10", e, c)
	}
}

// TestRotationSetsLastModifiedToRotationTime proves that every rotated
// version, current or not, gets the time of its rotation as Last-Modified:
// 10 objects backdated 30 days, and 5 objects x 3 versions backdated 30,
// 20 and 10 days in a versioned bucket, all read later than the job's
// start and no later than its end (CopyObject sets UTCNow because the
// rotation passes no MTime). Lifecycle clocks and the time filters of a
// later job therefore restart.
func TestRotationSetsLastModifiedToRotationTime(t *testing.T) {
	f := setup(t)
	plain, versioned, a, b := f.bucket(), f.versionedBucket(), f.key(), f.key()
	now := time.Now().UTC()
	plainNames := inventory.Names("old-", 10)
	f.put(seed(plain, a, plainNames, at(now.Add(-30*day))))
	verNames := inventory.Names("ver-", 5)
	for _, age := range []time.Duration{30 * day, 20 * day, 10 * day} {
		f.put(seed(versioned, a, verNames, at(now.Add(-age))))
	}

	for _, c := range []struct {
		bucket string
		want   int
	}{{plain, 10}, {versioned, 15}} {
		before := f.versions(c.bucket)
		if len(before) != c.want {
			t.Fatalf("%s holds %d versions, want %d", c.bucket, len(before), c.want)
		}
		for _, v := range before {
			if age := now.Sub(v.LastModified); age < 9*day {
				t.Fatalf("%s/%s %s: Last-Modified %v is not backdated", c.bucket, v.Key, v.VersionID, v.LastModified)
			}
		}

		p := f.complete(job{bucket: c.bucket, key: b}, int64(c.want))
		end := time.Now()
		// Listings carry milliseconds.
		from := p.StartedAt.Truncate(time.Millisecond)
		after := f.versions(c.bucket)
		rotatedNow := 0
		for _, v := range after {
			if listedKey(v) != b {
				t.Errorf("%s/%s %s: under %q, want %s", c.bucket, v.Key, v.VersionID, listedKey(v), b)
			}
			if !v.LastModified.Before(from) && !v.LastModified.After(end) {
				rotatedNow++
			} else {
				t.Logf("%s/%s %s: Last-Modified %v outside the job [%v, %v]", c.bucket, v.Key, v.VersionID, v.LastModified, from, end)
			}
		}
		if len(after) != c.want || rotatedNow != c.want {
			t.Fatalf("%s: %d of %d versions have a Last-Modified within the job; want all %d", c.bucket, rotatedNow, len(after), c.want)
		}
	}
}

// rotationWorkers is how many versions the server rotates at once: its
// default, GOMAXPROCS/2 (at least 1), on the busiest node.
func (f *fixture) rotationWorkers() int {
	f.t.Helper()
	info, err := f.admin.ServerInfo(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	n := 1
	for _, s := range info.Servers {
		if _, set := s.MinioEnvVars["_MINIO_BATCH_KEYROTATION_WORKERS"]; set {
			f.t.Fatalf("%s sets _MINIO_BATCH_KEYROTATION_WORKERS; the test assumes the default", s.Endpoint)
		}
		n = max(n, s.GoMaxProcs/2)
	}
	return n
}

// TestRotationResurrectsDeletedObjectsAndKeepsVersionOrder proves that in
// a versioned bucket an object whose latest version is a delete marker is
// readable again after a rotation. 10 objects get 3 data versions each and
// 5 of them a delete marker on top; the job rotates the 30 data versions
// and skips the markers, and the rotated versions get newer dates than
// the markers, which sink below them: GET answers 404 for 5 objects
// before, for none after. The data versions keep their relative order,
// so GET returns the newest data version for 10 of 10 objects. That part
// holds because the job walks the versions of an object oldest first and
// the pinned stack (2 cores) runs one rotation worker (GOMAXPROCS/2):
// with several workers, versions of one object are rotated concurrently,
// one lock at a time, and nothing orders them; the test then only logs
// the order.
func TestRotationResurrectsDeletedObjectsAndKeepsVersionOrder(t *testing.T) {
	f := setup(t)
	workers := f.rotationWorkers()
	bucket, a, b := f.versionedBucket(), f.key(), f.key()
	names := inventory.Names("obj-", 10)
	deleted := names[:5]
	// data are each object's data version IDs, newest first.
	data := map[string][]string{}
	bodies := map[string][]byte{}
	for _, n := range names {
		for v := range 3 {
			body := []byte(fmt.Sprintf("%s version %d", n, v))
			id := f.putKMS(bucket, n, a, body, minio.PutObjectOptions{}).VersionID
			data[n] = append([]string{id}, data[n]...)
			bodies[id] = body
		}
	}
	for _, n := range deleted {
		if err := f.s3.RemoveObject(f.ctx, bucket, n, minio.RemoveObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	marker := map[string]string{}
	before := versionOrder(f.versions(bucket))
	for _, n := range names {
		want := data[n]
		if slices.Contains(deleted, n) {
			marker[n] = before[n][0]
			want = append([]string{marker[n]}, data[n]...)
		}
		if len(before[n]) != len(want) || (marker[n] != "" && !strings.HasPrefix(marker[n], "dm:")) || !slices.Equal(before[n], want) {
			t.Fatalf("%s before the rotation: versions %v, want %v under a delete marker if deleted", n, before[n], data[n])
		}
	}
	visible := 0
	for _, n := range names {
		if _, _, found := f.latest(bucket, n); found {
			visible++
		}
	}
	if visible != 5 {
		t.Fatalf("%d of 10 objects readable before the rotation, want 5", visible)
	}

	f.complete(job{bucket: bucket, key: b}, 30)

	listed := f.versions(bucket)
	after := versionOrder(listed)
	markers, rotated, sunk, ordered := 0, 0, 0, 0
	for _, v := range listed {
		switch {
		case v.IsDeleteMarker:
			markers++
		case listedKey(v) == b:
			rotated++
		}
	}
	for _, n := range names {
		got := after[n]
		if marker[n] != "" && len(got) == 4 && got[3] == marker[n] {
			sunk++
			got = got[:3]
		}
		if slices.Equal(got, data[n]) {
			ordered++
		} else {
			t.Logf("%s: versions %v after the rotation, before %v", n, after[n], before[n])
		}
	}
	if markers != 5 || rotated != 30 || sunk != 5 {
		t.Errorf("after the rotation: %d delete markers, %d at the bottom of their object, %d versions under %s; want 5, 5, 30",
			markers, sunk, rotated, b)
	}
	readable, resurrected, newest := 0, 0, 0
	for _, n := range names {
		id, body, found := f.latest(bucket, n)
		if !found {
			t.Errorf("%s: GET answers 404 after the rotation", n)
			continue
		}
		if !slices.Contains(data[n], id) || !bytes.Equal(body, bodies[id]) {
			t.Errorf("%s: GET returns version %s %q, not one of its data versions %v", n, id, body, data[n])
			continue
		}
		readable++
		if slices.Contains(deleted, n) {
			resurrected++
		}
		if id == data[n][0] {
			newest++
		}
	}
	if readable != 10 || resurrected != 5 {
		t.Fatalf("after the rotation GET returns a data version for %d of 10 objects, %d of 5 deleted ones; want 10 and 5", readable, resurrected)
	}
	t.Logf("%d rotation worker(s): data versions in their old order for %d of 10 objects, GET returns the newest for %d", workers, ordered, newest)
	if workers == 1 && (ordered != 10 || newest != 10) {
		t.Fatalf("with one rotation worker the data versions kept their order for %d of 10 objects and GET returns the newest for %d; want 10 and 10", ordered, newest)
	}
}

// TestVersionTaggingKeepsDateAndOrder proves that PutObjectTagging with a
// VersionID changes neither that version's Last-Modified nor the order of
// the versions: on a non-current version (GET still returns the newest),
// and on the newest data version under a delete marker (the object stays
// deleted). Tags can therefore be put back after a rotation without
// reordering or resurrecting anything.
func TestVersionTaggingKeepsDateAndOrder(t *testing.T) {
	f := setup(t)
	bucket, a := f.versionedBucket(), f.key()
	var live, gone []string
	for v := range 3 {
		live = append([]string{f.putKMS(bucket, "live", a, []byte(fmt.Sprint("live ", v)), minio.PutObjectOptions{}).VersionID}, live...)
	}
	for v := range 2 {
		gone = append([]string{f.putKMS(bucket, "gone", a, []byte(fmt.Sprint("gone ", v)), minio.PutObjectOptions{}).VersionID}, gone...)
	}
	if err := f.s3.RemoveObject(f.ctx, bucket, "gone", minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	before := f.versions(bucket)
	if len(before) != 6 {
		t.Fatalf("%d versions listed, want 6", len(before))
	}
	// A tagging that set the version's date to now would show.
	time.Sleep(50 * time.Millisecond)

	tagSet, err := tags.NewTags(map[string]string{"restored": "yes"}, true)
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]string{"live": live[1], "gone": gone[0]}
	for name, id := range targets {
		if err := f.s3.PutObjectTagging(f.ctx, bucket, name, tagSet, minio.PutObjectTaggingOptions{VersionID: id}); err != nil {
			t.Fatalf("tagging %s version %s: %v", name, id, err)
		}
		if got := f.tagsOf(bucket, name, id); !cmp.Equal(got, map[string]string{"restored": "yes"}) {
			t.Fatalf("%s version %s: tags %v after PutObjectTagging", name, id, got)
		}
	}

	after := f.versions(bucket)
	type row struct {
		Key, VersionID string
		DeleteMarker   bool
		LastModified   time.Time
	}
	rows := func(vs []minio.ObjectInfo) []row {
		var out []row
		for _, v := range vs {
			out = append(out, row{v.Key, v.VersionID, v.IsDeleteMarker, v.LastModified})
		}
		return out
	}
	if d := cmp.Diff(rows(before), rows(after)); d != "" {
		t.Errorf("versions, in listed order, before and after tagging (-before +after):\n%s", d)
	}
	if id, _, found := f.latest(bucket, "live"); !found || id != live[0] {
		t.Errorf("live: GET returns version %q (found %v), want the newest %s", id, found, live[0])
	}
	if id, _, found := f.latest(bucket, "gone"); found {
		t.Errorf("gone: GET returns version %s after tagging the version under its delete marker, want 404", id)
	}
}

// TestRotationKeepsBucketDefaultEncryption proves that a rotation leaves
// the bucket's default encryption alone: 5 objects written under the
// bucket default key-mid move to the target key, the bucket still names
// key-mid, and 3 objects written afterwards are sealed under key-mid, not
// under the rotated-to key.
func TestRotationKeepsBucketDefaultEncryption(t *testing.T) {
	f := setup(t)
	bucket, mid, b := f.bucket(), f.key(), f.key()
	if err := f.s3.SetBucketEncryption(f.ctx, bucket, sse.NewConfigurationSSEKMS(mid)); err != nil {
		t.Fatal(err)
	}
	defaultKey := func() string {
		cfg, err := f.s3.GetBucketEncryption(f.ctx, bucket)
		if err != nil {
			t.Fatal(err)
		}
		if len(cfg.Rules) != 1 {
			t.Fatalf("bucket encryption has %d rules, want 1", len(cfg.Rules))
		}
		r := cfg.Rules[0].Apply
		return r.SSEAlgorithm + " " + strings.TrimPrefix(r.KmsMasterKeyID, "arn:aws:kms:")
	}
	if got := defaultKey(); got != "aws:kms "+mid {
		t.Fatalf("bucket default %q, want aws:kms %s", got, mid)
	}
	early := inventory.Names("early-", 5)
	f.put(inventory.Seed{Bucket: bucket, Names: early, Plain: true})
	f.expectKeys(bucket, under(mid, early))

	f.complete(job{bucket: bucket, key: b}, 5)
	f.expectKeys(bucket, under(b, early))
	if got := defaultKey(); got != "aws:kms "+mid {
		t.Fatalf("bucket default after the rotation %q, want aws:kms %s", got, mid)
	}
	late := inventory.Names("late-", 3)
	f.put(inventory.Seed{Bucket: bucket, Names: late, Plain: true})
	f.expectKeys(bucket, merge(under(b, early), under(mid, late)))
}

// TestMetadataFilterOnSSEHeaderSelectsNothing proves that a metadata
// filter on x-amz-server-side-encryption matches no object, whatever the
// value ("aws:kms", "AES256", even "*"), over 4 SSE-KMS and 4 SSE-S3
// objects: the header is computed for responses, the walk's metadata does
// not carry it. Yet ListObjects with metadata does list it, on 8 of 8
// objects: a scan that applies the job's filter to a listing must not
// let this header match. A content-type "*" filter over the same objects
// rotates all 8, so the metadata filter itself works.
func TestMetadataFilterOnSSEHeaderSelectsNothing(t *testing.T) {
	f := setup(t)
	bucket, a, b := f.bucket(), f.key(), f.key()
	kms, s3 := inventory.Names("kms-", 4), inventory.Names("s3-", 4)
	f.put(seed(bucket, a, kms), inventory.Seed{Bucket: bucket, Names: s3})
	unchanged := merge(under(a, kms), under("sse-s3", s3))
	f.expectKeys(bucket, unchanged)
	listedSSE := map[string]int{}
	for _, o := range f.versions(bucket) {
		for k, v := range o.UserMetadata {
			if strings.EqualFold(k, "X-Amz-Server-Side-Encryption") {
				listedSSE[v]++
			}
		}
	}
	if want := map[string]int{"aws:kms": 4, "AES256": 4}; !cmp.Equal(listedSSE, want) {
		t.Fatalf("the listing shows x-amz-server-side-encryption values %v, want %v", listedSSE, want)
	}

	for _, v := range []string{"aws:kms", "AES256", "*"} {
		f.complete(job{bucket: bucket, key: b, flags: fmt.Sprintf("filter:\n  metadata:\n    - key: x-amz-server-side-encryption\n      value: %q", v)}, 0)
		f.expectKeys(bucket, unchanged)
	}

	f.complete(job{bucket: bucket, key: b, flags: "filter:\n  metadata:\n    - key: content-type\n      value: \"*\""}, 8)
	f.expectKeys(bucket, merge(under(b, kms), under("sse-s3", s3)))
}

// TestMetadataFilterOnTaggingMatchesRawString proves that a metadata
// filter on x-amz-tagging matches the stored tag string as a whole (with
// wildcards), not tag by tag: over objects tagged t=1, a=b&t=1 and a=b
// and one untagged, value t=1 selects only the object tagged t=1 alone,
// a=b&t=1 only the object with both tags, *t=1 both, while the tags filter
// t=1 selects both as well.
func TestMetadataFilterOnTaggingMatchesRawString(t *testing.T) {
	f := setup(t)
	a, b := f.key(), f.key()
	cases := []struct {
		name, flags string
		rotated     []string
	}{
		{"metadata t=1", "filter:\n  metadata:\n    - key: x-amz-tagging\n      value: \"t=1\"", []string{"t1"}},
		{"metadata a=b&t=1", "filter:\n  metadata:\n    - key: x-amz-tagging\n      value: \"a=b&t=1\"", []string{"ab-t1"}},
		{"metadata *t=1", "filter:\n  metadata:\n    - key: x-amz-tagging\n      value: \"*t=1\"", []string{"ab-t1", "t1"}},
		{"tags t=1", "filter:\n  tags:\n    - key: t\n      value: \"1\"", []string{"ab-t1", "t1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := *f
			f.t = t
			bucket := f.bucket()
			f.put(
				seed(bucket, a, []string{"t1"}, tagged("t", "1")),
				inventory.Seed{Bucket: bucket, KMSKey: a, Names: []string{"ab-t1"}, Tags: map[string]string{"a": "b", "t": "1"}},
				seed(bucket, a, []string{"ab"}, tagged("a", "b")),
				seed(bucket, a, []string{"untagged"}),
			)
			f.complete(job{bucket: bucket, key: b, flags: c.flags}, int64(len(c.rotated)))
			want := under(a, []string{"t1", "ab-t1", "ab", "untagged"})
			for _, n := range c.rotated {
				want[n] = b
			}
			f.expectKeys(bucket, want)
		})
	}
}

// TestVersionedListingOmitsExpires proves that ListObjects with
// WithVersions and WithMetadata returns no Expires for any version (10
// versions of 5 objects uploaded with Expires, which HEAD shows on 5 of 5),
// while it does return their KMS key and the Cache-Control given with the
// same upload: objects that would lose their Expires to a rotation cannot
// be counted from the scan's listing. (Measured: a listing without
// versions omits it too.)
func TestVersionedListingOmitsExpires(t *testing.T) {
	f := setup(t)
	bucket, a := f.versionedBucket(), f.key()
	names := inventory.Names("exp-", 5)
	for v := range 2 {
		for _, n := range names {
			f.putKMS(bucket, n, a, []byte(fmt.Sprint(n, v)), minio.PutObjectOptions{Expires: expires, CacheControl: "no-cache"})
		}
	}
	shown := 0
	for _, n := range names {
		st, err := f.s3.StatObject(f.ctx, bucket, n, minio.StatObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Expires.Equal(expires) {
			shown++
		}
	}
	if shown != 5 {
		t.Fatalf("HEAD shows Expires on %d of 5 objects, want 5", shown)
	}

	listed := f.versions(bucket)
	withKey, withCache, withExpires := 0, 0, 0
	for _, v := range listed {
		if listedKey(v) == a {
			withKey++
		}
		for k, val := range v.UserMetadata {
			if strings.EqualFold(k, "Cache-Control") && val == "no-cache" {
				withCache++
			}
		}
		has := !v.Expires.IsZero()
		for k := range v.UserMetadata {
			if strings.Contains(strings.ToLower(k), "expires") {
				has = true
			}
		}
		for k := range v.Metadata {
			if strings.Contains(strings.ToLower(k), "expires") {
				has = true
			}
		}
		if has {
			withExpires++
			t.Logf("%s %s lists Expires %v, metadata %v", v.Key, v.VersionID, v.Expires, v.UserMetadata)
		}
	}
	if len(listed) != 10 || withKey != 10 || withCache != 10 || withExpires != 0 {
		t.Fatalf("listing: %d versions, %d with key %s, %d with Cache-Control, %d with Expires; want 10, 10, 10, 0",
			len(listed), withKey, a, withCache, withExpires)
	}
}
