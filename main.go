// Command terraform-provider-minio serves the minio provider to Terraform
// and OpenTofu over plugin protocol 6.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/provider"
	buildversion "github.com/minio-keyrotate/terraform-provider-minio/internal/version"
)

// version may be set at link time: -ldflags "-X main.version=1.2.3" (the
// GNUmakefile passes the content of internal/version/VERSION). Without it
// the provider reports that same version.
var version string

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run with support for debuggers such as delve")
	flag.Parse()
	if version == "" {
		version = buildversion.Version
	}

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/minio-keyrotate/minio",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}
