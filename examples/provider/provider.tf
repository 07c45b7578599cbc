# Settings may also come from the environment: MINIO_ENDPOINT,
# MINIO_ACCESS_KEY, MINIO_SECRET_KEY, MINIO_ENABLE_HTTPS, MINIO_CACERT_FILE
# (or MINIO_CACERT_PEM, the certificate itself), and for KES: KES_SERVER,
# KES_API_KEY. For runs without files (Terraform Cloud, CI) see the guide
# "Terraform Cloud and CI".
provider "minio" {
  endpoint   = "minio.example.com:9000"
  access_key = "rotation-bot"
  secret_key = var.minio_secret_key
  use_ssl    = true

  # Optional: manage KES keys, and check rotation targets in KES itself.
  kes {
    endpoint = "https://kes.example.com:7373"
    api_key  = var.kes_api_key
  }
}

variable "minio_secret_key" {
  type      = string
  sensitive = true
}

variable "kes_api_key" {
  type      = string
  sensitive = true
}
