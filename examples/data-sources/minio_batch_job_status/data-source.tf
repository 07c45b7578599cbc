resource "minio_batch_keyrotate" "finance" {
  bucket = "finance"

  encryption {
    type = "sse-kms"
    key  = "finance-2026-11"
  }
}

# Gate on the rotation: stop the run unless the job completed.
data "minio_batch_job_status" "finance" {
  id = minio_batch_keyrotate.finance.id

  lifecycle {
    postcondition {
      condition     = self.status == "complete"
      error_message = "Rotation ${self.id} is ${self.status} (${self.objects_failed} objects failed)."
    }
  }
}

# Or report it on every plan without failing, as a check block.
check "finance_rotation_complete" {
  data "minio_batch_job_status" "check" {
    id = minio_batch_keyrotate.finance.id
  }

  assert {
    condition     = data.minio_batch_job_status.check.status == "complete"
    error_message = "The finance rotation has not completed."
  }
}
