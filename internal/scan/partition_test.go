package scan_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// rangeLister is a listing as S3 serves it to many clients at once: sorted
// by key (versions newest first), a key-marker (StartAfter) skipping every
// key up to and including it, pages of pageSize entries with the context
// checked between them, and a count of listings started.
type rangeLister struct {
	entries  []minio.ObjectInfo
	pageSize int
	listings atomic.Int64
}

func newRangeLister(entries []minio.ObjectInfo, pageSize int) *rangeLister {
	// Stable: the versions of a key keep their (newest first) order.
	slices.SortStableFunc(entries, func(a, b minio.ObjectInfo) int { return strings.Compare(a.Key, b.Key) })
	return &rangeLister{entries: entries, pageSize: pageSize}
}

func (f *rangeLister) ListObjectsIter(ctx context.Context, bucket string, opts minio.ListObjectsOptions) iter.Seq[minio.ObjectInfo] {
	f.listings.Add(1)
	return func(yield func(minio.ObjectInfo) bool) {
		start, _ := slices.BinarySearchFunc(f.entries, opts.StartAfter, func(e minio.ObjectInfo, k string) int {
			if e.Key <= k {
				return -1
			}
			return 1
		})
		if opts.StartAfter == "" {
			start = 0
		}
		for i, e := range f.entries[start:] {
			if i%f.pageSize == 0 && ctx.Err() != nil {
				return
			}
			if !strings.HasPrefix(e.Key, opts.Prefix) {
				if e.Key > opts.Prefix {
					return
				}
				continue
			}
			if !yield(e) {
				return
			}
		}
	}
}

// shapes are listings that a parallel pass must see exactly as a serial
// one does.
func shapes() map[string][]minio.ObjectInfo {
	many := func(names func(i int) string, n int) []minio.ObjectInfo {
		var out []minio.ObjectInfo
		for i := range n {
			name := names(i)
			switch i % 7 {
			case 0: // deleted, with an older version under the key
				out = append(out, latest(deleteMarker(name)), withTags(kmsVersion(name, "key-a", int64(i)), "t", "1"))
			case 1:
				out = append(out, latest(kmsVersion(name, "key-b", int64(i))), modified(kmsVersion(name, "key-a", 1), t0.Add(-time.Duration(i)*time.Hour)))
			case 2:
				out = append(out, latest(s3Version(name, 3)))
			case 3:
				out = append(out, latest(plainVersion(name, 4)), deleteMarker(name))
			default:
				out = append(out, latest(kmsVersion(name, "key-a", int64(i))))
			}
		}
		return out
	}
	// One key with more versions than a page, between many others.
	long := many(func(i int) string { return fmt.Sprintf("a/x%05d", i) }, 1500)
	for i := range 2500 {
		e := kmsVersion("a/x00700", "key-c", int64(i))
		if i == 0 {
			e = latest(e)
		}
		long = append(long, e)
	}
	// Keys that are themselves the markers between ranges (a/b after the
	// group a/a..., a/ itself), keys sorting right around them, and the
	// bytes at the ASCII edge.
	edges := many(func(i int) string { return fmt.Sprintf("a/%c%04d", 'a'+i%26, i) }, 2600)
	for _, k := range []string{"a/", "a/b", "a/c", "a/a", "a/z", "a/{", "a/~", "a/\x7f", "a/\x7f\x7f", "a/0", "a/!", "a/ ", "a/\x01"} {
		edges = append(edges, latest(kmsVersion(k, "key-a", 9)), deleteMarker(k))
	}
	return map[string][]minio.ObjectInfo{
		"empty":   nil,
		"one key": {latest(kmsVersion("a/only", "key-a", 1))},
		"shared prefixes": many(func(i int) string {
			return fmt.Sprintf("a/obj/%09d", i*37)
		}, 3000),
		"flat hashes": many(func(i int) string { return fmt.Sprintf("a/%08x", uint32(i)*2654435761) }, 4000),
		"unicode": many(func(i int) string {
			return "a/" + []string{"é", "日本", "ß", "z", "Ω", "😀", "e"}[i%7] + fmt.Sprint(i)
		}, 3000),
		"boundaries":        edges,
		"versions spanning": long,
		"outside the prefix": append(many(func(i int) string { return fmt.Sprintf("a/%05d", i) }, 1200),
			latest(kmsVersion("a", "key-a", 1)), latest(kmsVersion("b/0", "key-a", 1)), latest(kmsVersion("Z", "key-a", 1))),
	}
}

