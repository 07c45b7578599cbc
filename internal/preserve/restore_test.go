package preserve

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// seeded is a bucket of n SSE-KMS objects of three versions each, half of
// the versions tagged, a quarter of the objects deleted.
func seeded(n int) *fakeBucket {
	b := newFakeBucket()
	for i := range n {
		name := fmt.Sprintf("o%04d", i)
		for j := range 3 {
			var kv []string
			if (i+j)%2 == 0 {
				kv = []string{"obj", fmt.Sprint(i), "v", fmt.Sprint(j)}
			}
			b.put(name, "kms", "old", kv...)
		}
		if i%4 == 0 {
			b.remove(name)
		}
	}
	return b
}

func restore(t *testing.T, b *fakeBucket, s *Snapshot) Result {
	t.Helper()
	r, err := Restore(context.Background(), b, s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRestoreUndoesRotation rotates the seeded bucket both ways round
// (oldest or newest version first, so the order of an object's versions
// changes) and checks that Restore leaves everything as before but the
// key, and that a second Restore changes nothing.
func TestRestoreUndoesRotation(t *testing.T) {
	for _, newestFirst := range []bool{false, true} {
		for _, budget := range []int64{0, -1} {
			t.Run(fmt.Sprintf("newest first %v, budget %d", newestFirst, budget), func(t *testing.T) {
				b := seeded(64)
				before := b.state()
				s := take(t, b, scan.Scope{Bucket: "bkt"}, Options{MemoryBudget: budget, Dir: t.TempDir()})
				if s.Tagged != 96 || s.Deleted != 16 {
					t.Fatalf("snapshot: %d tagged, %d deleted; want 96, 16", s.Tagged, s.Deleted)
				}
				b.rotate("", "new", newestFirst, nil)
				for i := 0; i < 64; i += 4 {
					if l := b.latest(fmt.Sprintf("o%04d", i)); l.marker {
						t.Fatalf("the fake rotation did not resurface o%04d", i)
					}
				}

				got := restore(t, b, s)
				want := Result{TagsRestored: 96, MarkersPut: 16}
				if got != want {
					t.Errorf("first restore: %v\nwant %v", got, want)
				}
				after := b.state()
				for name, entries := range before {
					now := after[name]
					if i := len(now) - len(entries); i != 0 && i != 1 {
						t.Errorf("%s: %d entries, was %d", name, len(now), len(entries))
						continue
					}
					if len(now) > len(entries) {
						// The delete marker put back.
						if l := b.latest(name); !l.marker {
							t.Errorf("%s: latest is %v, want a delete marker", name, l)
						}
						now = now[1:]
					}
					if d := cmp.Diff(keyed(entries, "old", "new"), sortedLike(entries, now)); d != "" {
						t.Errorf("%s (-before, key changed +after):\n%s", name, d)
					}
				}

				again := restore(t, b, s)
				if again.Writes() != 0 || again.TagsInPlace != 96 || again.StillDeleted != 16 {
					t.Errorf("second restore: %v; want no writes, 96 in place, 16 still deleted", again)
				}
				if d := cmp.Diff(after, b.state()); d != "" {
					t.Errorf("second restore changed the bucket:\n%s", d)
				}
			})
		}
	}
}

// keyed is entries with the KMS key old replaced by new.
func keyed(entries []string, old, new string) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = strings.Replace(e, " kms/"+old+" ", " kms/"+new+" ", 1)
	}
	return out
}

// sortedLike orders now as entries (by ID): a rotation may reorder data
// versions, which Restore cannot undo and this test does not check.
func sortedLike(entries, now []string) []string {
	index := map[string]int{}
	for i, e := range entries {
		index[e[:36]] = i
	}
	out := make([]string, len(now))
	for _, e := range now {
		i, ok := index[e[:36]]
		if !ok {
			return now
		}
		out[i] = e
	}
	return out
}

