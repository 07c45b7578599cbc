# The finance team's keys that something still uses, ready to import.
list "minio_kes_key" "finance" {
  provider         = minio
  include_resource = true

  config {
    pattern = "finance-*"
    in_use  = true
  }
}