func TestScanConcurrentEqualsSerial(t *testing.T) {
	for name, entries := range shapes() {
		t.Run(name, func(t *testing.T) {
			l := newRangeLister(entries, 100)
			for _, f := range []keyrotate.Filter{{}, {NewerThan: 100 * time.Hour}} {
				scope := scan.Scope{Bucket: "b", Prefix: "a/", Filter: f}
				var serialProgress []int64
				want, err := scan.Scan(context.Background(), l, scope, scan.Options{Now: t0, Samples: 7, Progress: func(n int64) { serialProgress = append(serialProgress, n) }})
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range []int{2, 3, 8} {
					var progress []int64
					got, err := scan.ScanConcurrent(context.Background(), l, scope, scan.Options{Now: t0, Samples: 7, Progress: func(n int64) { progress = append(progress, n) }}, n)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(want, got) {
						t.Errorf("concurrency %d: result differs (-serial +parallel):\n%s", n, cmp.Diff(want, got, ignoreSamples))
					}
					for _, key := range []string{"key-a", "key-b", "key-c", "other"} {
						target := keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: key}
						if d := cmp.Diff(want.PendingVersions(target), got.PendingVersions(target)); d != "" {
							t.Errorf("concurrency %d: PendingVersions(%s) (-serial +parallel):\n%s", n, key, d)
						}
						if !want.OldestPending(target).Equal(got.OldestPending(target)) {
							t.Errorf("concurrency %d: OldestPending(%s) = %v, serial %v", n, key, got.OldestPending(target), want.OldestPending(target))
						}
					}
					if !slices.IsSorted(progress) || progress[len(progress)-1] != want.Seen || slices.Compact(slices.Clone(progress))[0] != progress[0] {
						t.Errorf("concurrency %d: progress %v, serial %v", n, progress, serialProgress)
					}
				}
			}
		})
	}
}

// TestPartitionCoversEveryVersionOnce walks each range on its own and
// finds the serial listing, in order, when the walks are put end to end.
func TestPartitionCoversEveryVersionOnce(t *testing.T) {
	ctx := context.Background()
	for name, entries := range shapes() {
		t.Run(name, func(t *testing.T) {
			l := newRangeLister(entries, 100)
			var want []string
			if err := scan.Walk(ctx, l, "b", "a/", func(v scan.Version) error { want = append(want, v.Name+"@"+v.VersionID); return nil }); err != nil {
				t.Fatal(err)
			}
			for _, n := range []int{2, 8} {
				ranges, err := scan.Partition(ctx, l, "b", "a/", n)
				if err != nil {
					t.Fatal(err)
				}
				if len(ranges) > 3*n {
					t.Errorf("%d ranges for %d workers", len(ranges), n)
				}
				if len(want) > 1000 && len(ranges) < 2 && name != "one key" {
					t.Errorf("%d versions in %d range", len(want), len(ranges))
				}
				var got []string
				for _, r := range ranges {
					if err := scan.WalkRange(ctx, l, "b", "a/", r, func(v scan.Version) error { got = append(got, v.Name+"@"+v.VersionID); return nil }); err != nil {
						t.Fatal(err)
					}
				}
				if d := cmp.Diff(want, got); d != "" {
					t.Errorf("%d workers, ranges %q: (-serial +ranges):\n%s", n, ranges, d)
				}
			}
		})
	}
}

func TestWalkRangesStopsAtFirstError(t *testing.T) {
	l := newRangeLister(shapes()["shared prefixes"], 100)
	ranges, err := scan.Partition(context.Background(), l, "b", "a/", 4)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	calls := 0
	boom := fmt.Errorf("boom")
	err = scan.WalkRanges(context.Background(), l, "b", "a/", ranges, 4, func(i int, v scan.Version) error {
		mu.Lock()
		defer mu.Unlock()
		if calls++; calls == 500 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := scan.ScanConcurrent(ctx, l, scan.Scope{Bucket: "b", Prefix: "a/"}, scan.Options{}, 4); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled scan: err = %v", err)
	}
}
