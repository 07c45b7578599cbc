terraform {
  required_providers {
    minio = {
      source = "minio-keyrotate/minio"
    }
  }
}