// TestRestoreLeavesChangesAlone changes the bucket in every way someone
// might between the snapshot and the restore, and checks that Restore
// leaves each change alone and counts it.
func TestRestoreLeavesChangesAlone(t *testing.T) {
	b := newFakeBucket()
	retagged := b.put("retagged", "kms", "old", "t", "1")
	untagged := b.put("untagged", "kms", "old", "t", "1")
	gone := b.put("version-gone", "kms", "old", "t", "1")
	b.put("version-gone", "kms", "old")
	b.put("purged", "kms", "old", "t", "1")
	b.remove("purged")
	b.put("written-since", "kms", "old")
	b.remove("written-since")
	b.put("written-after-job", "kms", "old")
	b.remove("written-after-job")
	b.put("undeleted", "kms", "old")
	undeleteMarker := b.remove("undeleted")
	b.put("deleted-again", "kms", "old")
	b.remove("deleted-again")
	s := take(t, b, scan.Scope{Bucket: "bkt"}, Options{})

	b.put("written-since", "kms", "old")
	b.rotate("", "new", false, func(name string, v *fakeVersion) bool { return name != "untagged" })
	b.mu.Lock()
	b.version("retagged", retagged).tags = map[string]string{"t": "mine"}
	b.version("untagged", untagged).tags = nil // DeleteObjectTagging keeps the date
	b.mu.Unlock()
	b.removeVersion("version-gone", gone)
	for _, v := range slices.Clone(b.objects["purged"]) {
		b.removeVersion("purged", v.id)
	}
	newest := b.put("written-after-job", "kms", "new")
	b.removeVersion("undeleted", undeleteMarker)
	b.remove("deleted-again")
	before := b.state()

	got := restore(t, b, s)
	want := Result{
		TagsSkipped:    TagSkips{Gone: 2, Retagged: 1, Untagged: 1},
		StillDeleted:   1,
		DeletedSkipped: DeletedSkips{Gone: 1, MarkerRemoved: 1, Changed: 2},
	}
	if got != want {
		t.Errorf("restore: %v\nwant %v", got, want)
	}
	if d := cmp.Diff(before, b.state()); d != "" {
		t.Errorf("restore changed the bucket:\n%s", d)
	}
	if l := b.latest("written-after-job"); l.id != newest {
		t.Errorf("written-after-job: latest %v, want the version written after the job", l)
	}
}

// TestRestoreReplacedNullVersion: in an unversioned bucket the "null"
// version is overwritten in place; its tags must not go on the new
// content.
func TestRestoreReplacedNullVersion(t *testing.T) {
	b := newFakeBucket()
	b.versioning = minio.BucketVersioningConfiguration{}
	b.put("o", "kms", "old", "t", "1")
	b.put("p", "kms", "old", "t", "1")
	s := take(t, b, scan.Scope{Bucket: "bkt"}, Options{})
	b.rotate("", "new", false, nil)
	b.put("o", "kms", "new")
	if got := restore(t, b, s); got != (Result{TagsRestored: 1, TagsSkipped: TagSkips{Replaced: 1}}) {
		t.Errorf("restore: %v, want 1 restored, 1 replaced", got)
	}
	if tags := b.latest("o").tags; len(tags) > 0 {
		t.Errorf("the new content of o got tags %v", tags)
	}
}

// TestRestoreNeverDeletesWithoutVersioning: with versioning suspended or
// the name excluded, a delete would destroy a version instead of hiding
// it.
func TestRestoreNeverDeletesWithoutVersioning(t *testing.T) {
	for name, cfg := range map[string]minio.BucketVersioningConfiguration{
		"suspended":       {Status: minio.Suspended},
		"excluded prefix": {Status: minio.Enabled, ExcludedPrefixes: []minio.ExcludedPrefix{{Prefix: "o0*/"}}},
		"excluded folder": {Status: minio.Enabled, ExcludeFolders: true},
	} {
		t.Run(name, func(t *testing.T) {
			b := newFakeBucket()
			b.put("o0/", "kms", "old", "t", "1")
			b.remove("o0/")
			s := take(t, b, scan.Scope{Bucket: "bkt"}, Options{})
			b.rotate("", "new", false, nil)
			b.versioning = cfg
			got := restore(t, b, s)
			if want := (Result{TagsRestored: 1, DeletedSkipped: DeletedSkips{Unversioned: 1}}); got != want {
				t.Errorf("restore: %v\nwant %v", got, want)
			}
			if n := b.removes.Load(); n != 0 {
				t.Errorf("%d deletes sent", n)
			}
		})
	}
}

