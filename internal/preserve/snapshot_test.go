package preserve

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// records reads all of s's records.
func records(t *testing.T, s *Snapshot) []object {
	t.Helper()
	c, err := s.st.open()
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	var out []object
	for {
		o, ok, err := c.next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return out
		}
		out = append(out, o)
	}
}

func take(t *testing.T, b *fakeBucket, scope scan.Scope, o Options) *Snapshot {
	t.Helper()
	s, err := Take(context.Background(), b, scope, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestTakeRecordsWhatTheJobDestroys(t *testing.T) {
	b := newFakeBucket()
	gone0 := b.put("a/gone", "kms", "old", "t", "1")
	gone1 := b.put("a/gone", "plain", "")
	goneMarker := b.remove("a/gone")
	b.put("a/gone-plain", "plain", "", "t", "2")
	b.remove("a/gone-plain")
	b.put("a/live", "kms", "old")
	live1 := b.put("a/live", "kms", "old", "t", "3", "u", "4")
	s3 := b.put("a/s3", "s3", "", "t", "5")
	b.put("a/plain", "plain", "", "t", "6")
	again0 := b.put("a/twice", "s3", "")
	again1 := b.remove("a/twice")
	again2 := b.put("a/twice", "kms", "old")
	againMarker := b.remove("a/twice")
	b.put("b/outside", "kms", "old", "t", "7")

	s := take(t, b, scan.Scope{Bucket: "bkt", Prefix: "a/"}, Options{})
	mod := func(name, id string) int64 { return b.version(name, id).mod.UnixMilli() }
	want := []object{
		{Name: "a/gone", Tagged: []taggedVersion{{VersionID: gone0, Modified: mod("a/gone", gone0), Tags: map[string]string{"t": "1"}}},
			Deleted: &deletedObject{Marker: goneMarker, Versions: []string{gone1, gone0}}},
		{Name: "a/live", Tagged: []taggedVersion{{VersionID: live1, Modified: mod("a/live", live1), Tags: map[string]string{"t": "3", "u": "4"}}}},
		{Name: "a/s3", Tagged: []taggedVersion{{VersionID: s3, Modified: mod("a/s3", s3), Tags: map[string]string{"t": "5"}}}},
		{Name: "a/twice", Deleted: &deletedObject{Marker: againMarker, Versions: []string{again2, again1, again0}}},
	}
	if d := cmp.Diff(want, records(t, s)); d != "" {
		t.Errorf("records (-want +got):\n%s", d)
	}
	if s.Tagged != 3 || s.Deleted != 2 || s.Spilled() {
		t.Errorf("tagged %d, deleted %d, spilled %v; want 3, 2, false", s.Tagged, s.Deleted, s.Spilled())
	}
}

// TestTakeCountsAsScan checks, for several filters, that the snapshot
// records exactly the tagged versions and resurfacing objects scan.Scan
// counts.
func TestTakeCountsAsScan(t *testing.T) {
	b := newFakeBucket()
	for i := range 40 {
		name := fmt.Sprintf("p/o%02d", i)
		kind := []string{"kms", "s3", "plain", "kms"}[i%4]
		for j := range 3 {
			var kv []string
			if (i+j)%2 == 0 {
				kv = []string{"class", []string{"pii", "public"}[j%2]}
			}
			b.put(name, kind, "old", kv...)
		}
		if i%3 == 0 {
			b.remove(name)
		}
	}
	now := b.clock.Add(time.Hour)
	for name, f := range map[string]keyrotate.Filter{
		"none":        {},
		"tag":         {Tags: []keyrotate.KV{{Key: "class", Value: "pii"}}},
		"created":     {CreatedAfter: b.clock.Add(-30 * time.Second)},
		"newer than":  {NewerThan: time.Hour + 30*time.Second},
		"nothing old": {OlderThan: 24 * time.Hour},
	} {
		t.Run(name, func(t *testing.T) {
			scope := scan.Scope{Bucket: "bkt", Prefix: "p/", Filter: f}
			want, err := scan.Scan(context.Background(), b, scope, scan.Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			s := take(t, b, scope, Options{Now: now})
			if s.Tagged != want.Tagged || s.Deleted != want.Resurfacing {
				t.Errorf("snapshot: %d tagged, %d deleted; scan: %d tagged, %d resurfacing", s.Tagged, s.Deleted, want.Tagged, want.Resurfacing)
			}
		})
	}
}

// TestTakeUntilWidensTimeFilters: a version that becomes old enough while
// the job runs is rewritten by it, so it must be recorded.
func TestTakeUntilWidensTimeFilters(t *testing.T) {
	b := newFakeBucket()
	b.put("o", "kms", "old", "t", "1")
	now := b.clock.Add(59 * time.Minute)
	scope := scan.Scope{Bucket: "bkt", Filter: keyrotate.Filter{OlderThan: time.Hour}}
	if s := take(t, b, scope, Options{Now: now}); s.Tagged != 0 {
		t.Fatalf("at Now: %d tagged recorded, want 0", s.Tagged)
	}
	if s := take(t, b, scope, Options{Now: now, Until: now.Add(2 * time.Minute)}); s.Tagged != 1 {
		t.Fatalf("with Until: %d tagged recorded, want 1", s.Tagged)
	}
}

func TestTakeRefusesUnorderedListing(t *testing.T) {
	b := newFakeBucket()
	b.put("a", "kms", "k", "t", "1")
	b.put("b", "kms", "k", "t", "1")
	b.reversedListing = true
	dir := t.TempDir()
	if _, err := Take(context.Background(), b, scan.Scope{Bucket: "bkt"}, Options{MemoryBudget: -1, Dir: dir}); err == nil {
		t.Fatal("Take accepted a listing out of name order")
	}
	assertEmptyDir(t, dir)
}

func TestTakeCanceled(t *testing.T) {
	b := newFakeBucket()
	b.put("a", "kms", "k", "t", "1")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	if _, err := Take(ctx, b, scan.Scope{Bucket: "bkt"}, Options{MemoryBudget: -1, Dir: dir}); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled Take: %v, want context.Canceled", err)
	}
	assertEmptyDir(t, dir)
}

// TestTakeSkips: a part the caller does not want put back is not recorded.
func TestTakeSkips(t *testing.T) {
	b := newFakeBucket()
	b.put("a", "kms", "old", "class", "pii")
	b.put("d", "kms", "old")
	b.remove("d")
	scope := scan.Scope{Bucket: "b"}
	for name, tc := range map[string]struct {
		o                       Options
		wantTagged, wantDeleted int64
	}{
		"both":         {Options{}, 1, 1},
		"no tags":      {Options{SkipTags: true}, 0, 1},
		"no deletions": {Options{SkipDeleted: true}, 1, 0},
	} {
		s, err := Take(context.Background(), b, scope, tc.o)
		if err != nil {
			t.Fatal(err)
		}
		if s.Tagged != tc.wantTagged || s.Deleted != tc.wantDeleted {
			t.Errorf("%s: %d tagged, %d deleted; want %d, %d", name, s.Tagged, s.Deleted, tc.wantTagged, tc.wantDeleted)
		}
		s.Close()
	}
}

// TestTakeObserveCountsAsScanDoes: a scan.Counter fed through Observe
// from Take's listing counts what scan.Scan counts over the same scope, so
// that a rotation lists its scope once for both.
func TestTakeObserveCountsAsScanDoes(t *testing.T) {
	b := newFakeBucket()
	b.put("a/gone", "kms", "old", "t", "1")
	b.remove("a/gone")
	b.put("a/live", "kms", "old")
	b.put("a/live", "kms", "other", "t", "3")
	b.put("a/s3", "s3", "", "t", "5")
	b.put("a/plain", "plain", "")
	b.put("b/out", "kms", "old")
	scope := scan.Scope{Bucket: "bkt", Prefix: "a/", Filter: keyrotate.Filter{Tags: []keyrotate.KV{{Key: "t", Value: "*"}}}}
	now := time.Now()
	c := scan.NewCounter(scope, scan.Options{Now: now})
	take(t, b, scope, Options{Now: now, Observe: c.Add})
	want, err := scan.Scan(context.Background(), b, scope, scan.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	got := c.Result()
	if got.Seen != want.Seen || got.InScope != want.InScope || got.Rewritten() != want.Rewritten() ||
		!cmp.Equal(got.KMS, want.KMS) || got.Tagged != want.Tagged || got.DeletedObjects != want.DeletedObjects || got.Resurfacing != want.Resurfacing {
		t.Errorf("counted through Take: %+v\nscan.Scan: %+v", got, want)
	}
	if got.Seen != 6 || got.Rewritten().Versions != 3 {
		t.Errorf("saw %d entries and %d versions to rewrite, want 6 and 3 (the fixture)", got.Seen, got.Rewritten().Versions)
	}
}
