package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	buildversion "github.com/minio-keyrotate/terraform-provider-minio/internal/version"
)

// TestInitWithoutLockFileWarning prepares the demo's workspace (no stack:
// init needs none) and checks what `make demo` promises before it applies:
// the provider is installed from the mirror under the version in
// internal/version/VERSION, and init prints no warning, in particular not
// "Incomplete lock file information for providers".
func TestInitWithoutLockFileWarning(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC is not set: this test builds the provider and runs the Terraform CLI")
	}
	ctx := context.Background()
	w, err := newWorkspace(ctx, filepath.Join("..", ".."), buildversion.Version, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.remove()
	var out bytes.Buffer
	w.stdout, w.stderr = &out, &out
	if err := w.lock(ctx); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	out.Reset()
	if err := w.run(ctx, "init", "-input=false", "-no-color"); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if strings.Contains(out.String(), "Warning") {
		t.Errorf("init warned:\n%s", out.String())
	}
	if want := "Installed minio-keyrotate/minio v" + buildversion.Version; !strings.Contains(out.String(), want) {
		t.Errorf("init output lacks %q:\n%s", want, out.String())
	}
	lock, err := os.ReadFile(filepath.Join(w.dir, ".terraform.lock.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`version     = "` + buildversion.Version + `"`, `"h1:`} {
		if !strings.Contains(string(lock), want) {
			t.Errorf(".terraform.lock.hcl lacks %s:\n%s", want, lock)
		}
	}
}

func TestVersionOverridePinsExactly(t *testing.T) {
	got := versionOverride("0.1.0-dev")
	for _, want := range []string{`source  = "minio-keyrotate/minio"`, `version = "0.1.0-dev"`} {
		if !strings.Contains(got, want) {
			t.Errorf("override file lacks %s:\n%s", want, got)
		}
	}
}
