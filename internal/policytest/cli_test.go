package policytest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// The provider is built by the provider's own module (from the repository
// root), so that OPA's dependencies never change what goes into it.
var (
	binDir         string
	providerBinary = sync.OnceValues(func() (string, error) {
		dir, err := os.MkdirTemp("", "policytest-provider-")
		if err != nil {
			return "", err
		}
		binDir = dir
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-minio"), ".")
		cmd.Dir = "../.."
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("building the provider: %w\n%s", err, out)
		}
		return dir, nil
	})
)

func removeProviderBinary() {
	if binDir != "" {
		os.RemoveAll(binDir)
	}
}

// workspace is a working directory whose Terraform CLI uses the provider
// binary through dev_overrides, so it needs no init.
type workspace struct {
	t   *testing.T
	dir string
	env []string
}

func newWorkspace(t *testing.T, stack *teststack.Stack, config string) *workspace {
	t.Helper()
	bin, err := providerBinary()
	if err != nil {
		t.Fatal(err)
	}
	w := &workspace{t: t, dir: t.TempDir()}
	rc := filepath.Join(w.dir, ".terraformrc")
	w.write(".terraformrc", fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n", "minio-keyrotate/minio", bin))
	w.write("providers.tf", "terraform {\n  required_providers {\n    minio = { source = \"minio-keyrotate/minio\" }\n  }\n}\n")
	w.write("main.tf", config)
	// Later entries win: the stack's settings and this CLI configuration
	// replace whatever the environment has.
	w.env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "NO_COLOR=1")
	for k, v := range stack.Env() {
		w.env = append(w.env, k+"="+v)
	}
	return w
}

func (w *workspace) write(name, content string) {
	w.t.Helper()
	if err := os.WriteFile(filepath.Join(w.dir, name), []byte(content), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// must runs the CLI and fails the test unless it exits 0.
func (w *workspace) must(args ...string) string {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Getenv("TF_ACC_TERRAFORM_PATH"), append(args, "-no-color")...)
	cmd.Dir, cmd.Env = w.dir, w.env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			w.t.Fatalf("running %v: %v", args, err)
		}
		w.t.Fatalf("%v exited %d:\n%s%s", args, exit.ExitCode(), stdout.String(), stderr.String())
	}
	return stdout.String()
}

// plan makes a saved plan and returns it as `terraform show -json` does.
func (w *workspace) plan() map[string]any {
	w.t.Helper()
	w.must("plan", "-input=false", "-out=tfplan")
	var p map[string]any
	if err := json.Unmarshal([]byte(w.must("show", "-json", "tfplan")), &p); err != nil {
		w.t.Fatalf("reading the JSON plan: %v", err)
	}
	return p
}
