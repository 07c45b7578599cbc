package conn_test

import (
	"os"
	"testing"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// TestMain starts a real MinIO and KES for the live tests when TF_ACC is
// set; without it they skip and the package's unit tests run alone.
func TestMain(m *testing.M) {
	os.Exit(teststack.Main(m, teststack.Options{}))
}
