# Settings may also come from the environment: MINIO_ENDPOINT,
# MINIO_ACCESS_KEY, MINIO_SECRET_KEY, MINIO_ENABLE_HTTPS, MINIO_CACERT_FILE.
provider "minio" {
  endpoint   = "minio.example.com:9000"
  access_key = "rotation-bot"
  secret_key = var.minio_secret_key
  use_ssl    = true
}

variable "minio_secret_key" {
  type      = string
  sensitive = true
}
