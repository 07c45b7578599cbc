import {
  to = minio_bucket_encryption.finance
  identity = {
    bucket = "finance"
  }
}
