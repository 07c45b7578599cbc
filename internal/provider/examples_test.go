package provider

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAccExamplesQuery_validateAsWritten validates every example the docs
// show beside a resource, data source, action or list resource, as
// written: each file on its own, an import example beside the resource it
// imports into (the guides and examples/modules are applied by their own
// tests). terraform validate -query needs Terraform >= 1.14.
func TestAccExamplesQuery_validateAsWritten(t *testing.T) {
	requireTerraform114(t, "list resources")
	a := newAcc(t)
	dirs, err := filepath.Glob("../../examples/*/minio_*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no example directories (%v)", err)
	}
	validated := 0
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.tf*"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			name := filepath.Base(f)
			if name == "resource.tf" && len(files) > 1 {
				continue // validated beside each import example
			}
			set := map[string]string{name: readExample(t, f)}
			if strings.HasPrefix(name, "import") {
				set["resource.tf"] = readExample(t, filepath.Join(dir, "resource.tf"))
			}
			w := newCLIWorkspace(t, a, set)
			if out, code := w.run("validate", "-query", "-no-color"); code != 0 {
				t.Errorf("%s/%s does not validate as written:\n%s", filepath.Base(dir), name, out)
			}
			validated++
		}
	}
	t.Logf("%d examples validated", validated)
}

func readExample(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
