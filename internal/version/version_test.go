package version

import (
	"os"
	"regexp"
	"testing"
)

// Terraform reads the version a provider reports, and the demo installs
// the provider under it, so it must be a semantic version without a "v".
func TestVersionIsSemantic(t *testing.T) {
	semver := regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	if !semver.MatchString(Version) {
		t.Fatalf("VERSION holds %q, want a semantic version such as 1.2.3 or 0.1.0-dev", Version)
	}
}

// The GNUmakefile reads VERSION with cat: the file must hold the version
// on one line and nothing else.
func TestFileIsOneLine(t *testing.T) {
	b, err := os.ReadFile("VERSION")
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != Version+"\n" {
		t.Fatalf("VERSION is %q, want the version and one newline: %q", b, Version+"\n")
	}
}
