# Several buckets moved to one new KES key: the module
# ../bucket-key-rotation once per bucket (bucket default, preview,
# rotation), and every rotation's audit report in one output.
terraform {
  required_providers {
    minio = {
      source = "minio-keyrotate/minio"
    }
  }
}

# MinIO's endpoint and credentials come from the environment
# (MINIO_ENDPOINT, MINIO_ACCESS_KEY, MINIO_SECRET_KEY, ...). The KES
# settings left null come from KES_SERVER and KES_API_KEY.
provider "minio" {
  kes {
    endpoint = var.kes_endpoint
    api_key  = var.kes_api_key
  }
}

variable "kes_endpoint" {
  type        = string
  default     = null
  description = "KES server, e.g. https://kes.example.com:7373. Null: KES_SERVER."
}

variable "kes_api_key" {
  type        = string
  default     = null
  sensitive   = true
  description = "KES API key (kes:v1:...). Null: KES_API_KEY."
}

variable "buckets" {
  type        = set(string)
  default     = ["claims", "payslips"]
  description = "Buckets moved to the new key. Each must exist."
}

# This month's key. Destroy refuses to delete it while objects may be
# sealed under it (allow_destroy is false).
resource "minio_kes_key" "records_2026_11" {
  name = "records-2026-11"
}

module "rotation" {
  source   = "../bucket-key-rotation"
  for_each = var.buckets

  bucket = each.key
  # The reference creates the key before any bucket uses it.
  key = minio_kes_key.records_2026_11.name
}

# Every rotation's reports by bucket, oldest first: the JSON strings as the provider
# wrote them. Export with
#   terraform output -json rotation_reports > rotation-reports.json
output "rotation_reports" {
  value = { for b, m in module.rotation : b => m.reports }
}
