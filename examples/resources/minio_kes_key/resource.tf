# This month's key for the finance bucket. Destroy refuses to delete it
# while allow_destroy is false: objects sealed under it would be lost.
resource "minio_kes_key" "finance_2026_11" {
  name = "finance-2026-11"
}
