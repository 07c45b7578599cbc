package scan_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// fixture is a versioned listing in the server's order (by name, newest
// version first), with one object outside the prefix "a/".
func fixture() []minio.ObjectInfo {
	return []minio.ObjectInfo{
		latest(deleteMarker("a/dm-only")),
		latest(deleteMarker("a/gone")),
		withTags(kmsVersion("a/gone", "key-a", 100), "t", "2"),
		latest(deleteMarker("a/gone-plain")),
		plainVersion("a/gone-plain", 5),
		latest(kmsVersion("a/k1", "key-a", 100)),
		modified(kmsVersion("a/k1", "key-a", 100), t0.Add(-48*time.Hour)),
		latest(withMeta(withTags(kmsVersion("a/k2", "key-b", 200), "class", "pii-1"), "X-Amz-Meta-Dept", "fin")),
		latest(plainVersion("a/plain", 10)),
		latest(withTags(s3Version("a/s3", 300), "t", "1")),
		s3Version("a/s3", 300),
		latest(ssecVersion("a/ssec", 20)),
		latest(kmsVersion("b/out", "key-a", 1000)),
	}
}

func run(t *testing.T, f keyrotate.Filter, o scan.Options) *scan.Result {
	t.Helper()
	o.Now = t0
	r, err := scan.Scan(context.Background(), &fakeLister{entries: fixture(), pageSize: 4}, scan.Scope{Bucket: "b", Prefix: "a/", Filter: f}, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var ignoreSamples = cmpopts.IgnoreUnexported(scan.Result{})

func TestScanCountsEverythingWithoutFilter(t *testing.T) {
	got := run(t, keyrotate.Filter{}, scan.Options{})
	want := &scan.Result{
		Seen:           12,
		InScope:        scan.Tally{Versions: 9, Bytes: 1135},
		KMS:            map[string]scan.Tally{"key-a": {3, 300}, "key-b": {1, 200}},
		SSES3:          scan.Tally{Versions: 2, Bytes: 600},
		SSEC:           scan.Tally{Versions: 1, Bytes: 20},
		Unencrypted:    scan.Tally{Versions: 2, Bytes: 15},
		Tagged:         3,
		DeleteMarkers:  3,
		DeletedObjects: 3,
		Resurfacing:    1,
	}
	if d := cmp.Diff(want, got, ignoreSamples); d != "" {
		t.Errorf("result (-want +got):\n%s", d)
	}
	kms := func(key string) keyrotate.Encryption { return keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: key} }
	for _, tt := range []struct {
		target keyrotate.Encryption
		want   scan.Tally
	}{
		{kms("key-a"), scan.Tally{Versions: 1, Bytes: 200}},
		{kms("key-b"), scan.Tally{Versions: 3, Bytes: 300}},
		{kms("key-c"), scan.Tally{Versions: 4, Bytes: 500}},
		{keyrotate.Encryption{Type: keyrotate.SSES3}, scan.Tally{Versions: 4, Bytes: 500}},
		{keyrotate.Encryption{}, scan.Tally{}},
	} {
		if p := got.Pending(tt.target); p != tt.want {
			t.Errorf("Pending(%+v) = %+v, want %+v", tt.target, p, tt.want)
		}
	}
	if r := got.Rewritten(); r != (scan.Tally{Versions: 6, Bytes: 1100}) {
		t.Errorf("Rewritten = %+v, want 6 versions, 1100 bytes", r)
	}
}

func TestScanAppliesFilter(t *testing.T) {
	tests := []struct {
		name string
		f    keyrotate.Filter
		want scan.Result
	}{
		{"tag pattern", keyrotate.Filter{Tags: []keyrotate.KV{{Key: "CLASS", Value: "pii*"}}}, scan.Result{
			InScope: scan.Tally{Versions: 1, Bytes: 200}, KMS: map[string]scan.Tally{"key-b": {1, 200}}, Tagged: 1,
		}},
		{"tags ORed", keyrotate.Filter{Tags: []keyrotate.KV{{Key: "t", Value: "?"}, {Key: "class", Value: "x"}}}, scan.Result{
			InScope: scan.Tally{Versions: 2, Bytes: 400}, KMS: map[string]scan.Tally{"key-a": {1, 100}}, SSES3: scan.Tally{Versions: 1, Bytes: 300}, Tagged: 2, Resurfacing: 1,
		}},
		{"bare user metadata name", keyrotate.Filter{Metadata: []keyrotate.KV{{Key: "dept", Value: "fin"}}}, scan.Result{
			InScope: scan.Tally{Versions: 1, Bytes: 200}, KMS: map[string]scan.Tally{"key-b": {1, 200}}, Tagged: 1,
		}},
		{"raw tag string", keyrotate.Filter{Metadata: []keyrotate.KV{{Key: "x-amz-tagging", Value: "t=*"}}}, scan.Result{
			InScope: scan.Tally{Versions: 2, Bytes: 400}, KMS: map[string]scan.Tally{"key-a": {1, 100}}, SSES3: scan.Tally{Versions: 1, Bytes: 300}, Tagged: 2, Resurfacing: 1,
		}},
		// The listing shows the header, the server does not store it.
		{"encryption header never matches", keyrotate.Filter{Metadata: []keyrotate.KV{{Key: "x-amz-server-side-encryption", Value: "*"}}}, scan.Result{
			KMS: map[string]scan.Tally{},
		}},
		{"content type", keyrotate.Filter{Metadata: []keyrotate.KV{{Key: "content-type", Value: "application/*"}}}, scan.Result{
			InScope: scan.Tally{Versions: 9, Bytes: 1135}, KMS: map[string]scan.Tally{"key-a": {3, 300}, "key-b": {1, 200}},
			SSES3: scan.Tally{Versions: 2, Bytes: 600}, SSEC: scan.Tally{Versions: 1, Bytes: 20}, Unencrypted: scan.Tally{Versions: 2, Bytes: 15}, Tagged: 3, Resurfacing: 1,
		}},
		{"older than: exactly as old", keyrotate.Filter{OlderThan: 48 * time.Hour}, scan.Result{
			InScope: scan.Tally{Versions: 1, Bytes: 100}, KMS: map[string]scan.Tally{"key-a": {1, 100}},
		}},
		{"older than: 1ms older than the object", keyrotate.Filter{OlderThan: 48*time.Hour + time.Millisecond}, scan.Result{
			KMS: map[string]scan.Tally{},
		}},
		{"newer than", keyrotate.Filter{NewerThan: 48 * time.Hour}, scan.Result{
			InScope: scan.Tally{Versions: 8, Bytes: 1035}, KMS: map[string]scan.Tally{"key-a": {2, 200}, "key-b": {1, 200}},
			SSES3: scan.Tally{Versions: 2, Bytes: 600}, SSEC: scan.Tally{Versions: 1, Bytes: 20}, Unencrypted: scan.Tally{Versions: 2, Bytes: 15}, Tagged: 3, Resurfacing: 1,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The listing entries and delete markers do not depend on the
			// filter.
			tt.want.Seen, tt.want.DeleteMarkers, tt.want.DeletedObjects = 12, 3, 3
			if d := cmp.Diff(&tt.want, run(t, tt.f, scan.Options{}), ignoreSamples); d != "" {
				t.Errorf("result (-want +got):\n%s", d)
			}
		})
	}
}

func TestPendingVersionsInListingOrder(t *testing.T) {
	all := run(t, keyrotate.Filter{}, scan.Options{})
	names := func(refs []scan.VersionRef) []string {
		var out []string
		for _, r := range refs {
			out = append(out, r.Name+"@"+r.KMSKey)
		}
		return out
	}
	toKey := func(k string) keyrotate.Encryption { return keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: k} }
	if d := cmp.Diff([]string{"a/gone@key-a", "a/k1@key-a", "a/k1@key-a", "a/k2@key-b"}, names(all.PendingVersions(toKey("key-c")))); d != "" {
		t.Errorf("pending towards key-c (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"a/k2@key-b"}, names(all.PendingVersions(toKey("key-a")))); d != "" {
		t.Errorf("pending towards key-a (-want +got):\n%s", d)
	}
	two := run(t, keyrotate.Filter{}, scan.Options{Samples: 2})
	if d := cmp.Diff([]string{"a/gone@key-a", "a/k1@key-a"}, names(two.PendingVersions(toKey("key-c")))); d != "" {
		t.Errorf("two samples (-want +got):\n%s", d)
	}
	if got := all.PendingVersions(keyrotate.Encryption{}); len(got) != 0 {
		t.Errorf("no target: %v", got)
	}
	for _, r := range all.PendingVersions(toKey("key-c")) {
		if r.VersionID == "" {
			t.Errorf("%s: no version ID", r.Name)
		}
	}
}

func TestScanAsksForVersionsAndMetadata(t *testing.T) {
	l := &fakeLister{}
	if _, err := scan.Scan(context.Background(), l, scan.Scope{Bucket: "b", Prefix: "p/"}, scan.Options{}); err != nil {
		t.Fatal(err)
	}
	want := minio.ListObjectsOptions{Prefix: "p/", Recursive: true, WithVersions: true, WithMetadata: true}
	if d := cmp.Diff(want, l.opts, cmpopts.IgnoreUnexported(minio.ListObjectsOptions{})); d != "" {
		t.Errorf("listing options (-want +got):\n%s", d)
	}
}

func TestScanEmpty(t *testing.T) {
	var calls []int64
	r, err := scan.Scan(context.Background(), &fakeLister{}, scan.Scope{Bucket: "b"}, scan.Options{Progress: func(n int64) { calls = append(calls, n) }})
	if err != nil {
		t.Fatal(err)
	}
	if r.Seen != 0 || r.InScope != (scan.Tally{}) || r.Pending(keyrotate.Encryption{Type: keyrotate.SSES3}) != (scan.Tally{}) {
		t.Errorf("empty listing: %+v", r)
	}
	if d := cmp.Diff([]int64{0}, calls); d != "" {
		t.Errorf("progress calls (-want +got):\n%s", d)
	}
}

func TestScanProgress(t *testing.T) {
	for _, n := range []int{999, 1000, 2500} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			entries := make([]minio.ObjectInfo, n)
			for i := range entries {
				entries[i] = latest(plainVersion(fmt.Sprintf("o%05d", i), 1))
			}
			var calls []int64
			_, err := scan.Scan(context.Background(), &fakeLister{entries: entries}, scan.Scope{Bucket: "b"}, scan.Options{Progress: func(n int64) { calls = append(calls, n) }})
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for i := int64(scan.ProgressEvery); i <= int64(n); i += scan.ProgressEvery {
				want = append(want, i)
			}
			if n%scan.ProgressEvery != 0 {
				want = append(want, int64(n))
			}
			if d := cmp.Diff(want, calls); d != "" {
				t.Errorf("progress calls (-want +got):\n%s", d)
			}
		})
	}
}

