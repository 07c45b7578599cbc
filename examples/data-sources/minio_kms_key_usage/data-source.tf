# Last month's key is being retired. Before allow_destroy is turned on,
# check that nothing in MinIO still depends on it: no object version sealed
# under it in any bucket, and no bucket whose default encryption names it.
# (Destroy runs the same check again and refuses by itself; this makes the
# plan fail early, with the counts, and keeps allow_destroy off until then.)
data "minio_kms_key_usage" "finance_2026_10" {
  key = "finance-2026-10"
}

resource "minio_kes_key" "finance_2026_10" {
  name          = "finance-2026-10"
  allow_destroy = true

  # The check lists every version of every bucket before deleting: give a
  # large deployment time.
  timeouts {
    delete = "2h"
  }

  lifecycle {
    precondition {
      condition     = data.minio_kms_key_usage.finance_2026_10.versions == 0
      error_message = "finance-2026-10 still seals ${data.minio_kms_key_usage.finance_2026_10.versions} object versions in ${join(", ", [for b in data.minio_kms_key_usage.finance_2026_10.buckets : "${b.bucket} (${b.versions})" if b.versions > 0])}: rotate them with minio_batch_keyrotate first."
    }
    precondition {
      condition     = alltrue([for b in data.minio_kms_key_usage.finance_2026_10.buckets : !b.default_names_key])
      error_message = "Buckets ${join(", ", [for b in data.minio_kms_key_usage.finance_2026_10.buckets : b.bucket if b.default_names_key])} still write new objects under finance-2026-10: point their minio_bucket_encryption at the new key first."
    }
    precondition {
      condition     = !data.minio_kms_key_usage.finance_2026_10.minio_default_key
      error_message = "finance-2026-10 is MinIO's KMS default key (SSE-S3 and MinIO's own configuration depend on it)."
    }
  }
}

# For the reviewer: what still depends on the key, bucket by bucket.
output "finance_2026_10_usage" {
  value = {
    versions        = data.minio_kms_key_usage.finance_2026_10.versions
    bytes           = data.minio_kms_key_usage.finance_2026_10.bytes
    buckets         = data.minio_kms_key_usage.finance_2026_10.buckets
    buckets_scanned = data.minio_kms_key_usage.finance_2026_10.buckets_scanned
  }
}
