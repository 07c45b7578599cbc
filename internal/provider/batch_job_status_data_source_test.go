package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

const statusAddr = "data.minio_batch_job_status.last"

func statusConfig(id string) string {
	return fmt.Sprintf(`
data "minio_batch_job_status" "last" {
  id = %q
}`, id)
}

// TestAccBatchJobStatus_matchesResource reads the status of a finished
// rotation through the data source and compares it with the resource, and
// gates on it with a postcondition.
func TestAccBatchJobStatus_matchesResource(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("o-", 25), KMSKey: oldKey})
	same := func(attr, dsAttr string) statecheck.StateCheck {
		return statecheck.CompareValuePairs(rotateAddr, tfjsonpath.New(attr), statusAddr, tfjsonpath.New(dsAttr), compare.ValuesSame())
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: rotateConfig(bucket, newKey, "") + `
data "minio_batch_job_status" "last" {
  id = minio_batch_keyrotate.test.id
  lifecycle {
    postcondition {
      condition     = self.status == "complete"
      error_message = "The rotation did not complete."
    }
  }
}`,
			ConfigStateChecks: []statecheck.StateCheck{
				same("id", "id"), same("status", "status"), same("objects_rotated", "objects"),
				same("objects_failed", "objects_failed"), same("last_object", "last_object"),
				same("started_at", "started_at"), same("user", "user"),
				statecheck.ExpectKnownValue(statusAddr, tfjsonpath.New("type"), knownvalue.StringExact("keyrotate")),
				statecheck.ExpectKnownValue(statusAddr, tfjsonpath.New("complete"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(statusAddr, tfjsonpath.New("failed"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(statusAddr, tfjsonpath.New("objects"), knownvalue.Int64Exact(25)),
				statecheck.ExpectKnownValue(statusAddr, tfjsonpath.New("bucket"), knownvalue.StringExact(bucket)),
			},
		}},
	})
}

// TestAccBatchJobStatus_gateFailsOnCanceledJob: the postcondition example
// stops a run whose rotation did not complete.
func TestAccBatchJobStatus_gateFailsOnCanceledJob(t *testing.T) {
	a := newAcc(t)
	a.pace(300 * time.Millisecond)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("o-", 20), KMSKey: oldKey})
	id := a.startRawJob(bucket, newKey)
	// A job canceled before its first report leaves no trace at all.
	a.waitForJob(id, batchjob.StatusRunning)
	if err := a.admin.CancelBatchJob(a.ctx(), id); err != nil {
		t.Fatal(err)
	}
	a.waitForJob(id, batchjob.StatusCanceled)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
data "minio_batch_job_status" "last" {
  id = %q
  lifecycle {
    postcondition {
      condition     = self.status == "complete"
      error_message = "Rotation ${self.id} is ${self.status}, not complete."
    }
  }
}`, id),
			ExpectError: regexp.MustCompile(`Rotation ` + regexp.QuoteMeta(id) + ` is canceled, not complete`),
		}},
	})
}

// TestAccBatchJobStatus_errors: a malformed ID and an ID of no job each get
// their own error; the second names MinIO's 3-day purge.
func TestAccBatchJobStatus_errors(t *testing.T) {
	newAcc(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: statusConfig("not-a-job"), ExpectError: regexp.MustCompile(`(?s)Malformed Batch Job ID.*not-a-job`)},
			{Config: statusConfig("keyrotate-AAAAAAAAAAAAAAAAAAAAAA:-1"), ExpectError: regexp.MustCompile(`(?s)Batch Job Not Found.*about\s+3\s+days`)},
			{
				// A rotation that found nothing pending started no job.
				Config: statusConfig(noJobID(time.Now())),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(statusAddr, tfjsonpath.New("status"), knownvalue.StringExact("complete")),
					statecheck.ExpectKnownValue(statusAddr, tfjsonpath.New("objects"), knownvalue.Int64Exact(0)),
				},
			},
			{
				// Nor did one whose start was refused, which did not complete.
				Config: statusConfig(notStartedID(time.Now())),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(statusAddr, tfjsonpath.New("status"), knownvalue.StringExact("failed")),
					statecheck.ExpectKnownValue(statusAddr, tfjsonpath.New("complete"), knownvalue.Bool(false)),
				},
			},
		},
	})
}
