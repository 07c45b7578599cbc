# The keyrotate jobs of bucket finance that completed, ready to import
# with the arguments that reproduce them.
list "minio_batch_keyrotate" "finance" {
  provider         = minio
  include_resource = true
  limit            = 20

  config {
    bucket = "finance"
    status = "complete"
  }
}
