# Re-seal every object of 2024 in the finance bucket under this month's key.
resource "minio_batch_keyrotate" "finance" {
  bucket = "finance"
  prefix = "2024/"

  encryption {
    type = "sse-kms"
    key  = "finance-2026-11"
  }

  # Only objects tagged as personal data, and at least a week old.
  filter {
    older_than = "7d"

    tag {
      key   = "class"
      value = "pii*"
    }
  }

  # The token is write-only: sent with the job, never stored in plan or
  # state. Bump token_wo_version to send a new one with a new job.
  notify {
    endpoint         = "https://hooks.example.com/rotation"
    token_wo         = var.notify_token
    token_wo_version = 1
  }

  retry {
    attempts = 5
    delay    = "500ms"
  }

  # Changing the month starts a new rotation with the same arguments.
  triggers = { month = "2026-11" }

  timeouts {
    create = "2h"
  }
}

variable "notify_token" {
  type      = string
  sensitive = true
  ephemeral = true # Terraform 1.10+, OpenTofu 1.11+: kept out of plan files too
}
