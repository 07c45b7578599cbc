package policytest

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// TestMain gives the tests a real MinIO+KES stack and a Terraform CLI (the
// one on PATH, else OpenTofu built from its pin), as the provider's
// acceptance tests have; without TF_ACC they skip.
func TestMain(m *testing.M) {
	if os.Getenv("TF_ACC") != "" {
		env, err := teststack.TerraformCLI(context.Background(), func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) })
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		for k, v := range env {
			os.Setenv(k, v)
		}
	}
	code := teststack.Main(m, teststack.Options{})
	removeProviderBinary()
	os.Exit(code)
}
