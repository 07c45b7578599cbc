package policytest

import (
	"os"
	"testing"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// TestMain gives the tests a real MinIO+KES stack and a Terraform CLI
// (see teststack.TerraformCLI), as the provider's acceptance tests have;
// without TF_ACC they skip.
func TestMain(m *testing.M) {
	teststack.UseTerraformCLI()
	code := teststack.Main(m, teststack.Options{})
	removeProviderBinary()
	os.Exit(code)
}
