package scan_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// TestScanLive scans a versioned bucket mixing two KMS keys, SSE-S3,
// SSE-C, plaintext, tags, user metadata and delete markers, and checks
// every count.
func TestScanLive(t *testing.T) {
	s := teststack.Live(t)
	ctx := liveContext(t)
	c := liveS3(t, s)
	b := versionedBucket(t, s, c)
	keyA, keyB := s.NewKey(t), s.NewKey(t)
	a, bb := kmsSSE(t, keyA), kmsSSE(t, keyB)
	write(t, ctx, c, b,
		put{name: "a/kms-a-0", sse: a, size: 100},
		put{name: "a/kms-a-0", sse: a, size: 100},
		put{name: "a/kms-a-1", sse: a, size: 100, tags: map[string]string{"class": "pii-1"}},
		put{name: "a/kms-a-gone", sse: a, size: 100, remove: true},
		put{name: "a/kms-b-0", sse: bb, size: 200, meta: map[string]string{"dept": "fin"}},
		put{name: "a/plain", size: 10},
		put{name: "a/plain-gone", size: 10, remove: true},
		put{name: "a/s3-0", sse: encrypt.NewSSE(), size: 300, tags: map[string]string{"t": "1"}},
		put{name: "a/s3-1", sse: encrypt.NewSSE(), size: 300, expires: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)},
		put{name: "a/ssec", sse: ssecSSE(b), size: 20},
		put{name: "b/outside", sse: a, size: 1000, tags: map[string]string{"class": "pii-2"}},
	)

	var progress []int64
	got, err := scan.Scan(ctx, c, scan.Scope{Bucket: b, Prefix: "a/"}, scan.Options{Progress: func(n int64) { progress = append(progress, n) }})
	if err != nil {
		t.Fatal(err)
	}
	want := &scan.Result{
		Seen:           12,
		InScope:        scan.Tally{Versions: 10, Bytes: 1240},
		KMS:            map[string]scan.Tally{keyA: {4, 400}, keyB: {1, 200}},
		SSES3:          scan.Tally{Versions: 2, Bytes: 600},
		SSEC:           scan.Tally{Versions: 1, Bytes: 20},
		Unencrypted:    scan.Tally{Versions: 2, Bytes: 20},
		Tagged:         2,
		DeleteMarkers:  2,
		DeletedObjects: 2,
		Resurfacing:    1,
	}
	if d := cmp.Diff(want, got, ignoreSamples); d != "" {
		t.Errorf("result (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]int64{12}, progress); d != "" {
		t.Errorf("progress (-want +got):\n%s", d)
	}

	toB := keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: keyB}
	if p := got.Pending(toB); p != (scan.Tally{Versions: 4, Bytes: 400}) {
		t.Errorf("Pending(%s) = %+v, want 4 versions, 400 bytes", keyB, p)
	}
	var names []string
	for _, r := range got.PendingVersions(toB) {
		if r.VersionID == "" || r.KMSKey != keyA {
			t.Errorf("pending version %+v: want a version ID and key %s", r, keyA)
		}
		names = append(names, r.Name)
	}
	if d := cmp.Diff([]string{"a/kms-a-0", "a/kms-a-0", "a/kms-a-1", "a/kms-a-gone"}, names); d != "" {
		t.Errorf("pending versions (-want +got):\n%s", d)
	}

	for _, tt := range []struct {
		name, prefix string
		f            keyrotate.Filter
		want         scan.Tally
		kms          map[string]scan.Tally
	}{
		{"tag pattern", "a/", keyrotate.Filter{Tags: []keyrotate.KV{{Key: "class", Value: "pii*"}}}, scan.Tally{Versions: 1, Bytes: 100}, map[string]scan.Tally{keyA: {1, 100}}},
		{"bare user metadata", "a/", keyrotate.Filter{Metadata: []keyrotate.KV{{Key: "dept", Value: "fin"}}}, scan.Tally{Versions: 1, Bytes: 200}, map[string]scan.Tally{keyB: {1, 200}}},
		{"whole bucket, tag pattern", "", keyrotate.Filter{Tags: []keyrotate.KV{{Key: "class", Value: "pii-?"}}}, scan.Tally{Versions: 2, Bytes: 1100}, map[string]scan.Tally{keyA: {2, 1100}}},
	} {
		r, err := scan.Scan(ctx, c, scan.Scope{Bucket: b, Prefix: tt.prefix, Filter: tt.f}, scan.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if r.InScope != tt.want || !cmp.Equal(r.KMS, tt.kms) {
			t.Errorf("%s: in scope %+v by key %v, want %+v by key %v", tt.name, r.InScope, r.KMS, tt.want, tt.kms)
		}
	}
}

// TestListingShapeLive pins what the pinned MinIO returns in a versioned
// listing with metadata, field by field, for the facts the scanner reads,
// and the ones it cannot read (Expires).
func TestListingShapeLive(t *testing.T) {
	s := teststack.Live(t)
	ctx := liveContext(t)
	c := liveS3(t, s)
	b := versionedBucket(t, s, c)
	key := s.NewKey(t)
	write(t, ctx, c, b,
		put{name: "kms", sse: kmsSSE(t, key), size: 5, tags: map[string]string{"class": "pii 1", "a": "b"}, meta: map[string]string{"dept": "fin"},
			contentType: "image/png", expires: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)},
		put{name: "s3", sse: encrypt.NewSSE(), size: 6},
		put{name: "ssec", sse: ssecSSE(b), size: 7},
		put{name: "plain", size: 8, remove: true},
	)
	got := map[string]minio.ObjectInfo{}
	for o := range c.ListObjectsIter(ctx, b, minio.ListObjectsOptions{WithVersions: true, WithMetadata: true, Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		k := o.Key
		if o.IsDeleteMarker {
			k += "@marker"
		}
		got[k] = o
	}
	type shape struct {
		Size                     int64
		IsLatest, IsDeleteMarker bool
		Tags                     map[string]string
		Meta                     map[string]string
		Expires                  time.Time
		ContentType              string
	}
	shapeOf := func(o minio.ObjectInfo) shape {
		return shape{o.Size, o.IsLatest, o.IsDeleteMarker, o.UserTags, o.UserMetadata, o.Expires, o.ContentType}
	}
	octet := "application/octet-stream"
	want := map[string]shape{
		"kms": {Size: 5, IsLatest: true, Tags: map[string]string{"class": "pii 1", "a": "b"}, Meta: map[string]string{
			"X-Amz-Meta-Dept": "fin", "content-type": "image/png",
			"X-Amz-Server-Side-Encryption": "aws:kms", "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": "arn:aws:kms:" + key,
			// No "expires": the Expires header is not listed.
		}},
		"s3":           {Size: 6, IsLatest: true, Meta: map[string]string{"content-type": octet, "X-Amz-Server-Side-Encryption": "AES256"}},
		"ssec":         {Size: 7, IsLatest: true, Meta: map[string]string{"content-type": octet, "X-Amz-Server-Side-Encryption-Customer-Algorithm": "AES256"}},
		"plain":        {Size: 8, Meta: map[string]string{"content-type": octet}},
		"plain@marker": {IsLatest: true, IsDeleteMarker: true},
	}
	gotShapes := map[string]shape{}
	for k, o := range got {
		gotShapes[k] = shapeOf(o)
		if o.VersionID == "" || o.LastModified.IsZero() {
			t.Errorf("%s: version ID %q, last modified %v", k, o.VersionID, o.LastModified)
		}
	}
	if d := cmp.Diff(want, gotShapes); d != "" {
		t.Errorf("listing (-want +got):\n%s", d)
	}
}
