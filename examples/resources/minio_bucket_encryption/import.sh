# Import a bucket's default encryption by the bucket name.
terraform import minio_bucket_encryption.finance finance
