package preserve_test

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

	"github.com/minio-keyrotate/terraform-provider-minio/internal/preserve"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// BenchmarkTakeMemory measures the heap preserve.Take holds while it
// records 100,000 and 1,000,000 listing entries from an in-process lister
// that makes up each entry as it is asked for it (no server, nothing
// stored), with the default memory budget (8 MiB, then the records spill
// to a file in b.TempDir()): the heap live after a forced GC, sampled every
// 1,000 entries (one listing page) and once more with the snapshot held,
// peak minus the heap before Take. Flat across the two counts means
// bounded. ns/op includes the forced GCs.
//
// Shapes: "tagged" is one SSE-KMS version per object with two short tags
// (every entry recorded); "deleted" is a delete marker on two SSE-KMS
// versions (every object recorded); "untagged" is one untagged SSE-KMS
// version per object (nothing recorded: the listing alone).
func BenchmarkTakeMemory(b *testing.B) {
	for _, shape := range []string{"tagged", "deleted", "untagged"} {
		for _, n := range []int{100_000, 1_000_000} {
			b.Run(fmt.Sprintf("%s/versions=%d", shape, n), func(b *testing.B) {
				b.ReportAllocs()
				var peak heapPeak
				l := &genLister{shape: shape, n: n, every: 1000, sample: peak.sample}
				dir := b.TempDir()
				var spilled bool
				for b.Loop() {
					peak.start()
					s, err := preserve.Take(context.Background(), l, scan.Scope{Bucket: "bkt"}, preserve.Options{Dir: dir})
					if err != nil {
						b.Fatal(err)
					}
					peak.sample() // the snapshot held
					spilled = s.Spilled()
					if want := l.recorded(); s.Tagged+s.Deleted != want {
						b.Fatalf("recorded %d tagged versions and %d deleted objects, want %d in all", s.Tagged, s.Deleted, want)
					}
					runtime.KeepAlive(s)
					if err := s.Close(); err != nil {
						b.Fatal(err)
					}
				}
				peak.report(b)
				if spilled {
					b.ReportMetric(1, "spilled")
				} else {
					b.ReportMetric(0, "spilled")
				}
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

// genLister lists n entries of one shape, as the pinned MinIO lists them
// with versions and metadata, made up one at a time. Version IDs are
// random UUIDs and ETags random, as MinIO's are. Every `every` entries it
// calls sample before yielding.
type genLister struct {
	shape    string
	n, every int
	sample   func()
}

// recorded is how many tagged versions plus deleted objects Take records
// from the whole listing.
func (g *genLister) recorded() int64 {
	switch g.shape {
	case "tagged":
		return int64(g.n)
	case "deleted":
		// A last object cut short after its marker has no version to
		// resurface.
		n := int64(g.n / 3)
		if g.n%3 == 2 {
			n++
		}
		return n
	}
	return 0
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
		version := func(name string, latest bool) minio.ObjectInfo {
			return minio.ObjectInfo{
				Key: name, VersionID: uuid(rng), IsLatest: latest, LastModified: mod, Size: 64,
				ETag: fmt.Sprintf("%016x%016x", rng.Uint64(), rng.Uint64()), StorageClass: "STANDARD",
				UserMetadata: map[string]string{
					"content-type":                                "application/octet-stream",
					"X-Amz-Server-Side-Encryption":                "aws:kms",
					"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": "arn:aws:kms:old",
				},
			}
		}
		for obj := 0; i < g.n; obj++ {
			name := fmt.Sprintf("data/2026/11/object-%07d", obj)
			switch g.shape {
			case "tagged":
				o := version(name, true)
				o.UserTags = minio.URLMap{"obj": strconv.Itoa(obj % 10000), "class": "public"}
				if !emit(o) {
					return
				}
			case "deleted":
				if !emit(minio.ObjectInfo{Key: name, VersionID: uuid(rng), IsLatest: true, IsDeleteMarker: true, LastModified: mod}) {
					return
				}
				for range 2 {
					if !emit(version(name, false)) {
						return
					}
				}
			default:
				if !emit(version(name, true)) {
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
