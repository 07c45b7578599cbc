# Every finance key, e.g. to check that last month's still exists.
data "minio_kes_keys" "finance" {
  pattern = "finance-*"
}

output "finance_keys" {
  value = [for k in data.minio_kes_keys.finance.keys : k.name]
}
