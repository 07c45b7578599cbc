package scan_test

import (
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/minio/minio-go/v7/pkg/encrypt"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// TestScanConcurrentLive scans a real bucket of 360 objects under several
// prefixes, with three versions each (more than a listing page, so the
// scope is split), some deleted, tagged or SSE-S3, serially and in
// parallel: the results are identical, and the ranges put end to end
// list what the serial listing lists (MinIO's key-marker skips every
// version of the marker's key, as Range assumes).
func TestScanConcurrentLive(t *testing.T) {
	s := teststack.Live(t)
	ctx := liveContext(t)
	c := liveS3(t, s)
	b := versionedBucket(t, s, c)
	keyA, keyB := s.NewKey(t), s.NewKey(t)
	a, bb := kmsSSE(t, keyA), kmsSSE(t, keyB)
	var puts [][]put
	for i := range 360 {
		name := fmt.Sprintf("%s/%05d", []string{"logs", "img", "é", "logs/2026"}[i%4], i*7)
		ps := []put{{name: name, sse: a, size: 10}, {name: name, sse: bb, size: 20}}
		switch i % 6 {
		case 0:
			ps = append(ps, put{name: name, sse: a, size: 30, remove: true})
		case 1:
			ps = append(ps, put{name: name, sse: bb, size: 30, tags: map[string]string{"t": "1"}})
		case 2:
			ps = append(ps, put{name: name, sse: encrypt.NewSSE(), size: 30})
		default:
			ps = append(ps, put{name: name, sse: a, size: 30})
		}
		puts = append(puts, ps)
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < len(puts); i += 8 {
				write(t, ctx, c, b, puts[i]...)
			}
		})
	}
	wg.Wait()

	for _, prefix := range []string{"", "logs"} {
		scope := scan.Scope{Bucket: b, Prefix: prefix}
		want, err := scan.Scan(ctx, c, scope, scan.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if prefix == "" && want.Seen < 1000 {
			t.Fatalf("%d versions seen: the scope fits one page and would not be split", want.Seen)
		}
		got, err := scan.ScanConcurrent(ctx, c, scope, scan.Options{}, scan.DefaultConcurrency)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got, ignoreSamples); d != "" {
			t.Errorf("prefix %q (-serial +parallel):\n%s", prefix, d)
		}
		for _, key := range []string{keyA, keyB} {
			target := keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: key}
			if !reflect.DeepEqual(want.PendingVersions(target), got.PendingVersions(target)) {
				t.Errorf("prefix %q: PendingVersions(%s) differ: serial %v, parallel %v", prefix, key, want.PendingVersions(target), got.PendingVersions(target))
			}
		}

		var serial, ranged []string
		if err := scan.Walk(ctx, c, b, prefix, func(v scan.Version) error { serial = append(serial, v.Name+"@"+v.VersionID); return nil }); err != nil {
			t.Fatal(err)
		}
		ranges, err := scan.Partition(ctx, c, b, prefix, scan.DefaultConcurrency)
		if err != nil {
			t.Fatal(err)
		}
		if prefix == "" && len(ranges) < 2 {
			t.Errorf("%d versions in one range", len(serial))
		}
		for _, r := range ranges {
			if err := scan.WalkRange(ctx, c, b, prefix, r, func(v scan.Version) error { ranged = append(ranged, v.Name+"@"+v.VersionID); return nil }); err != nil {
				t.Fatal(err)
			}
		}
		if d := cmp.Diff(serial, ranged); d != "" {
			t.Errorf("prefix %q, ranges %q (-serial +ranges):\n%s", prefix, ranges, d)
		}
	}
}
