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

  # One HEAD request per version: only for a modest scope.
  count_expires = true
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

  lifecycle {
    # A rotation rewrites the versions of a deleted object, which then
    # becomes visible again: refuse until those objects are dealt with.
    precondition {
      condition     = data.minio_keyrotate_preview.finance.deleted_objects == 0
      error_message = "${data.minio_keyrotate_preview.finance.deleted_objects} deleted objects under invoices/ would reappear after the rotation."
    }
    # Tags and Expires headers do not survive a rotation.
    precondition {
      condition     = data.minio_keyrotate_preview.finance.tagged_versions == 0 && data.minio_keyrotate_preview.finance.expires_headers == 0
      error_message = "The rotation would drop the tags of ${data.minio_keyrotate_preview.finance.tagged_versions} versions and the Expires header of ${data.minio_keyrotate_preview.finance.expires_headers}."
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
