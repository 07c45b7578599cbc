package scan

import (
	"testing"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

func TestResultAddSumsEveryCount(t *testing.T) {
	a := &Result{Seen: 3, InScope: Tally{2, 20}, KMS: map[string]Tally{"k1": {2, 20}}, Tagged: 1, DeleteMarkers: 1, DeletedObjects: 1, Resurfacing: 1}
	b := &Result{Seen: 4, InScope: Tally{3, 30}, KMS: map[string]Tally{"k1": {1, 10}, "k2": {1, 10}}, Unencrypted: Tally{1, 10}, SSES3: Tally{0, 0}, SSEC: Tally{0, 0}, Tagged: 2, DeletedObjects: 2}
	a.Add(b)
	if a.Seen != 7 || a.InScope != (Tally{5, 50}) || a.KMS["k1"] != (Tally{3, 30}) || a.KMS["k2"] != (Tally{1, 10}) ||
		a.Unencrypted != (Tally{1, 10}) || a.Tagged != 3 || a.DeleteMarkers != 1 || a.DeletedObjects != 3 || a.Resurfacing != 1 {
		t.Errorf("got %+v", a)
	}
	empty := &Result{}
	empty.Add(b)
	if empty.KMS["k2"] != (Tally{1, 10}) {
		t.Errorf("adding into a result without keys: %+v", empty.KMS)
	}
}

// TestOldestPending: the earliest date among the versions not under the
// target, from one scan and across sites; none pending is zero.
func TestOldestPending(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC) }
	c := NewCounter(Scope{Bucket: "b"}, Options{})
	for _, v := range []Version{
		{Name: "a", VersionID: "1", LastModified: day(3), Encryption: Encryption{Kind: SSEKMS, Key: "old"}},
		{Name: "a", VersionID: "2", LastModified: day(1), Encryption: Encryption{Kind: SSEKMS, Key: "new"}},
		{Name: "b", VersionID: "3", LastModified: day(2), Encryption: Encryption{Kind: SSEKMS, Key: "older"}},
		{Name: "c", VersionID: "4", LastModified: day(5), Encryption: Encryption{Kind: SSEKMS, Key: "old"}},
	} {
		c.Add(v)
	}
	r := c.Result()
	kms := func(key string) keyrotate.Encryption { return keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: key} }
	if got := r.OldestPending(kms("new")); !got.Equal(day(2)) {
		t.Errorf("oldest pending for new: %v, want %v", got, day(2))
	}
	if got := r.OldestPending(kms("old")); !got.Equal(day(1)) {
		t.Errorf("oldest pending for old: %v, want %v", got, day(1))
	}
	site := &Result{}
	site.Add(r)
	site.Add(&Result{oldest: map[string]time.Time{"old": day(1).Add(-time.Hour)}})
	if got := site.OldestPending(kms("new")); !got.Equal(day(1).Add(-time.Hour)) {
		t.Errorf("across sites: %v", got)
	}
	if got := (&Result{}).OldestPending(kms("new")); !got.IsZero() {
		t.Errorf("nothing pending: %v", got)
	}
}
