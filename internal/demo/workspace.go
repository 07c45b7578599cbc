package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

const providerVersion = "0.0.1"

// workspace is a Terraform working directory with the quickstart
// configuration, a local mirror holding the provider built from this
// checkout, and a CLI configuration that installs from that mirror only.
type workspace struct {
	root string // everything the demo writes; removed at the end
	dir  string // the Terraform working directory inside root
	bin  string
	env  []string
}

func newWorkspace(ctx context.Context, stack *teststack.Stack) (*workspace, error) {
	dir, err := os.MkdirTemp("", "minio-demo-")
	if err != nil {
		return nil, err
	}
	w := &workspace{root: dir}
	cli, err := teststack.TerraformCLI(ctx, func(f string, a ...any) { fmt.Printf("    "+f+"\n", a...) })
	if err != nil {
		w.remove()
		return nil, err
	}
	w.bin = cli["TF_ACC_TERRAFORM_PATH"]
	say("building the provider into a local mirror; using %s", w.bin)
	mirror := filepath.Join(dir, "mirror")
	// The same source address resolves under the registry host of each CLI.
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		plat := filepath.Join(mirror, host, "minio-keyrotate", "minio", providerVersion, runtime.GOOS+"_"+runtime.GOARCH)
		build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(plat, "terraform-provider-minio_v"+providerVersion),
			"-ldflags", "-X main.version="+providerVersion, ".")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			w.remove()
			return nil, fmt.Errorf("building the provider (run the demo from the repository root): %w", err)
		}
	}
	rc := filepath.Join(dir, "terraform.rc")
	cfg := fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = ["registry.terraform.io/minio-keyrotate/*", "registry.opentofu.org/minio-keyrotate/*"]
  }
  direct {
    exclude = ["registry.terraform.io/minio-keyrotate/*", "registry.opentofu.org/minio-keyrotate/*"]
  }
}
`, mirror)
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		w.remove()
		return nil, err
	}
	src, err := filepath.Glob(filepath.Join("examples", "quickstart", "*.tf"))
	if err != nil || len(src) == 0 {
		w.remove()
		return nil, fmt.Errorf("no examples/quickstart/*.tf here: run the demo from the repository root")
	}
	w.dir = filepath.Join(dir, "work")
	if err := os.MkdirAll(w.dir, 0o700); err != nil {
		w.remove()
		return nil, err
	}
	for _, f := range src {
		b, err := os.ReadFile(f)
		if err == nil {
			err = os.WriteFile(filepath.Join(w.dir, filepath.Base(f)), b, 0o600)
		}
		if err != nil {
			w.remove()
			return nil, err
		}
	}
	// The user's own MINIO_* and KES_* settings (a session token, a region)
	// must not reach the demo's provider.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MINIO_") && !strings.HasPrefix(kv, "KES_") {
			w.env = append(w.env, kv)
		}
	}
	w.env = append(w.env, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	for k, v := range stack.Env() {
		w.env = append(w.env, k+"="+v)
	}
	return w, nil
}

func (w *workspace) run(ctx context.Context, args ...string) error {
	cmd := exec.CommandContext(ctx, w.bin, args...)
	cmd.Dir, cmd.Env = w.dir, w.env
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", filepath.Base(w.bin), args[0], err)
	}
	return nil
}

func (w *workspace) remove() { os.RemoveAll(w.root) }
