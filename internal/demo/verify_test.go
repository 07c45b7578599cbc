package main

import "testing"

// The demo's exit code is its verdict: one failed check must fail it.
func TestTableFailsOnAnyFailedCheck(t *testing.T) {
	ok := ratio("versions", 3, 3)
	if err := table([]row{ok}); err != nil {
		t.Errorf("all checks passed, table says %v", err)
	}
	for _, bad := range []row{ratio("versions", 2, 3), {what: "provider: versions_pending", result: "null"}} {
		if err := table([]row{ok, bad}); err == nil {
			t.Errorf("%s %s passed", bad.what, bad.result)
		}
	}
}
