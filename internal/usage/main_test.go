package usage_test

import (
	"os"
	"testing"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// TestMain starts one MinIO+KES stack for the live tests when TF_ACC is
// set; without it they skip.
func TestMain(m *testing.M) {
	os.Exit(teststack.Main(m, teststack.Options{}))
}
