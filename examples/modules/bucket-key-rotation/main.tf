# One bucket moved to one KES key: its default encryption (objects written
# from now on) and a rotation of the objects already there (every version,
# with their tags and deleted objects kept). No provider block: the caller's
# provider configuration is used, so the module can be called with for_each.

# Objects written without encryption headers are sealed under the new key
# from now on.
resource "minio_bucket_encryption" "this" {
  bucket = var.bucket

  encryption {
    type = "sse-kms"
    key  = var.key
  }
}

# What the rotation touches, counted at plan time for the reviewer.
data "minio_keyrotate_preview" "this" {
  bucket = var.bucket
  prefix = var.prefix

  encryption {
    type = "sse-kms"
    key  = var.key
  }
}

# Re-seal what is already there under the same key.
resource "minio_batch_keyrotate" "this" {
  bucket = var.bucket
  prefix = var.prefix

  encryption {
    type = "sse-kms"
    # The reference orders the apply: the key exists and is the bucket
    # default before the job starts.
    key = minio_bucket_encryption.this.encryption.key
  }

  # MinIO's job drops tags and brings deleted objects back; put both back
  # (the defaults, spelled out).
  preserve_tags    = true
  preserve_deleted = true
}
