package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

// startRawJob starts a keyrotate job through the admin API, outside
// Terraform, and returns its ID.
func (a *acc) startRawJob(bucket, key string) string {
	a.t.Helper()
	yaml := fmt.Sprintf("keyrotate:\n  apiVersion: v1\n  bucket: %s\n  encryption:\n    type: sse-kms\n    key: %s\n", bucket, key)
	out, err := batchjob.Start(a.ctx(), a.admin, yaml, batchjob.WaitOptions{})
	if err != nil {
		a.t.Fatalf("starting a job through the admin API: %v", err)
	}
	return out.JobID
}

// listed checks whether job id is (or is not) in the data source's list.
func listed(addr string, id *string, want bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		found := false
		for k, v := range rs.Primary.Attributes {
			if v == *id && len(k) > 5 && k[:5] == "jobs." && k[len(k)-3:] == ".id" {
				found = true
			}
		}
		if found != want {
			return fmt.Errorf("%s lists job %s: %t, want %t", addr, *id, found, want)
		}
		return nil
	}
}

// TestAccBatchJobs_listsJobStartedOutsideTerraform starts a job through the
// admin API and finds it in the list while it runs; the type filter keeps
// it in the keyrotate list and out of the replicate list.
func TestAccBatchJobs_listsJobStartedOutsideTerraform(t *testing.T) {
	a := newAcc(t)
	a.pace(300 * time.Millisecond)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("o-", 60), KMSKey: oldKey})
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() { id = a.startRawJob(bucket, newKey) },
			Config: `
data "minio_batch_jobs" "all" {}
data "minio_batch_jobs" "rotations" {
  type = "keyrotate"
}
data "minio_batch_jobs" "replications" {
  type = "replicate"
}`,
			Check: resource.ComposeAggregateTestCheckFunc(
				a.checkJobsRunning(&id),
				listed("data.minio_batch_jobs.all", &id, true),
				listed("data.minio_batch_jobs.rotations", &id, true),
				listed("data.minio_batch_jobs.replications", &id, false),
				resource.TestCheckResourceAttr("data.minio_batch_jobs.replications", "jobs.#", "0"),
			),
		}},
	})
}

// checkJobsRunning proves the listed job was still running when listed.
func (a *acc) checkJobsRunning(id *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		p, err := batchjob.Fetch(a.ctx(), a.admin, *id)
		if err != nil {
			return err
		}
		if p.Status != batchjob.StatusRunning {
			return fmt.Errorf("job %s is %s; the test wants it listed while it runs", *id, p.Status)
		}
		return nil
	}
}
