# One rotation per scope, each with its own tag filter.
variable "scopes" {
  type = map(object({
    prefix = string
    tags   = map(string)
  }))
  default = {
    pii   = { prefix = "customers/", tags = { class = "pii*" } }
    legal = { prefix = "contracts/", tags = { legal = "hold" } }
    all   = { prefix = "reports/", tags = {} }
  }
}

variable "target" {
  type    = object({ type = string, key = string })
  default = { type = "sse-kms", key = "finance-2026-11" }
}

resource "minio_batch_keyrotate" "scope" {
  for_each = var.scopes
  bucket   = "finance"
  prefix   = each.value.prefix

  dynamic "encryption" {
    for_each = [var.target]
    content {
      type = encryption.value.type
      key  = encryption.value.key
    }
  }

  # No filter block at all when a scope has no tags.
  dynamic "filter" {
    for_each = length(each.value.tags) > 0 ? [each.value.tags] : []
    content {
      dynamic "tag" {
        for_each = filter.value
        content {
          key   = tag.key
          value = tag.value
        }
      }
    }
  }
}
