package usage_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/encrypt"
	"github.com/minio/minio-go/v7/pkg/sse"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/usage"
)

func liveContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// countingTransport counts requests by kind: "ListBuckets",
// "GetBucketEncryption", "ListObjectVersions", else method and query.
type countingTransport struct {
	next http.RoundTripper
	n    map[string]*atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	q := r.URL.Query()
	kind := r.Method + " " + r.URL.RawQuery
	switch {
	case r.URL.Path == "/" && r.Method == http.MethodGet:
		kind = "ListBuckets"
	case q.Has("encryption"):
		kind = "GetBucketEncryption"
	case q.Has("versions"):
		kind = "ListObjectVersions"
	case q.Has("location"):
		kind = "GetBucketLocation"
	}
	if c.n[kind] == nil {
		c.n[kind] = &atomic.Int64{}
	}
	c.n[kind].Add(1)
	return c.next.RoundTrip(r)
}

// client is an S3 client of the stack with the given credentials,
// counting its requests into counts when not nil.
func client(t *testing.T, s *teststack.Stack, access, secret string, counts *countingTransport) *minio.Client {
	t.Helper()
	cfg, err := s.TLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = cfg
	var rt http.RoundTripper = tr
	if counts != nil {
		counts.next, counts.n = tr, map[string]*atomic.Int64{}
		rt = counts
	}
	c, err := minio.New(s.MinIOEndpoint, &minio.Options{Creds: credentials.NewStaticV4(access, secret, ""), Secure: s.MinIOTLS, Transport: rt})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func root(t *testing.T, s *teststack.Stack) *minio.Client {
	t.Helper()
	return client(t, s, s.AccessKey, s.SecretKey, nil)
}

func putObject(t *testing.T, ctx context.Context, c *minio.Client, bucket, name string, size int, sse encrypt.ServerSide) {
	t.Helper()
	data := make([]byte, size)
	rand.Read(data)
	if _, err := c.PutObject(ctx, bucket, name, bytes.NewReader(data), int64(size), minio.PutObjectOptions{ServerSideEncryption: sse}); err != nil {
		t.Fatalf("writing %s/%s: %v", bucket, name, err)
	}
}

func kms(t *testing.T, key string) encrypt.ServerSide {
	t.Helper()
	s, err := encrypt.NewSSEKMS(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestScanLive: a key used by versions (two of one object, under a delete
// marker now) in one bucket and as the default of another, where an
// object written without encryption lands under it; a third bucket uses
// another key, by object and default. The report names the two buckets
// with their exact counts; MinIO's default key is recognized.
func TestScanLive(t *testing.T) {
	s := teststack.Live(t)
	ctx := liveContext(t)
	c := root(t, s)
	key, other := s.NewKey(t), s.NewKey(t)

	objects := s.NewBucket(t)
	if err := c.EnableVersioning(ctx, objects); err != nil {
		t.Fatal(err)
	}
	putObject(t, ctx, c, objects, "doc", 100, kms(t, key))
	putObject(t, ctx, c, objects, "doc", 150, kms(t, key))
	if err := c.RemoveObject(ctx, objects, "doc", minio.RemoveObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	putObject(t, ctx, c, objects, "other", 10, kms(t, other))
	putObject(t, ctx, c, objects, "s3", 10, encrypt.NewSSE())
	putObject(t, ctx, c, objects, "plain", 10, nil)

	byDefault := s.NewBucket(t)
	if err := c.SetBucketEncryption(ctx, byDefault, sse.NewConfigurationSSEKMS(key)); err != nil {
		t.Fatal(err)
	}
	putObject(t, ctx, c, byDefault, "late", 30, nil) // sealed under key by the default

	elsewhere := s.NewBucket(t)
	if err := c.SetBucketEncryption(ctx, elsewhere, sse.NewConfigurationSSEKMS(other)); err != nil {
		t.Fatal(err)
	}
	putObject(t, ctx, c, elsewhere, "x", 10, nil)
	putObject(t, ctx, c, elsewhere, "y", 10, kms(t, other))

	adm, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	def, err := usage.ServerDefaultKey(ctx, adm)
	if err != nil || def != s.DefaultKey {
		t.Fatalf("ServerDefaultKey = %q, %v; want %s", def, err, s.DefaultKey)
	}

	var last usage.Progress
	got, err := usage.Scan(ctx, c, key, usage.Options{ServerDefaultKey: def, Progress: func(p usage.Progress) { last = p }})
	if err != nil {
		t.Fatal(err)
	}
	want := []usage.Bucket{
		{Name: objects, Versions: 2, Bytes: 250},
		{Name: byDefault, Versions: 1, Bytes: 30, DefaultNamesKey: true},
	}
	if byDefault < objects {
		want[0], want[1] = want[1], want[0]
	}
	if d := cmp.Diff(want, withoutSamples(got.Buckets)); d != "" {
		t.Errorf("buckets (-want +got):\n%s", d)
	}
	if got.Versions != 3 || got.Bytes != 280 || got.ServerDefault || got.BucketsScanned < 3 || got.VersionsSeen < 9 {
		t.Errorf("report %+v: want 3 versions, 280 bytes, not the server default, at least 3 buckets and 9 entries", got)
	}
	for _, b := range got.Buckets {
		for _, smp := range b.Samples {
			if smp.VersionID == "" || smp.KMSKey != key {
				t.Errorf("sample %+v in %s: want a version ID and key %s", smp, b.Name, key)
			}
		}
	}
	if last.BucketsDone != got.BucketsScanned || last.BucketsTotal != got.BucketsScanned || last.VersionsSeen != got.VersionsSeen {
		t.Errorf("last progress %+v, want every bucket done and %d entries", last, got.VersionsSeen)
	}

	// The server's default key is in use whatever the listing shows.
	got, err = usage.Scan(ctx, c, s.DefaultKey, usage.Options{ServerDefaultKey: def})
	if err != nil || !got.ServerDefault || !got.InUse() {
		t.Errorf("scan of MinIO's default key: %+v, %v; want ServerDefault", got, err)
	}
}

// TestScanLiveCannotRead: credentials that list every bucket but may list
// the versions of only one make the scan fail on another bucket, naming
// it, instead of reporting the key unused.
func TestScanLiveCannotRead(t *testing.T) {
	s := teststack.Live(t)
	ctx := liveContext(t)
	c := root(t, s)
	readable := s.NewBucket(t)
	s.NewBucket(t) // at least one bucket it may not read
	adm, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	user, secret, policy := teststack.RandomName("u-"), teststack.RandomName("secret-"), teststack.RandomName("p-")
	doc := fmt.Sprintf(`{"Version":"2012-10-17","Statement":[
{"Effect":"Allow","Action":["s3:ListAllMyBuckets","s3:GetBucketLocation","s3:GetEncryptionConfiguration"],"Resource":["arn:aws:s3:::*"]},
{"Effect":"Allow","Action":["s3:ListBucket","s3:ListBucketVersions"],"Resource":["arn:aws:s3:::%s"]}]}`, readable)
	if err := adm.AddCannedPolicy(ctx, policy, []byte(doc)); err != nil {
		t.Fatal(err)
	}
	if err := adm.AddUser(ctx, user, secret); err != nil {
		t.Fatal(err)
	}
	if _, err := adm.AttachPolicy(ctx, madmin.PolicyAssociationReq{Policies: []string{policy}, User: user}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := adm.RemoveUser(context.Background(), user); err != nil {
			t.Errorf("removing user %s: %v", user, err)
		}
		if err := adm.RemoveCannedPolicy(context.Background(), policy); err != nil {
			t.Errorf("removing policy %s: %v", policy, err)
		}
	})
	limited := client(t, s, user, secret, nil)

	_, err = usage.Scan(ctx, limited, s.NewKey(t), usage.Options{})
	var ue *usage.Error
	if !errors.As(err, &ue) {
		t.Fatalf("error %v (%T), want a *usage.Error", err, err)
	}
	var er minio.ErrorResponse
	if ue.Bucket == "" || ue.Bucket == readable || ue.Doing != "listing the versions" || !errors.As(err, &er) || er.Code != "AccessDenied" {
		t.Errorf("error %v: want AccessDenied listing the versions of a bucket other than %s", err, readable)
	}
	if _, err := c.BucketExists(ctx, ue.Bucket); err != nil {
		t.Errorf("the bucket named, %s: %v", ue.Bucket, err)
	}
}

// TestScanLiveCost measures what a scan costs: requests by kind and time,
// over a bucket of 2,500 versions among the stack's other buckets.
func TestScanLiveCost(t *testing.T) {
	s := teststack.Live(t)
	ctx := liveContext(t)
	c := root(t, s)
	key := s.NewKey(t)
	big := s.NewBucket(t)
	began := time.Now()
	if err := inventory.Put(ctx, c, inventory.Seed{Bucket: big, Names: inventory.Names("o-", 2500), KMSKey: key, Size: 16}); err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded 2500 SSE-KMS objects in %s", time.Since(began).Round(time.Millisecond))

	counts := &countingTransport{}
	cc := client(t, s, s.AccessKey, s.SecretKey, counts)
	began = time.Now()
	got, err := usage.Scan(ctx, cc, key, usage.Options{})
	took := time.Since(began)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Buckets) != 1 || got.Buckets[0].Versions != 2500 || got.Bytes != 2500*16 {
		t.Fatalf("report %+v: want 2500 versions of 16 bytes in %s", got, big)
	}
	var kinds []string
	for k, n := range counts.n {
		kinds = append(kinds, fmt.Sprintf("%s=%d", k, n.Load()))
	}
	t.Logf("scan of %d buckets, %d listing entries: %s, requests %s", got.BucketsScanned, got.VersionsSeen, took.Round(time.Millisecond), strings.Join(kinds, " "))
	b := int64(got.BucketsScanned)
	if n := counts.n["ListBuckets"].Load(); n != 1 {
		t.Errorf("%d ListBuckets requests, want 1", n)
	}
	if n := counts.n["GetBucketEncryption"].Load(); n != b {
		t.Errorf("%d GetBucketEncryption requests, want one per bucket (%d)", n, b)
	}
	// Every bucket takes at least one page; the big one three.
	if n := counts.n["ListObjectVersions"].Load(); n < b+2 || n > b+2+got.VersionsSeen/1000 {
		t.Errorf("%d ListObjectVersions requests for %d buckets and %d entries, want about one per 1,000 entries per bucket", n, b, got.VersionsSeen)
	}
}
