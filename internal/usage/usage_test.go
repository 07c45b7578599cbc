package usage_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/sse"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/usage"
)

func concat(parts ...[]minio.ObjectInfo) []minio.ObjectInfo { return slices.Concat(parts...) }

func names(refs []scan.VersionRef) []string {
	var out []string
	for _, r := range refs {
		out = append(out, r.Name)
	}
	return out
}

// withoutSamples drops the samples, which TestScan checks apart.
func withoutSamples(bs []usage.Bucket) []usage.Bucket {
	out := slices.Clone(bs)
	for i := range out {
		out[i].Samples = nil
	}
	return out
}

// TestScan counts, bucket by bucket, the data versions under the key
// (noncurrent ones too, not delete markers, not other keys, SSE-S3 or
// plaintext) and the bucket defaults naming it, with or without MinIO's
// ARN prefix; reads every bucket once; keeps the first samples.
func TestScan(t *testing.T) {
	const key, other = "k1", "k10"
	f := &fakeClient{buckets: map[string]*fakeBucket{
		"b-objects": {entries: concat(
			[]minio.ObjectInfo{deleteMarker("a"), kmsVersion("a", key, 10), kmsVersion("a", key, 10), kmsVersion("a", other, 5)},
			kmsN("n-", key, 2500, 1),
			[]minio.ObjectInfo{s3Version("s", 7), plainVersion("p", 3)},
		)},
		"a-default": {
			entries:    []minio.ObjectInfo{kmsVersion("x", other, 100), s3Version("y", 1)},
			encryption: sse.NewConfigurationSSEKMS("arn:aws:kms:" + key),
		},
		"c-both": {
			entries:    []minio.ObjectInfo{kmsVersion("z", key, 4)},
			encryption: sse.NewConfigurationSSEKMS(key),
		},
		"d-other-default": {encryption: sse.NewConfigurationSSEKMS(other), entries: kmsN("o-", other, 3, 1)},
		"e-sse-s3":        {encryption: sse.NewConfigurationSSES3(), entries: []minio.ObjectInfo{s3Version("q", 1)}},
		"f-empty":         {},
	}}
	var progress []usage.Progress
	got, err := usage.Scan(context.Background(), f, key, usage.Options{Progress: func(p usage.Progress) { progress = append(progress, p) }})
	if err != nil {
		t.Fatal(err)
	}
	want := []usage.Bucket{
		{Name: "a-default", DefaultNamesKey: true},
		{Name: "b-objects", Versions: 2502, Bytes: 2520},
		{Name: "c-both", Versions: 1, Bytes: 4, DefaultNamesKey: true},
	}
	if d := cmp.Diff(want, withoutSamples(got.Buckets)); d != "" {
		t.Errorf("buckets (-want +got):\n%s", d)
	}
	if got.Key != key || got.Versions != 2503 || got.Bytes != 2524 || got.BucketsScanned != 6 || got.VersionsSeen != 2513 || got.ServerDefault {
		t.Errorf("report %+v: want key %s, 2503 versions, 2524 bytes, 6 buckets scanned, 2513 entries seen, not the server default", got, key)
	}
	if !got.InUse() || got.DefaultBuckets() != 2 {
		t.Errorf("InUse %v, DefaultBuckets %d: want true, 2", got.InUse(), got.DefaultBuckets())
	}
	if d := cmp.Diff([]string{"a", "a", "n-0000"}, names(got.Buckets[1].Samples)); d != "" {
		t.Errorf("samples of b-objects (-want +got):\n%s", d)
	}
	for _, s := range got.Buckets[1].Samples {
		if s.VersionID == "" || s.KMSKey != key {
			t.Errorf("sample %+v: want a version ID and key %s", s, key)
		}
	}
	// One request for the bucket list, then two per bucket, in name order.
	wantCalls := []string{"ListBuckets"}
	for _, b := range []string{"a-default", "b-objects", "c-both", "d-other-default", "e-sse-s3", "f-empty"} {
		wantCalls = append(wantCalls, "GetBucketEncryption "+b, "ListObjects "+b+` versions=true metadata=true recursive=true prefix=""`)
	}
	if d := cmp.Diff(wantCalls, f.calls); d != "" {
		t.Errorf("requests (-want +got):\n%s", d)
	}
	// Progress: after every bucket, and every 1,000 entries inside one.
	wantProgress := []usage.Progress{
		{1, 6, "a-default", 2},
		{1, 6, "b-objects", 1002}, {1, 6, "b-objects", 2002},
		{2, 6, "b-objects", 2508},
		{3, 6, "c-both", 2509}, {4, 6, "d-other-default", 2512}, {5, 6, "e-sse-s3", 2513}, {6, 6, "f-empty", 2513},
	}
	if d := cmp.Diff(wantProgress, progress); d != "" {
		t.Errorf("progress (-want +got):\n%s", d)
	}
}

