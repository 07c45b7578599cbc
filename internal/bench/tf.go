package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// tfCLI runs the Terraform CLI the tests use against the provider built
// from this checkout (a dev override, so no init).
type tfCLI struct {
	bin      string // the CLI
	provider string // the provider binary, to find its process
	env      map[string]string
	dir      string
}

func newTFCLI(ctx context.Context, dir string, stackEnv map[string]string, logf func(string, ...any)) (tfCLI, error) {
	root, err := repoRoot()
	if err != nil {
		return tfCLI{}, err
	}
	cli, err := teststack.TerraformCLI(ctx, logf)
	if err != nil {
		return tfCLI{}, err
	}
	t := tfCLI{bin: cli["TF_ACC_TERRAFORM_PATH"], dir: dir, provider: filepath.Join(dir, "bin", "terraform-provider-minio")}
	build := goCommand(ctx, "build", "-trimpath", "-o", t.provider, ".")
	build.Dir = root
	if err := build.Run(); err != nil {
		return tfCLI{}, fmt.Errorf("building the provider: %w", err)
	}
	rc := filepath.Join(dir, "terraform.rc")
	cfg := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n  }\n  direct {}\n}\n",
		"registry.terraform.io/minio-keyrotate/minio", filepath.Dir(t.provider))
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		return tfCLI{}, err
	}
	t.env = maps.Clone(stackEnv)
	t.env["TF_CLI_CONFIG_FILE"] = rc
	t.env["TF_IN_AUTOMATION"] = "1"
	t.env["CHECKPOINT_DISABLE"] = "1"
	logf("Terraform CLI %s, provider built into %s", t.bin, t.provider)
	return t, nil
}

// workspace is one Terraform working directory.
type workspace struct {
	cli tfCLI
	dir string
}

func (t tfCLI) workspace(name, hcl string) (workspace, error) {
	dir := filepath.Join(t.dir, name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return workspace{}, err
	}
	hcl = "terraform {\n  required_providers {\n    minio = { source = \"minio-keyrotate/minio\" }\n  }\n}\n\n" + hcl
	return workspace{cli: t, dir: dir}, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(hcl), 0o600)
}

// existing is a workspace made before by workspace.
func (t tfCLI) existing(name string) (workspace, error) {
	dir := filepath.Join(t.dir, name)
	_, err := os.Stat(filepath.Join(dir, "main.tf"))
	return workspace{cli: t, dir: dir}, err
}

// run runs the CLI with args and extra environment, and returns its wall
// time; the output is kept for the error.
func (w workspace) run(ctx context.Context, extra map[string]string, args ...string) (time.Duration, error) {
	cmd := exec.CommandContext(ctx, w.cli.bin, append(args, "-input=false", "-no-color")...)
	cmd.Dir = w.dir
	cmd.Env = os.Environ()
	for k, v := range w.cli.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	for k, v := range extra {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	began := time.Now()
	err := cmd.Run()
	took := time.Since(began)
	if err != nil {
		return took, fmt.Errorf("terraform %s in %s: %w\n%s", args[0], w.dir, err, out.String())
	}
	return took, nil
}

// output reads a string output from the workspace's state file.
func (w workspace) output(name string) (string, error) {
	b, err := os.ReadFile(filepath.Join(w.dir, "terraform.tfstate"))
	if err != nil {
		return "", err
	}
	var st struct {
		Outputs map[string]struct {
			Value any `json:"value"`
		} `json:"outputs"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return "", err
	}
	o, ok := st.Outputs[name]
	if !ok {
		return "", fmt.Errorf("no output %q in %s", name, w.dir)
	}
	return fmt.Sprint(o.Value), nil
}