// TestRestoreBoundsConcurrency holds every write until many are waiting:
// never more than Workers may be in flight.
func TestRestoreBoundsConcurrency(t *testing.T) {
	b := seeded(64)
	s := take(t, b, scan.Scope{Bucket: "bkt"}, Options{})
	b.rotate("", "new", false, nil)
	b.block = make(chan struct{})
	go func() {
		for b.inFlight.Load() < Workers {
			time.Sleep(time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond)
		close(b.block)
	}()
	got := restore(t, b, s)
	if got.Writes() != 112 {
		t.Errorf("restore: %v, want 112 writes", got)
	}
	if m := b.most.Load(); m != Workers {
		t.Errorf("%d writes in flight at most, want %d", m, Workers)
	}
}

// TestRestoreReportsFailures: failed requests do not stop the others,
// until MaxFailures of them.
func TestRestoreReportsFailures(t *testing.T) {
	denied := errors.New("AccessDenied")
	t.Run("a few", func(t *testing.T) {
		b := seeded(64)
		s := take(t, b, scan.Scope{Bucket: "bkt"}, Options{})
		b.rotate("", "new", false, nil)
		b.failTags = func(name, _ string) error {
			if name == "o0003" || name == "o0005" {
				return denied
			}
			return nil
		}
		got, err := Restore(context.Background(), b, s)
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, denied) || e.Stopped != nil {
			t.Fatalf("error %v, want an *Error wrapping %v with the pass complete", err, denied)
		}
		t.Log(err)
		if len(e.Failures) != 2 || got != e.Result || got.TagsRestored != 94 || got.MarkersPut != 16 {
			t.Errorf("%d failures, result %v (error's %v); want 2 failures, 94 tags and 16 markers", len(e.Failures), got, e.Result)
		}
		b.failTags = nil
		if again := restore(t, b, s); again.TagsRestored != 2 || again.MarkersPut != 0 {
			t.Errorf("restore after the failures: %v, want the 2 failed tag sets", again)
		}
	})
	t.Run("too many", func(t *testing.T) {
		b := seeded(64)
		s := take(t, b, scan.Scope{Bucket: "bkt"}, Options{})
		b.rotate("", "new", false, nil)
		b.failTags = func(string, string) error { return denied }
		_, err := Restore(context.Background(), b, s)
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, ErrTooManyFailures) || len(e.Failures) != MaxFailures {
			t.Fatalf("error %v, want ErrTooManyFailures after %d failures", err, MaxFailures)
		}
		if n := b.tagPuts.Load(); n >= 96 {
			t.Errorf("%d tag requests sent, want the pass stopped", n)
		}
	})
}

func TestRestoreCanceled(t *testing.T) {
	b := seeded(64)
	s := take(t, b, scan.Scope{Bucket: "bkt"}, Options{})
	b.rotate("", "new", false, nil)
	b.block = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for b.inFlight.Load() < Workers {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	got, err := Restore(ctx, b, s)
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, context.Canceled) || len(e.Failures) != 0 {
		t.Fatalf("error %v, want an *Error for context.Canceled and no failures", err)
	}
	if got.Writes() != 0 {
		t.Errorf("canceled restore counted %v", got)
	}
	b.block = nil
	if again := restore(t, b, s); again.TagsRestored != 96 || again.MarkersPut != 16 {
		t.Errorf("restore after the canceled one: %v", again)
	}
}

// TestRestoreScopedToPrefix: objects outside the snapshot's prefix are
// neither listed nor touched.
func TestRestoreScopedToPrefix(t *testing.T) {
	b := newFakeBucket()
	b.put("in/o", "kms", "old", "t", "1")
	b.put("out/o", "kms", "old", "t", "1")
	s := take(t, b, scan.Scope{Bucket: "bkt", Prefix: "in/"}, Options{})
	b.rotate("", "new", false, nil)
	if got := restore(t, b, s); got != (Result{TagsRestored: 1}) {
		t.Errorf("restore: %v", got)
	}
	if tags := b.latest("out/o").tags; len(tags) != 0 {
		t.Errorf("out/o got tags %v", maps.Collect(maps.All(tags)))
	}
}