func TestScanSamples(t *testing.T) {
	f := &fakeClient{buckets: map[string]*fakeBucket{"b": {entries: kmsN("o-", "k", 20, 1)}}}
	got, err := usage.Scan(context.Background(), f, "k", usage.Options{Samples: 5})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"o-0000", "o-0001", "o-0002", "o-0003", "o-0004"}, names(got.Buckets[0].Samples)); d != "" {
		t.Errorf("samples (-want +got):\n%s", d)
	}
}

// TestScanUnused: a key nothing depends on gives an empty report, still
// counting what was scanned.
func TestScanUnused(t *testing.T) {
	f := &fakeClient{buckets: map[string]*fakeBucket{
		"b": {entries: kmsN("o-", "other", 3, 1), encryption: sse.NewConfigurationSSES3()},
		"c": {},
	}}
	got, err := usage.Scan(context.Background(), f, "k", usage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got.InUse() || len(got.Buckets) != 0 || got.BucketsScanned != 2 || got.VersionsSeen != 3 {
		t.Errorf("report %+v: want not in use, no buckets, 2 scanned, 3 entries seen", got)
	}
}

// TestScanServerDefault: the key MinIO seals SSE-S3 objects under is in
// use, whatever the listing shows.
func TestScanServerDefault(t *testing.T) {
	f := &fakeClient{buckets: map[string]*fakeBucket{"b": {}}}
	got, err := usage.Scan(context.Background(), f, "minio-default-key", usage.Options{ServerDefaultKey: "minio-default-key"})
	if err != nil {
		t.Fatal(err)
	}
	if !got.ServerDefault || !got.InUse() || len(got.Buckets) != 0 {
		t.Errorf("report %+v: want the server default, in use, no bucket", got)
	}
	got, _ = usage.Scan(context.Background(), f, "k", usage.Options{ServerDefaultKey: "minio-default-key"})
	if got.ServerDefault || got.InUse() {
		t.Errorf("report %+v: another key is not the server default", got)
	}
}

// TestScanFailures: every failure stops the scan with an *Error naming
// where and what, keeping what was found before; never a report that
// looks complete.
func TestScanFailures(t *testing.T) {
	denied := errResponse("AccessDenied", 403)
	broken := errors.New("connection reset")
	for _, tt := range []struct {
		name     string
		f        *fakeClient
		want     usage.Error
		found    int // buckets in use found before the failure
		scanned  int
		wantText string
	}{
		{
			name:     "bucket list refused",
			f:        &fakeClient{listErr: denied},
			want:     usage.Error{Doing: "listing the buckets", Err: denied},
			wantText: "listing the buckets: AccessDenied",
		},
		{
			name: "versions refused",
			f: &fakeClient{buckets: map[string]*fakeBucket{
				"a": {entries: kmsN("o-", "k", 2, 1)},
				"b": {entries: kmsN("o-", "k", 2, 1), failAt: 1, listErr: denied},
				"c": {entries: kmsN("o-", "k", 2, 1)},
			}},
			want:     usage.Error{Bucket: "b", Doing: "listing the versions", BucketsDone: 1, BucketsTotal: 3, Err: denied},
			found:    1,
			scanned:  1,
			wantText: `bucket "b" (1 of 3 buckets scanned): listing the versions: listing the versions under bucket "b": AccessDenied`,
		},
		{
			name: "listing breaks on a later page",
			f: &fakeClient{buckets: map[string]*fakeBucket{
				"a": {entries: kmsN("o-", "k", 1500, 1), failAt: 1200, listErr: broken},
			}},
			want:     usage.Error{Bucket: "a", Doing: "listing the versions", BucketsDone: 0, BucketsTotal: 1, Err: broken},
			wantText: `bucket "a" (0 of 1 buckets scanned): listing the versions: listing the versions under bucket "a": connection reset`,
		},
		{
			name: "default encryption refused",
			f: &fakeClient{buckets: map[string]*fakeBucket{
				"a": {encErr: denied},
			}},
			want:     usage.Error{Bucket: "a", Doing: "reading the default encryption", BucketsTotal: 1, Err: denied},
			wantText: `bucket "a" (0 of 1 buckets scanned): reading the default encryption: AccessDenied`,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := usage.Scan(context.Background(), tt.f, "k", usage.Options{})
			var ue *usage.Error
			if !errors.As(err, &ue) {
				t.Fatalf("error %v (%T), want a *usage.Error", err, err)
			}
			if !errors.Is(err, tt.want.Err) {
				t.Errorf("error %v does not wrap %v", err, tt.want.Err)
			}
			gotE := *ue
			gotE.Err, tt.want.Err = nil, nil
			if gotE != tt.want {
				t.Errorf("error %+v, want %+v", gotE, tt.want)
			}
			if err.Error() != tt.wantText {
				t.Errorf("error text\n %s\nwant\n %s", err, tt.wantText)
			}
			if len(got.Buckets) != tt.found || got.BucketsScanned != tt.scanned {
				t.Errorf("partial report %+v: want %d buckets found, %d scanned", got, tt.found, tt.scanned)
			}
		})
	}
}

