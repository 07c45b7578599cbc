# The configuration `make demo` applies: rotate every object of a bucket
# from its old SSE-KMS key to a new one. The provider reads its connection
# settings from the environment (MINIO_ENDPOINT, MINIO_ACCESS_KEY, ...).
terraform {
  required_providers {
    minio = {
      source = "minio-keyrotate/minio"
    }
  }
}

provider "minio" {}

variable "bucket" {
  type        = string
  description = "Bucket whose objects are rotated."
}

variable "new_key" {
  type        = string
  description = "KMS key the objects are rotated to."
}

resource "minio_batch_keyrotate" "quickstart" {
  bucket = var.bucket

  encryption {
    type = "sse-kms"
    key  = var.new_key
  }
}

output "job_id" {
  value = minio_batch_keyrotate.quickstart.id
}

output "status" {
  value = minio_batch_keyrotate.quickstart.status
}

output "objects_rotated" {
  value = minio_batch_keyrotate.quickstart.objects_rotated
}

output "tags_restored" {
  value = minio_batch_keyrotate.quickstart.tags_restored
}

output "delete_markers_restored" {
  value = minio_batch_keyrotate.quickstart.delete_markers_restored
}

output "versions_pending" {
  value = minio_batch_keyrotate.quickstart.versions_pending
}
