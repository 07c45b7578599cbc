# Last month's key is being retired. Before allow_destroy is turned on,
# check that nothing in MinIO still depends on it: no object version sealed
# under it in any bucket, and no bucket whose default encryption names it.
# Under site replication the check covers every site of the group, each
# with its own copies: a rotation re-seals only the site it runs on.
# (Destroy runs the same check again and refuses by itself; this makes the
# plan fail early, with the counts, and keeps allow_destroy off until then.)
data "minio_kms_key_usage" "finance_2026_10" {
  key = "finance-2026-10"
}

locals {
  usage = data.minio_kms_key_usage.finance_2026_10
}

resource "minio_kes_key" "finance_2026_10" {
  name          = "finance-2026-10"
  allow_destroy = true

  # The check lists every version of every bucket of every site before
  # deleting: give a large deployment time.
  timeouts {
    delete = "2h"
  }

  lifecycle {
    precondition {
      condition     = local.usage.versions == 0
      error_message = "finance-2026-10 still seals ${local.usage.versions} object versions: ${join("; ", [for s in local.usage.sites : "${s.name == "" ? "this deployment" : "site ${s.name}"}: ${join(", ", [for b in s.buckets : "${b.bucket} (${b.versions})" if b.versions > 0])}" if s.versions > 0])}. Rotate them with minio_batch_keyrotate on every site named first."
    }
    precondition {
      condition     = alltrue([for b in local.usage.buckets : !b.default_names_key])
      error_message = "Buckets ${join(", ", [for b in local.usage.buckets : b.bucket if b.default_names_key])} still write new objects under finance-2026-10: point their minio_bucket_encryption at the new key first."
    }
    precondition {
      condition     = !local.usage.minio_default_key
      error_message = "finance-2026-10 is the KMS default key of ${join(", ", [for s in local.usage.sites : s.name == "" ? "MinIO" : "site ${s.name}" if s.server_default])} (SSE-S3 and MinIO's own configuration depend on it)."
    }
    precondition {
      condition     = length(local.usage.outside_targets) == 0
      error_message = "Buckets are replicated outside the site-replication group, where copies may still be sealed under finance-2026-10: ${join("; ", [for t in local.usage.outside_targets : t.description])}. Check those deployments, then set outside_replicas_checked = true instead of this precondition."
    }
  }
}

# For the reviewer: what still depends on the key, site by site.
output "finance_2026_10_usage" {
  value = {
    in_use          = local.usage.in_use
    versions        = local.usage.versions
    bytes           = local.usage.bytes
    buckets_scanned = local.usage.buckets_scanned
    sites = [for s in local.usage.sites : {
      site     = s.name
      endpoint = s.endpoint
      versions = s.versions
      buckets  = [for b in s.buckets : b.bucket]
    }]
    outside_targets = [for t in local.usage.outside_targets : t.description]
  }
}