func TestScanListingError(t *testing.T) {
	r, err := scan.Scan(context.Background(), &fakeLister{entries: fixture(), failAfter: 3}, scan.Scope{Bucket: "b", Prefix: "a/"}, scan.Options{})
	if !errors.Is(err, errListing) || r != nil {
		t.Fatalf("got %v, %v; want nil and an error wrapping the listing's", r, err)
	}
	if want := `listing the versions under "a/" in bucket "b": listing broke`; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

// TestScanCanceled cancels between two pages, where minio-go's iterator
// ends without an error: the scan must still fail.
func TestScanCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l := &fakeLister{entries: fixture(), pageSize: 4, onPage: func(page int) {
		if page == 1 {
			cancel()
		}
	}}
	r, err := scan.Scan(ctx, l, scan.Scope{Bucket: "b"}, scan.Options{})
	if !errors.Is(err, context.Canceled) || r != nil {
		t.Fatalf("got %v, %v; want nil and context.Canceled", r, err)
	}
}

func TestScanCanceledWithinPage(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seen := 0
	l := &fakeLister{entries: fixture()}
	err := scan.Walk(ctx, l, "b", "", func(scan.Version) error {
		seen++
		if seen == 2 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || seen != 2 {
		t.Fatalf("got %v after %d versions; want context.Canceled after 2", err, seen)
	}
}

func TestWalkStopsOnCallbackError(t *testing.T) {
	stop := errors.New("stop")
	seen := 0
	err := scan.Walk(context.Background(), &fakeLister{entries: fixture()}, "b", "", func(scan.Version) error {
		seen++
		return stop
	})
	if !errors.Is(err, stop) || seen != 1 {
		t.Fatalf("got %v after %d versions; want stop after 1", err, seen)
	}
}
