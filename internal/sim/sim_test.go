package sim_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/sim"
)

// client is a real minio-go client of srv, its region set so that no
// location lookup precedes the first request.
func client(t testing.TB, srv *httptest.Server) *minio.Client {
	c, err := minio.New(strings.TrimPrefix(srv.URL, "http://"), &minio.Options{Creds: credentials.NewStaticV4("sim", "simsimsim", ""), Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSimServesWhatTheListingExpects checks the server against the
// scanner on a small bucket: every version once, in order, with the
// counts the shape implies, serial and parallel.
func TestSimServesWhatTheListingExpects(t *testing.T) {
	const objects = 2503
	s := sim.New(map[string]int{"sim": objects})
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := client(t, srv)
	ctx := context.Background()
	want, err := scan.Scan(ctx, c, scan.Scope{Bucket: "sim"}, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	deleted := int64((objects + sim.DeletedEvery - 1) / sim.DeletedEvery)
	if want.Seen != objects*sim.VersionsPer || want.DeleteMarkers != deleted || want.DeletedObjects != deleted || want.KMS[sim.KeyB].Versions == 0 || want.Tagged == 0 {
		t.Fatalf("serial scan %+v", want)
	}
	got, err := scan.ScanConcurrent(ctx, c, scan.Scope{Bucket: "sim"}, scan.Options{Now: time.Now()}, 8)
	if err != nil {
		t.Fatal(err)
	}
	if got.Seen != want.Seen || got.Tagged != want.Tagged || got.KMS[sim.KeyA] != want.KMS[sim.KeyA] || got.Resurfacing != want.Resurfacing {
		t.Errorf("parallel %+v, serial %+v", got, want)
	}
	for api := range s.Requests() {
		if strings.HasPrefix(api, "other") || api == "NoSuchBucket" {
			t.Errorf("unexpected requests: %v", s.Requests())
		}
	}
	// A page of two entries from a version-id-marker in the middle of
	// an object's versions.
	var names []string
	for o := range c.ListObjectsIter(ctx, "sim", minio.ListObjectsOptions{Prefix: "b/", WithVersions: true, Recursive: true, MaxKeys: 3}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		names = append(names, o.Key)
	}
	if len(names) != objects/4*sim.VersionsPer+sim.VersionsPer || !slices.IsSorted(names) || !strings.HasPrefix(names[0], "b/") {
		t.Errorf("%d names under b/, first %q", len(names), names[0])
	}
}

// BenchmarkScan is one scan.Scan pass over 10^6 versions per op.
func BenchmarkScan(b *testing.B) {
	for _, n := range []int{1, scan.DefaultConcurrency} {
		b.Run(fmt.Sprintf("concurrency=%d", n), func(b *testing.B) {
			srv := httptest.NewServer(sim.New(map[string]int{"sim": 500_000}))
			defer srv.Close()
			c := client(b, srv)
			for b.Loop() {
				if _, err := scan.ScanConcurrent(context.Background(), c, scan.Scope{Bucket: "sim"}, scan.Options{}, n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
