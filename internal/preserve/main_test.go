package preserve

import (
	"os"
	"testing"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// TestMain runs the live tests on four nodes forming one erasure set: the
// deployment on which a rotation was measured to resurface every deleted
// object.
func TestMain(m *testing.M) {
	os.Exit(teststack.Main(m, teststack.Options{Topology: teststack.Distributed}))
}
