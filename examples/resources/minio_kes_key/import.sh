# Import an existing KES key by its name.
terraform import minio_kes_key.finance_2026_11 finance-2026-11
