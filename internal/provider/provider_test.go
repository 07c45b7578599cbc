package provider

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// TestMain gives the acceptance tests one real MinIO+KES stack (see
// teststack.Main) and a Terraform CLI: the one on PATH, else OpenTofu
// built from its pin.
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
	os.Exit(teststack.Main(m, teststack.Options{}))
}

var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"minio": providerserver.NewProtocol6WithError(New("test")()),
}
