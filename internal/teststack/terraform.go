package teststack

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

var tofuCLI = server{name: "tofu", pkg: "github.com/opentofu/opentofu/cmd/tofu"}

// TerraformCLI makes sure terraform-plugin-testing finds a CLI and returns
// the environment it needs: the terraform on PATH (or the one named by
// TF_ACC_TERRAFORM_PATH), else OpenTofu built from its pin. TEST_TF_CLI=tofu
// forces OpenTofu, to run the suite under it on a machine with both.
func TerraformCLI(ctx context.Context, logf func(string, ...any)) (map[string]string, error) {
	env, err := cliBinary(ctx, logf)
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

func cliBinary(ctx context.Context, logf func(string, ...any)) (map[string]string, error) {
	if os.Getenv("TEST_TF_CLI") != "tofu" {
		if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
			return map[string]string{"TF_ACC_TERRAFORM_PATH": p}, nil
		}
		if p, err := exec.LookPath("terraform"); err == nil {
			return map[string]string{"TF_ACC_TERRAFORM_PATH": p}, nil
		}
		logf("teststack: no terraform on PATH; using OpenTofu built from its pin")
	}
	bin, err := tofuCLI.binary(ctx, logf)
	if err != nil {
		return nil, fmt.Errorf("no terraform on PATH and OpenTofu could not be built: %w", err)
	}
	return map[string]string{
		"TF_ACC_TERRAFORM_PATH": bin,
		// OpenTofu resolves providers under its own registry host and
		// refuses the testing framework's placeholder namespace.
		"TF_ACC_PROVIDER_HOST":      "registry.opentofu.org",
		"TF_ACC_PROVIDER_NAMESPACE": "minio-keyrotate",
	}, nil
}
