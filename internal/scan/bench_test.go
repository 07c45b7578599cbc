package scan_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// BenchmarkScan measures the scanner's own cost per listed version (no
// network): reading the entry, matching the filter, counting.
func BenchmarkScan(b *testing.B) {
	entries := make([]minio.ObjectInfo, 10000)
	for i := range entries {
		e := kmsVersion(fmt.Sprintf("o%05d", i/2), fmt.Sprintf("key-%d", i%3), 1024)
		if i%2 == 0 {
			e = latest(withTags(e, "class", "public"))
		}
		entries[i] = withMeta(e, "X-Amz-Meta-Dept", "hr")
	}
	filters := map[string]keyrotate.Filter{
		"none":     {},
		"tags":     {Tags: []keyrotate.KV{{Key: "class", Value: "pii*"}}},
		"metadata": {Metadata: []keyrotate.KV{{Key: "dept", Value: "fin*"}}},
	}
	for name, f := range filters {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			l := &fakeLister{entries: entries}
			for b.Loop() {
				if _, err := scan.Scan(context.Background(), l, scan.Scope{Bucket: "b", Filter: f}, scan.Options{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*len(entries))/b.Elapsed().Seconds(), "versions/s")
		})
	}
}

// BenchmarkScanLive measures a scan of 2,000 SSE-KMS objects on the live
// stack (TF_ACC=1), listing included.
func BenchmarkScanLive(b *testing.B) {
	s := teststack.Live(b)
	c, err := s.S3(0)
	if err != nil {
		b.Fatal(err)
	}
	bucket, key := s.NewBucket(b), s.NewKey(b)
	const n = 2000
	ctx := context.Background()
	if err := inventory.Put(ctx, c, inventory.Seed{Bucket: bucket, Names: inventory.Names("o", n), KMSKey: key, Size: 64, Tags: map[string]string{"class": "public"}}); err != nil {
		b.Fatal(err)
	}
	f := keyrotate.Filter{Tags: []keyrotate.KV{{Key: "class", Value: "pii*"}}}
	for b.Loop() {
		r, err := scan.Scan(ctx, c, scan.Scope{Bucket: bucket, Filter: f}, scan.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if r.Seen != n {
			b.Fatalf("saw %d versions, want %d", r.Seen, n)
		}
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "versions/s")
}
