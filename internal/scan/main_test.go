package scan_test

import (
	"os"
	"testing"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// TestMain serves MinIO over HTTPS: MinIO refuses SSE-C on a plain
// connection, and the live tests seed SSE-C versions.
func TestMain(m *testing.M) {
	os.Exit(teststack.Main(m, teststack.Options{MinIOTLS: true}))
}
