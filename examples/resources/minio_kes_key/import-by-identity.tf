import {
  to = minio_kes_key.finance_2026_11
  identity = {
    name = "finance-2026-11"
  }
}
