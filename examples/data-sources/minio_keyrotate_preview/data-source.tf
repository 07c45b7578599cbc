# What the rotation below would touch, counted before it runs.
data "minio_keyrotate_preview" "finance" {
  bucket = "finance"
  prefix = "invoices/"

  filter {
    older_than = "30d"
  }

  encryption {
    type = "sse-kms"
    key  = "finance-2026-11"
  }
}

resource "minio_batch_keyrotate" "finance" {
  bucket = data.minio_keyrotate_preview.finance.bucket
  prefix = data.minio_keyrotate_preview.finance.prefix

  filter {
    older_than = "30d"
  }

  encryption {
    type = "sse-kms"
    key  = "finance-2026-11"
  }

  # This rotation turns off putting back tags and deleted objects (for
  # example to save the requests on a huge bucket): only allow that while
  # there is nothing to put back.
  preserve_tags    = false
  preserve_deleted = false

  lifecycle {
    precondition {
      condition     = data.minio_keyrotate_preview.finance.deleted_objects == 0
      error_message = "${data.minio_keyrotate_preview.finance.deleted_objects} deleted objects under invoices/ would reappear: keep preserve_deleted on."
    }
    precondition {
      condition     = data.minio_keyrotate_preview.finance.tagged_versions == 0
      error_message = "The rotation would drop the tags of ${data.minio_keyrotate_preview.finance.tagged_versions} versions: keep preserve_tags on."
    }
  }
}

# For the reviewer: how much is still under an old key, and where.
output "finance_rotation_preview" {
  value = {
    pending         = data.minio_keyrotate_preview.finance.pending
    bytes           = data.minio_keyrotate_preview.finance.bytes
    by_key          = data.minio_keyrotate_preview.finance.by_key
    lifecycle_rules = data.minio_keyrotate_preview.finance.lifecycle_rules
  }
}
