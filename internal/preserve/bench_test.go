package preserve

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// Shapes of objects the benchmarks record: one tagged version with two
// short tags, or a deleted object of three untagged versions.
var shapes = map[string]func(b *fakeBucket, name string){
	"tagged": func(b *fakeBucket, name string) {
		b.put(name, "kms", "old", "obj", name[len(name)-4:], "class", "public")
	},
	"deleted": func(b *fakeBucket, name string) {
		for range 3 {
			b.put(name, "kms", "old")
		}
		b.remove(name)
	},
}

func shaped(shape string, n int) *fakeBucket {
	b := newFakeBucket()
	for i := range n {
		shapes[shape](b, fmt.Sprintf("data/2026/11/object-%06d", i))
	}
	return b
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkSnapshotMemory measures the heap a snapshot holds: per record
// when all stay in memory, against the estimate the budget counts; and in
// all when 100,000 records exceed the default budget and spill.
func BenchmarkSnapshotMemory(b *testing.B) {
	for _, shape := range []string{"tagged", "deleted"} {
		for _, tt := range []struct {
			name   string
			n      int
			budget int64
		}{
			{"in memory", 20000, 1 << 40},
			{"spilled", 100000, 0},
		} {
			b.Run(shape+"/"+tt.name, func(b *testing.B) {
				bucket := shaped(shape, tt.n)
				dir := b.TempDir()
				for b.Loop() {
					base := heapInUse()
					s, err := Take(context.Background(), bucket, scan.Scope{Bucket: "bkt"}, Options{MemoryBudget: tt.budget, Dir: dir})
					if err != nil {
						b.Fatal(err)
					}
					held := float64(heapInUse()) - float64(base)
					if s.Spilled() != (tt.budget == 0) {
						b.Fatalf("spilled %v", s.Spilled())
					}
					b.ReportMetric(held, "heap-B")
					b.ReportMetric(held/float64(tt.n), "heap-B/record")
					if !s.Spilled() {
						b.ReportMetric(float64(s.st.memBytes)/float64(tt.n), "estimate-B/record")
					}
					runtime.KeepAlive(s)
					s.Close()
				}
			})
		}
	}
}

// BenchmarkMarshalSize measures the marshaled size per record, which the
// provider keeps in Terraform's private state.
func BenchmarkMarshalSize(b *testing.B) {
	for _, shape := range []string{"tagged", "deleted"} {
		b.Run(shape, func(b *testing.B) {
			const n = 10000
			s, err := Take(context.Background(), shaped(shape, n), scan.Scope{Bucket: "bkt"}, Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			for b.Loop() {
				data, err := s.Marshal()
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(len(data))/n, "B/record")
			}
		})
	}
}
