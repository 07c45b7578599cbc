package scan_test

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// sortedLister lists entries (sorted by key) after opts.StartAfter, as
// the versioned listing does with a key marker, and counts what it served.
type sortedLister struct {
	entries []minio.ObjectInfo
	served  int
}

func (l *sortedLister) ListObjectsIter(_ context.Context, _ string, opts minio.ListObjectsOptions) iter.Seq[minio.ObjectInfo] {
	return func(yield func(minio.ObjectInfo) bool) {
		for _, e := range l.entries {
			if e.Key <= opts.StartAfter {
				continue
			}
			l.served++
			if !yield(e) {
				return
			}
		}
	}
}

// kmsVersions is n objects of versions entries each, under key.
func kmsVersions(n, versions int, key string) []minio.ObjectInfo {
	var out []minio.ObjectInfo
	for i := range n {
		for v := range versions {
			out = append(out, minio.ObjectInfo{Key: fmt.Sprintf("o-%05d", i), VersionID: fmt.Sprint(v), IsLatest: v == 0, Size: 1,
				UserMetadata: minio.StringMap{"X-Amz-Server-Side-Encryption": "aws:kms", "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": "arn:aws:kms:" + key}})
		}
	}
	return out
}

func TestKeySamplerKeepsNNamesSortedOnce(t *testing.T) {
	k := scan.NewKeySampler(8, rand.New(rand.NewPCG(1, 2)))
	for _, e := range kmsVersions(1000, 3, "k") {
		k.Add(scan.FromListing(e))
	}
	keys := k.Keys()
	if k.Seen() != 3000 || len(keys) == 0 || len(keys) > 8 || !slices.IsSorted(keys) || len(slices.Compact(slices.Clone(keys))) != len(keys) {
		t.Fatalf("seen %d, keys %v", k.Seen(), keys)
	}
}

// TestScanPagesReadsWholeObjectsOnce: pages start after their name, end
// between objects, and overlapping pages count each version once.
func TestScanPagesReadsWholeObjectsOnce(t *testing.T) {
	l := &sortedLister{entries: kmsVersions(100, 3, "old")}
	target := keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: "new"}
	res, err := scan.ScanPages(context.Background(), l, scan.Scope{Bucket: "b"}, []string{"o-00010", "o-00011", "o-00090"}, 4, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// o-00011 and o-00012 (4 entries reach into the second object: its
	// three versions all count); then after o-00012 the overlapping page
	// o-00013, o-00014; then o-00091, o-00092.
	if got := res.Pending(target).Versions; got != 18 || res.Seen != 18 {
		t.Errorf("pending %d, seen %d; want 18 each", got, res.Seen)
	}
}

func TestDriftBound(t *testing.T) {
	for _, c := range []struct{ read, total, want int64 }{
		{1000, 1000, 0},
		{2000, 1000, 0},
		{0, 1000, 1000},
		{16000, 10_000_000, 1871},
		{1000, 2000, 5},
	} {
		if got := scan.DriftBound(c.read, c.total); got != c.want {
			t.Errorf("DriftBound(%d, %d) = %d, want %d", c.read, c.total, got, c.want)
		}
	}
}
