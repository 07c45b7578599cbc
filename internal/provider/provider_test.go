package provider

import (
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// TestMain gives the acceptance tests one real MinIO+KES stack (see
// teststack.Main) and a Terraform CLI: the one on PATH, or the one
// TEST_TF_CLI chooses (see teststack.TerraformCLI).
func TestMain(m *testing.M) {
	teststack.UseTerraformCLI()
	os.Exit(teststack.Main(m, teststack.Options{}))
}

var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"minio": providerserver.NewProtocol6WithError(New("test")()),
}
