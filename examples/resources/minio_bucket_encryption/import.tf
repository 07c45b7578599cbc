import {
  to = minio_bucket_encryption.finance
  id = "finance"
}
