package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// The testing framework cannot hold for_each instances or modules in its
// state, and shows only part of the CLI's output. These tests run the CLI
// itself on a provider binary built from this checkout, installed through
// dev_overrides.

var providerBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "provider-bin-")
	if err != nil {
		return "", err
	}
	out, err := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-minio"), "../..").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("building the provider: %w\n%s", err, out)
	}
	return dir, nil
})

// cliWorkspace is a working directory whose CLI uses the provider binary.
type cliWorkspace struct {
	t   *testing.T
	dir string
	env []string
	// cli is the CLI binary; empty means the run's (TF_ACC_TERRAFORM_PATH).
	cli string
}

// newCLIWorkspace writes files (relative path to content) into a new
// working directory.
func newCLIWorkspace(t *testing.T, a *acc, files map[string]string) *cliWorkspace {
	t.Helper()
	return newCLIWorkspaceOn(t, a.stack, files)
}

// newCLIWorkspaceOn is newCLIWorkspace for another stack than the
// package's (a cluster, say).
func newCLIWorkspaceOn(t *testing.T, stack *teststack.Stack, files map[string]string) *cliWorkspace {
	t.Helper()
	bin, err := providerBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rc := filepath.Join(dir, ".terraformrc")
	files[rc] = fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", "minio-keyrotate/minio", bin)
	declared := false
	for _, content := range files {
		declared = declared || strings.Contains(content, "required_providers")
	}
	if !declared {
		files["providers.tf"] = "terraform {\n  required_providers {\n    minio = { source = \"minio-keyrotate/minio\" }\n  }\n}\n"
	}
	for name, content := range files {
		p := name
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, name)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w := &cliWorkspace{t: t, dir: dir}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MINIO_") && !strings.HasPrefix(kv, "KES_") && !strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") {
			w.env = append(w.env, kv)
		}
	}
	w.env = append(w.env, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "NO_COLOR=1")
	for k, v := range stack.Env() {
		w.env = append(w.env, k+"="+v)
	}
	t.Cleanup(func() {
		if _, err := os.Stat(filepath.Join(dir, "terraform.tfstate")); err == nil {
			if out, code := w.run("destroy", "-auto-approve", "-no-color"); code != 0 {
				t.Errorf("destroy failed (%d):\n%s", code, out)
			}
		}
	})
	return w
}

// write replaces a file of the working directory.
func (w *cliWorkspace) write(name, content string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, name), []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// remove deletes a file of the working directory.
func (w *cliWorkspace) remove(name string) {
	w.t.Helper()
	if err := os.Remove(filepath.Join(w.dir, name)); err != nil {
		w.t.Fatal(err)
	}
}

// read returns a file of the working directory.
func (w *cliWorkspace) read(name string) string {
	w.t.Helper()
	b, err := os.ReadFile(filepath.Join(w.dir, name))
	if err != nil {
		w.t.Fatal(err)
	}
	return string(b)
}

// run runs the CLI and returns its combined output and exit code.
func (w *cliWorkspace) run(args ...string) (string, int) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cli := w.cli
	if cli == "" {
		cli = os.Getenv("TF_ACC_TERRAFORM_PATH")
	}
	cmd := exec.CommandContext(ctx, cli, args...)
	cmd.Dir, cmd.Env = w.dir, w.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return out.String(), exit.ExitCode()
	case err != nil:
		w.t.Fatalf("running %v: %v", args, err)
	}
	return out.String(), 0
}

// must runs the CLI and fails the test unless it exits with want.
func (w *cliWorkspace) must(want int, args ...string) string {
	w.t.Helper()
	out, code := w.run(append(args, "-no-color")...)
	if code != want {
		w.t.Fatalf("%v exited %d, want %d:\n%s", args, code, want, out)
	}
	return out
}

// stateID is the id of the resource at addr in the workspace's state.
func (w *cliWorkspace) stateID(addr string) string {
	w.t.Helper()
	return w.stateAttr(addr, "id")
}

// stateAttr is the string (or number) attribute name of the resource at
// addr of the root module in the workspace's state, read with
// `terraform show -json`.
func (w *cliWorkspace) stateAttr(addr, name string) string {
	w.t.Helper()
	var shown struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Address string                     `json:"address"`
					Values  map[string]json.RawMessage `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(w.must(0, "show", "-json")), &shown); err != nil {
		w.t.Fatal(err)
	}
	for _, r := range shown.Values.RootModule.Resources {
		if raw, ok := r.Values[name]; ok && r.Address == addr {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				return s
			}
			return string(raw)
		}
	}
	w.t.Fatalf("no %s of %s in the state", name, addr)
	return ""
}

// unsetenv removes variables from the environment the CLI runs in.
func (w *cliWorkspace) unsetenv(names ...string) {
	w.env = slices.DeleteFunc(w.env, func(kv string) bool {
		name, _, _ := strings.Cut(kv, "=")
		return slices.Contains(names, name)
	})
}

// output is the workspace's output name as `terraform output -raw` prints
// it: a string or number as is.
func (w *cliWorkspace) output(name string) string {
	w.t.Helper()
	return w.must(0, "output", "-raw", name)
}

// requireTerraform114 skips a test of what (actions, list resources), which
// Terraform has from 1.14 on and OpenTofu 1.12 lacks. Such tests run under
// the pinned Terraform (TEST_TF_CLI=terraform, `make
// testacc-terraform-pinned`); .ci/run fails when one skips there or did not
// pass there.
func requireTerraform114(t *testing.T, what string) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("live test: set TF_ACC=1 to run it against a real MinIO and KES")
	}
	if ok, cli := terraform114(t); !ok {
		t.Skipf("%s need Terraform >= 1.14, and this run's CLI is %q: run under the pinned Terraform (TEST_TF_CLI=terraform)", what, cli)
	}
}

// terraform114 reports whether the run's CLI is Terraform 1.14 or later,
// and the CLI's first version line.
func terraform114(t *testing.T) (bool, string) {
	t.Helper()
	out, err := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "version").Output()
	if err != nil {
		t.Fatalf("asking the CLI its version: %v", err)
	}
	first, _, _ := strings.Cut(string(out), "\n")
	m := regexp.MustCompile(`^Terraform v(\d+)\.(\d+)\.`).FindStringSubmatch(first)
	if m == nil {
		return false, first
	}
	major, _ := strconv.Atoi(m[1])
	minor, _ := strconv.Atoi(m[2])
	return major > 1 || minor >= 14, first
}
