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

  notify {
    endpoint = "https://hooks.example.com/rotation"
    token    = var.notify_token
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
}
