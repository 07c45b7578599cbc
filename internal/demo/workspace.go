package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// workspace is a Terraform working directory with the quickstart
// configuration, a local mirror holding the provider built from this
// checkout, and a CLI configuration that installs from that mirror only.
type workspace struct {
	root   string // everything the demo writes; removed at the end
	dir    string // the Terraform working directory inside root
	mirror string // the filesystem mirror inside root
	bin    string
	env    []string
	stdout io.Writer // where the CLI's output goes
	stderr io.Writer
}

// newWorkspace prepares a workspace from the checkout at repo, with the
// provider built under version; stackEnv is the connection settings of the
// demo's stack.
func newWorkspace(ctx context.Context, repo, version string, stackEnv map[string]string) (*workspace, error) {
	dir, err := os.MkdirTemp("", "minio-demo-")
	if err != nil {
		return nil, err
	}
	w := &workspace{root: dir, mirror: filepath.Join(dir, "mirror"), stdout: os.Stdout, stderr: os.Stderr}
	if err := w.prepare(ctx, repo, version, stackEnv); err != nil {
		w.remove()
		return nil, err
	}
	return w, nil
}

func (w *workspace) prepare(ctx context.Context, repo, version string, stackEnv map[string]string) error {
	cli, err := teststack.TerraformCLI(ctx, func(f string, a ...any) { fmt.Printf("    "+f+"\n", a...) })
	if err != nil {
		return err
	}
	w.bin = cli["TF_ACC_TERRAFORM_PATH"]
	say("building the provider v%s into a local mirror; using %s", version, w.bin)
	if err := buildIntoMirror(ctx, repo, w.mirror, version); err != nil {
		return err
	}
	rc := filepath.Join(w.root, "terraform.rc")
	// The provider from the mirror, every other one from its registry.
	cfg := teststack.MirrorCLIConfig(w.mirror, true, "minio-keyrotate/*")
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		return err
	}
	src, err := filepath.Glob(filepath.Join(repo, "examples", "quickstart", "*.tf"))
	if err != nil || len(src) == 0 {
		return fmt.Errorf("no examples/quickstart/*.tf in %s: run the demo from the repository root", repo)
	}
	w.dir = filepath.Join(w.root, "work")
	if err := os.MkdirAll(w.dir, 0o700); err != nil {
		return err
	}
	for _, f := range src {
		b, err := os.ReadFile(f)
		if err == nil {
			err = os.WriteFile(filepath.Join(w.dir, filepath.Base(f)), b, 0o600)
		}
		if err != nil {
			return err
		}
	}
	// The quickstart names no version; this override file pins the one just
	// built. An exact constraint is also the only way Terraform selects a
	// pre-release such as 0.1.0-dev.
	if err := os.WriteFile(filepath.Join(w.dir, "demo_override.tf"), []byte(versionOverride(version)), 0o600); err != nil {
		return err
	}
	// The user's own MINIO_* and KES_* settings (a session token, a region)
	// must not reach the demo's provider.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MINIO_") && !strings.HasPrefix(kv, "KES_") {
			w.env = append(w.env, kv)
		}
	}
	w.env = append(w.env, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
	for k, v := range stackEnv {
		w.env = append(w.env, k+"="+v)
	}
	return nil
}

// buildIntoMirror builds the provider once, with its version linked in as
// `make build` does, and lays it out in the mirror's unpacked layout under
// every registry host (teststack.AddToMirror).
func buildIntoMirror(ctx context.Context, repo, mirror, version string) error {
	if err := os.MkdirAll(mirror, 0o700); err != nil {
		return err
	}
	built, err := filepath.Abs(filepath.Join(mirror, teststack.MirrorBinaryName("minio", version)))
	if err != nil {
		return err
	}
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-X main.version="+version, "-o", built, ".")
	build.Dir, build.Stdout, build.Stderr = repo, os.Stdout, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building the provider (run the demo from the repository root): %w", err)
	}
	if err := teststack.AddToMirror(mirror, "minio-keyrotate", "minio", version, built); err != nil {
		return err
	}
	return os.Remove(built)
}

// versionOverride is a Terraform override file that requires exactly the
// given version of the provider.
func versionOverride(version string) string { return teststack.ProviderVersionOverride(version) }

// lock records the checksum of the provider in the mirror in
// .terraform.lock.hcl. Left to init, a provider installed from a
// filesystem mirror has its checksum computed on the spot, and init warns
// "Incomplete lock file information for providers"; locked beforehand,
// init checks the package against the lock file instead and says nothing.
func (w *workspace) lock(ctx context.Context) error {
	return w.run(ctx, "providers", "lock", "-fs-mirror="+w.mirror, "-platform="+runtime.GOOS+"_"+runtime.GOARCH, "-no-color")
}

func (w *workspace) run(ctx context.Context, args ...string) error {
	_, _, err := w.runCode(ctx, args...)
	return err
}

// runCode runs the CLI like run and also returns its exit code (-1 when it
// did not run) and output, for commands whose exit code is an answer:
// `plan -detailed-exitcode` exits 2 when it proposes changes.
func (w *workspace) runCode(ctx context.Context, args ...string) (int, string, error) {
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, w.bin, args...)
	cmd.Dir, cmd.Env = w.dir, w.env
	cmd.Stdout, cmd.Stderr = io.MultiWriter(w.stdout, &out), io.MultiWriter(w.stderr, &out)
	if err := cmd.Run(); err != nil {
		code, exit := -1, (*exec.ExitError)(nil)
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		}
		return code, out.String(), fmt.Errorf("%s %s: %w", filepath.Base(w.bin), args[0], err)
	}
	return 0, out.String(), nil
}

// numbers reads the configuration's number outputs (null as nil), without
// showing them: the demo prints them in its own table.
func (w *workspace) numbers(ctx context.Context) (map[string]*int64, error) {
	cmd := exec.CommandContext(ctx, w.bin, "output", "-json", "-no-color")
	cmd.Dir, cmd.Env, cmd.Stderr = w.dir, w.env, w.stderr
	b, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s output: %w", filepath.Base(w.bin), err)
	}
	var outputs map[string]struct{ Value json.RawMessage }
	if err := json.Unmarshal(b, &outputs); err != nil {
		return nil, fmt.Errorf("reading terraform output -json: %w", err)
	}
	n := map[string]*int64{}
	for name, o := range outputs {
		var v *int64
		if json.Unmarshal(o.Value, &v) == nil {
			n[name] = v
		}
	}
	return n, nil
}

func (w *workspace) remove() { os.RemoveAll(w.root) }
