variable "bucket" {
  type        = string
  description = "Bucket to move to the key: its default encryption, and the objects already in it. It must exist."
}

variable "key" {
  type        = string
  description = "KES key to move the bucket to. Pass minio_kes_key.NAME.name when the same configuration creates the key, so that it is created first."
}

variable "prefix" {
  type        = string
  default     = null
  description = "Rotate only the objects whose names start with this prefix (the bucket default is set for the whole bucket). Null: every object."
}
