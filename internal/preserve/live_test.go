package preserve

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// TestRestoreAfterRotationLive runs a real rotation between Take and
// Restore on a versioned bucket of 64 objects of three SSE-KMS versions,
// half of the versions tagged and a quarter of the objects deleted, plus
// objects changed by someone while the job runs; the snapshot goes through
// Marshal and Unmarshal with a small budget, as the provider keeps it.
// Afterwards only the key may differ, and a second Restore must change
// nothing.
func TestRestoreAfterRotationLive(t *testing.T) {
	l := newLive(t)
	b := l.versionedBucket()
	oldKey, newKey := l.s.NewKey(t), l.s.NewKey(t)

	newest := map[string][32]byte{} // every live object's newest bytes
	var deleted []string
	for i := range 64 {
		name := fmt.Sprintf("p/o%04d", i)
		for j := range 3 {
			var kv map[string]string
			if (i+j)%2 == 0 {
				kv = map[string]string{"obj": fmt.Sprint(i), "v": fmt.Sprint(j)}
			}
			_, newest[name] = l.put(b, name, oldKey, kv)
		}
		if i%4 == 0 {
			l.remove(b, name)
			delete(newest, name)
			deleted = append(deleted, name)
		}
	}
	// Changed by someone between the snapshot and the restore.
	tag := map[string]string{"t": "1"}
	l.put(b, "p/marker-removed", oldKey, tag)
	_, undeleted := l.put(b, "p/marker-removed", oldKey, tag)
	removedMarker := l.remove(b, "p/marker-removed")
	l.put(b, "p/new-before-job", oldKey, nil)
	l.remove(b, "p/new-before-job")
	l.put(b, "p/new-after-job", oldKey, nil)
	l.remove(b, "p/new-after-job")
	retagged, _ := l.put(b, "p/retagged", oldKey, tag)
	before := l.listing(b, "p/")

	dir := t.TempDir()
	opts := Options{MemoryBudget: 2048, Dir: dir}
	taken, err := Take(l.ctx, l.c, scan.Scope{Bucket: b, Prefix: "p/"}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if taken.Tagged != 99 || taken.Deleted != 19 || !taken.Spilled() {
		t.Fatalf("snapshot: %d tagged, %d deleted, spilled %v; want 99, 19, spilled", taken.Tagged, taken.Deleted, taken.Spilled())
	}
	data, err := taken.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("marshaled snapshot: %d bytes for %d tagged versions and %d deleted objects", len(data), taken.Tagged, taken.Deleted)
	taken.Close()
	snap, err := Unmarshal(data, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()

	if err := l.c.RemoveObject(l.ctx, b, "p/marker-removed", versionOf(removedMarker)); err != nil {
		t.Fatal(err)
	}
	_, newBeforeJob := l.put(b, "p/new-before-job", oldKey, nil)
	l.rotate(b, "p/", newKey)
	resurfaced := 0
	for _, name := range deleted {
		if _, visible := l.content(b, name); visible {
			resurfaced++
		}
	}
	t.Logf("the rotation made %d of %d deleted objects visible again", resurfaced, len(deleted))
	_, newAfterJob := l.put(b, "p/new-after-job", newKey, nil)
	l.setTags(b, "p/retagged", retagged, map[string]string{"mine": "yes"})

	got, err := Restore(l.ctx, l.c, snap)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("restore: %v", got)
	want := Result{
		TagsRestored:   98,
		TagsSkipped:    TagSkips{Retagged: 1},
		MarkersPut:     int64(resurfaced),
		StillDeleted:   int64(len(deleted) - resurfaced),
		DeletedSkipped: DeletedSkips{MarkerRemoved: 1, Changed: 2},
	}
	if got != want {
		t.Errorf("restore: %v\nwant %v", got, want)
	}

	after := l.listing(b, "p/")
	for name, entries := range before {
		now := map[string]entry{}
		for _, e := range after[name] {
			now[e.ID] = e
		}
		for _, e := range entries {
			n, ok := now[e.ID]
			switch {
			case !ok && e.ID == removedMarker:
			case !ok:
				t.Errorf("%s@%s: gone", name, e.ID)
			case e.Marker:
			case n.Key != newKey:
				t.Errorf("%s@%s: under key %q, want %q", name, e.ID, n.Key, newKey)
			case n.ETag != e.ETag:
				t.Errorf("%s@%s: listed ETag %q, was %q", name, e.ID, n.ETag, e.ETag)
			case e.ID == retagged:
				if !cmp.Equal(n.Tags, map[string]string{"mine": "yes"}) {
					t.Errorf("%s@%s: tags %v, want those set after the job", name, e.ID, n.Tags)
				}
			case !cmp.Equal(n.Tags, e.Tags):
				t.Errorf("%s@%s: tags %v, were %v", name, e.ID, n.Tags, e.Tags)
			}
		}
	}
	for _, name := range deleted {
		if _, visible := l.content(b, name); visible {
			t.Errorf("%s: visible after the restore", name)
		}
	}
	for name, sum := range newest {
		if got, visible := l.content(b, name); !visible || got != sum {
			t.Errorf("%s: visible %v, newest bytes %v", name, visible, got == sum)
		}
	}
	for name, sum := range map[string][32]byte{"p/marker-removed": undeleted, "p/new-after-job": newAfterJob} {
		if got, visible := l.content(b, name); !visible || got != sum {
			t.Errorf("%s: visible %v, the bytes expected %v", name, visible, got == sum)
		}
	}
	// The job may have rotated an older version after this one, which
	// then sorts above it: the object must only stay visible.
	if got, visible := l.content(b, "p/new-before-job"); !visible {
		t.Errorf("p/new-before-job: hidden by the restore")
	} else if got != newBeforeJob {
		t.Logf("p/new-before-job: an older version sorts above the one written after the snapshot")
	}

	again, err := Restore(l.ctx, l.c, snap)
	if err != nil {
		t.Fatal(err)
	}
	if again.Writes() != 0 {
		t.Errorf("second restore: %v, want no writes", again)
	}
	if d := cmp.Diff(after, l.listing(b, "p/")); d != "" {
		t.Errorf("second restore changed the bucket (-after the first +after the second):\n%s", d)
	}
}

// TestRestoreUnversionedLive: in a bucket without versioning the listing
// names every object's only version "null"; its tags must go back on it.
func TestRestoreUnversionedLive(t *testing.T) {
	l := newLive(t)
	b := l.s.NewBucket(t)
	oldKey, newKey := l.s.NewKey(t), l.s.NewKey(t)
	for i := range 8 {
		l.put(b, fmt.Sprintf("o%d", i), oldKey, map[string]string{"n": fmt.Sprint(i)})
	}
	before := l.listing(b, "")
	snap, err := Take(l.ctx, l.c, scan.Scope{Bucket: b}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	l.rotate(b, "", newKey)
	got, err := Restore(l.ctx, l.c, snap)
	if err != nil {
		t.Fatal(err)
	}
	if got != (Result{TagsRestored: 8}) {
		t.Errorf("restore: %v, want 8 tag sets restored", got)
	}
	after := l.listing(b, "")
	for name, entries := range before {
		e, n := entries[0], after[name][0]
		if e.ID != nullVersion {
			t.Errorf("%s: version ID %q, want %q", name, e.ID, nullVersion)
		}
		if n.Key != newKey || !cmp.Equal(n.Tags, e.Tags) || n.ID != e.ID {
			t.Errorf("%s: %+v after, %+v before", name, n, e)
		}
	}
}
