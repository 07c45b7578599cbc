# Creating next month's key rotates the finance bucket to it, in the same
# apply. Key and action both take the name from a local (see below).
locals {
  finance_key = "finance-2026-12"
}

resource "minio_kes_key" "finance" {
  name = local.finance_key

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.minio_batch_keyrotate.finance]
    }
  }
}

action "minio_batch_keyrotate" "finance" {
  config {
    bucket = "finance"

    encryption {
      type = "sse-kms"
      key  = local.finance_key
    }

    retry {
      attempts = 5
      delay    = "500ms"
    }

    timeouts {
      invoke = "2h"
    }
  }
}

# Later, to rotate what was written under an older key since:
#   terraform apply -invoke=action.minio_batch_keyrotate.finance