// TestScanContext: running out of time between two listing pages (when
// minio-go's iterator ends without an error) or between two buckets fails
// with the context's error, never with a report that looks complete.
func TestScanContext(t *testing.T) {
	for _, tt := range []struct {
		name    string
		bucket  string
		page    int
		scanned int
		want    string
	}{
		{"between pages", "a", 1, 0, `bucket "a" (0 of 2 buckets scanned): listing the versions: context canceled`},
		{"between buckets", "b", 0, 1, `bucket "b" (1 of 2 buckets scanned): reading the default encryption: context canceled`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			f := &fakeClient{buckets: map[string]*fakeBucket{
				"a": {entries: kmsN("o-", "k", 1500, 1)},
				"b": {entries: kmsN("o-", "k", 10, 1)},
			}}
			stop := func(bucket string, page int) {
				if bucket == tt.bucket && page == tt.page {
					cancel()
				}
			}
			f.onPage = stop
			got, err := usage.Scan(ctx, &ctxClient{fakeClient: f, before: stop}, "k", usage.Options{})
			if !errors.Is(err, context.Canceled) || err.Error() != tt.want {
				t.Fatalf("error %v, want %s", err, tt.want)
			}
			if got.BucketsScanned != tt.scanned {
				t.Errorf("partial report %+v: want %d buckets scanned", got, tt.scanned)
			}
		})
	}
}

// ctxClient makes GetBucketEncryption answer with the context's error, as
// an HTTP client does, and lets a test end the context before a bucket.
type ctxClient struct {
	*fakeClient
	before func(bucket string, page int)
}

func (c *ctxClient) GetBucketEncryption(ctx context.Context, bucket string) (*sse.Configuration, error) {
	c.before(bucket, 0)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.fakeClient.GetBucketEncryption(ctx, bucket)
}

// TestScanBucketDeletedMeanwhile: a bucket listed by ListBuckets and gone
// when scanned held nothing that can still be lost.
func TestScanBucketDeletedMeanwhile(t *testing.T) {
	f := &fakeClient{buckets: map[string]*fakeBucket{
		"a": {encErr: errResponse("NoSuchBucket", 404)},
		"b": {entries: kmsN("o-", "k", 1, 1), failAt: 1, listErr: errResponse("NoSuchBucket", 404)},
		"c": {entries: kmsN("o-", "k", 1, 1)},
	}}
	got, err := usage.Scan(context.Background(), f, "k", usage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]usage.Bucket{{Name: "c", Versions: 1, Bytes: 1}}, withoutSamples(got.Buckets)); d != "" || got.BucketsScanned != 3 {
		t.Errorf("buckets (-want +got):\n%s\nscanned %d, want 3", d, got.BucketsScanned)
	}
}

func TestServerDefaultKey(t *testing.T) {
	for _, id := range []string{"minio-default-key", "arn:aws:kms:minio-default-key"} {
		got, err := usage.ServerDefaultKey(context.Background(), fakeKMS{status: madmin.KMSStatus{DefaultKeyID: id}})
		if err != nil || got != "minio-default-key" {
			t.Errorf("ServerDefaultKey with %q = %q, %v; want minio-default-key", id, got, err)
		}
	}
	got, err := usage.ServerDefaultKey(context.Background(), fakeKMS{err: madmin.ErrorResponse{Code: "XMinioKMSNotConfigured"}})
	if err != nil || got != "" {
		t.Errorf("ServerDefaultKey without a KMS = %q, %v; want none", got, err)
	}
	denied := errors.New("access denied")
	if _, err := usage.ServerDefaultKey(context.Background(), fakeKMS{err: denied}); !errors.Is(err, denied) {
		t.Errorf("error %v, want it to wrap %v", err, denied)
	}
}

func TestKeysInUse(t *testing.T) {
	f := &fakeClient{buckets: map[string]*fakeBucket{
		"a": {entries: []minio.ObjectInfo{kmsVersion("x", "k-objects", 1), deleteMarker("x"), s3Version("s", 1)}},
		"b": {encryption: sse.NewConfigurationSSEKMS("arn:aws:kms:k-default")},
		"c": {encryption: sse.NewConfigurationSSES3(), entries: []minio.ObjectInfo{plainVersion("p", 1)}},
	}}
	got, err := usage.KeysInUse(context.Background(), f, "k-server")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]bool{"k-objects": true, "k-default": true, "k-server": true}, got); d != "" {
		t.Errorf("keys in use (-want +got):\n%s", d)
	}
	f.buckets["a"].failAt, f.buckets["a"].listErr = 1, errResponse("AccessDenied", 403)
	if _, err := usage.KeysInUse(context.Background(), f, ""); err == nil || !strings.Contains(err.Error(), `"a"`) || !strings.Contains(err.Error(), "0 of 3") {
		t.Errorf("a bucket whose listing fails: err %v, want it named, with the buckets done", err)
	}
}
