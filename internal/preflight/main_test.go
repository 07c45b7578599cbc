package preflight_test

import (
	"os"
	"testing"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

func TestMain(m *testing.M) {
	os.Exit(teststack.Main(m, teststack.Options{}))
}
