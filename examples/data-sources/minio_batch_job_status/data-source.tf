# Gate on a job started outside this configuration (mc batch start, another
# workspace): stop the run unless it completed. MinIO purges a finished job
# about 3 days after it ends; reading it afterwards fails with "Batch Job Not
# Found". To gate on a minio_batch_keyrotate of this configuration, put a
# postcondition on the resource itself (self.status, self.versions_pending).
variable "job_id" {
  type = string
}

data "minio_batch_job_status" "rotation" {
  id = var.job_id

  lifecycle {
    postcondition {
      condition     = self.status == "complete"
      error_message = "Job ${self.id} is ${self.status} (${self.objects_failed} objects failed)."
    }
  }
}

# Or report it on every plan without failing, as a check block: a failed
# or purged read is a warning there, not an error.
check "rotation_complete" {
  data "minio_batch_job_status" "check" {
    id = var.job_id
  }

  assert {
    condition     = data.minio_batch_job_status.check.status == "complete"
    error_message = "The rotation job has not completed."
  }
}
