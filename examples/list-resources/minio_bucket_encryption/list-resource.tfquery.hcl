# Every bucket whose default encryption names last month's key.
list "minio_bucket_encryption" "on_old_key" {
  provider         = minio
  include_resource = true

  config {
    type = "sse-kms"
    key  = "finance-2026-10"
  }
}
