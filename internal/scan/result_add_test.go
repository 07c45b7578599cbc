package scan

import "testing"

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
