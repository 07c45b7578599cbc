package scan_test

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// Memory benchmark for BENCHMARKS.md (`make bench` runs it): the heap
// the scanner holds over a million versions.

// BenchmarkScanMemory measures the heap scan.Scan holds while it scans
// 100,000 and 1,000,000 versions from an in-process lister that makes up
// each entry as it is asked for it (no server, nothing stored): the heap
// live after a forced GC, sampled every 1,000 entries (one listing page),
// peak minus the heap before the scan. Flat across the two counts means
// bounded. ns/op includes the forced GCs. "lister" consumes the made-up
// entries only and "walk" runs scan.Walk with a function doing nothing, so
// that B/op of "scan" minus theirs is what Walk and Scan allocate.
func BenchmarkScanMemory(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		for _, mode := range []string{"lister", "walk", "scan"} {
			b.Run(fmt.Sprintf("%s/versions=%d", mode, n), func(b *testing.B) {
				b.ReportAllocs()
				var peak heapPeak
				l := &genLister{n: n, every: 1000, sample: peak.sample}
				ctx := context.Background()
				for b.Loop() {
					peak.start()
					seen := 0
					switch mode {
					case "lister":
						for range l.ListObjectsIter(ctx, "b", minio.ListObjectsOptions{}) {
							seen++
						}
					case "walk":
						if err := scan.Walk(ctx, l, "b", "", func(scan.Version) error { seen++; return nil }); err != nil {
							b.Fatal(err)
						}
					default:
						r, err := scan.Scan(ctx, l, scan.Scope{Bucket: "b"}, scan.Options{})
						if err != nil {
							b.Fatal(err)
						}
						peak.sample() // the result held
						seen = int(r.Seen)
						runtime.KeepAlive(r)
					}
					if seen != n {
						b.Fatalf("saw %d entries, want %d", seen, n)
					}
				}
				peak.report(b)
			})
		}
	}
}

// heapPeak tracks the live heap above a baseline.
type heapPeak struct {
	baseAlloc, baseInuse uint64
	maxAlloc, maxInuse   uint64
}

func gcStats() runtime.MemStats {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m
}

func (p *heapPeak) start() {
	m := gcStats()
	p.baseAlloc, p.baseInuse = m.HeapAlloc, m.HeapInuse
	p.maxAlloc, p.maxInuse = m.HeapAlloc, m.HeapInuse
}

func (p *heapPeak) sample() {
	m := gcStats()
	p.maxAlloc, p.maxInuse = max(p.maxAlloc, m.HeapAlloc), max(p.maxInuse, m.HeapInuse)
}

// report gives the peak of the last iteration.
func (p *heapPeak) report(b *testing.B) {
	b.ReportMetric(float64(p.maxAlloc)-float64(p.baseAlloc), "peak-live-B")
	b.ReportMetric(float64(p.maxInuse)-float64(p.baseInuse), "peak-inuse-B")
}

// genLister lists n entries shaped as the pinned MinIO lists them, made
// up one at a time: objects of two SSE-KMS versions (three keys in turn,
// the latest tagged, user metadata on both); every tenth object deleted
// (a delete marker on top). Version IDs are random UUIDs. Every `every`
// entries it calls sample before yielding.
type genLister struct {
	n, every int
	sample   func()
}

func (g *genLister) ListObjectsIter(ctx context.Context, bucket string, opts minio.ListObjectsOptions) iter.Seq[minio.ObjectInfo] {
	return func(yield func(minio.ObjectInfo) bool) {
		rng := rand.New(rand.NewPCG(1, 2))
		mod := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
		i := 0
		emit := func(o minio.ObjectInfo) bool {
			if i >= g.n || ctx.Err() != nil {
				return false
			}
			if g.sample != nil && g.every > 0 && i > 0 && i%g.every == 0 {
				g.sample()
			}
			i++
			return yield(o)
		}
		for obj := 0; i < g.n; obj++ {
			name := fmt.Sprintf("data/2026/11/object-%07d", obj)
			if obj%10 == 0 {
				if !emit(minio.ObjectInfo{Key: name, VersionID: uuid(rng), IsLatest: true, IsDeleteMarker: true, LastModified: mod}) {
					return
				}
			}
			for v := range 2 {
				o := minio.ObjectInfo{
					Key: name, VersionID: uuid(rng), IsLatest: v == 0 && obj%10 != 0, LastModified: mod, Size: 1024,
					ETag: fmt.Sprintf("%016x%016x", rng.Uint64(), rng.Uint64()), StorageClass: "STANDARD",
					UserMetadata: map[string]string{
						"content-type":                                "application/octet-stream",
						"X-Amz-Meta-Dept":                             "hr",
						"X-Amz-Server-Side-Encryption":                "aws:kms",
						"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": "arn:aws:kms:key-" + strconv.Itoa(obj%3),
					},
				}
				if v == 0 {
					o.UserTags = minio.URLMap{"class": "public", "obj": strconv.Itoa(obj % 10000)}
				}
				if !emit(o) {
					return
				}
			}
		}
	}
}

func uuid(r *rand.Rand) string {
	a, b := r.Uint64(), r.Uint64()
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, a>>16&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}
