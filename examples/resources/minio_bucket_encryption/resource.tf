# This month's key. Rotating the finance bucket to it moves the objects that
# are there; the bucket's default encryption decides the key of every object
# written afterwards, so both point at the same key.
resource "minio_kes_key" "finance_2026_11" {
  name = "finance-2026-11"
}

# Objects written to the bucket without encryption headers are sealed under
# this month's key from now on. Objects already stored keep their key: that
# is the rotation's job.
resource "minio_bucket_encryption" "finance" {
  bucket = "finance"

  encryption {
    type = "sse-kms"
    key  = minio_kes_key.finance_2026_11.name
  }
}

# Re-seal the objects already in the bucket under the same key.
resource "minio_batch_keyrotate" "finance" {
  bucket = "finance"

  encryption {
    type = "sse-kms"
    key  = minio_kes_key.finance_2026_11.name
  }
}
