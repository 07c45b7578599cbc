package teststack

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

var (
	tofuCLI = server{name: "tofu", pkg: "github.com/opentofu/opentofu/cmd/tofu"}
	// pinnedTerraformCLI is a Terraform with provider actions (>= 1.14),
	// built from build/terraform for the tests only (BUSL-1.1).
	// Without dev=no it calls itself a "-dev" prerelease.
	pinnedTerraformCLI = server{name: "terraform", pkg: "github.com/hashicorp/terraform", ldflags: "-X github.com/hashicorp/terraform/version.dev=no"}
)

// The CLIs the acceptance tests run under, chosen by TEST_TF_CLI.
const (
	CLIPath            = ""          // the terraform on PATH (or TF_ACC_TERRAFORM_PATH)
	CLIPinnedTerraform = "terraform" // Terraform built from build/terraform
	CLITofu            = "tofu"      // OpenTofu built from build/tofu
)

// TerraformCLI makes sure terraform-plugin-testing finds a CLI and returns
// the environment it needs. TEST_TF_CLI chooses it: unset, the terraform on
// PATH (or the one named by TF_ACC_TERRAFORM_PATH), else OpenTofu;
// "terraform", the pinned Terraform; "tofu", the pinned OpenTofu. Pinned
// CLIs are built on first use and cached.
func TerraformCLI(ctx context.Context, logf func(string, ...any)) (map[string]string, error) {
	env, err := cliBinary(ctx, os.Getenv("TEST_TF_CLI"), logf)
	if err != nil {
		return nil, err
	}
	// A CLI configuration that does not exist (unset, or named but absent)
	// makes Terraform warn and OpenTofu's warning even breaks the testing
	// framework's version parsing. An empty file avoids both.
	if _, err := os.Stat(os.Getenv("TF_CLI_CONFIG_FILE")); err != nil {
		rc := filepath.Join(os.TempDir(), "teststack-empty.tfrc")
		if err := os.WriteFile(rc, nil, 0o644); err != nil {
			return nil, err
		}
		env["TF_CLI_CONFIG_FILE"] = rc
	}
	return env, nil
}

// UseTerraformCLI is TerraformCLI for a TestMain: when TF_ACC is set it
// puts the CLI's environment into the process's, and exits with the
// reason when no CLI can be had.
func UseTerraformCLI() {
	if os.Getenv("TF_ACC") == "" {
		return
	}
	env, err := TerraformCLI(context.Background(), func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) })
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for k, v := range env {
		os.Setenv(k, v)
	}
}

// PinnedCLI builds (or finds in the cache) the pinned CLI named "terraform"
// or "tofu" and returns its path.
func PinnedCLI(ctx context.Context, name string, logf func(string, ...any)) (string, error) {
	switch name {
	case CLIPinnedTerraform:
		return pinnedTerraformCLI.binary(ctx, logf)
	case CLITofu:
		return tofuCLI.binary(ctx, logf)
	}
	return "", fmt.Errorf("no pinned CLI %q: use %q or %q", name, CLIPinnedTerraform, CLITofu)
}

func cliBinary(ctx context.Context, choice string, logf func(string, ...any)) (map[string]string, error) {
	switch choice {
	case CLIPath:
		if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
			return map[string]string{"TF_ACC_TERRAFORM_PATH": p}, nil
		}
		if p, err := exec.LookPath("terraform"); err == nil {
			return map[string]string{"TF_ACC_TERRAFORM_PATH": p}, nil
		}
		logf("teststack: no terraform on PATH; using OpenTofu built from its pin")
	case CLIPinnedTerraform:
		bin, err := PinnedCLI(ctx, choice, logf)
		if err != nil {
			return nil, fmt.Errorf("TEST_TF_CLI=terraform: the pinned Terraform could not be built: %w", err)
		}
		return map[string]string{"TF_ACC_TERRAFORM_PATH": bin}, nil
	case CLITofu:
	default:
		return nil, fmt.Errorf("TEST_TF_CLI=%q: use %q (pinned Terraform), %q (pinned OpenTofu), or leave it unset for the terraform on PATH", choice, CLIPinnedTerraform, CLITofu)
	}
	bin, err := PinnedCLI(ctx, CLITofu, logf)
	if err != nil {
		return nil, fmt.Errorf("OpenTofu could not be built: %w", err)
	}
	return map[string]string{
		"TF_ACC_TERRAFORM_PATH": bin,
		// OpenTofu resolves providers under its own registry host and
		// refuses the testing framework's placeholder namespace.
		"TF_ACC_PROVIDER_HOST":      "registry.opentofu.org",
		"TF_ACC_PROVIDER_NAMESPACE": "minio-keyrotate",
	}, nil
}
