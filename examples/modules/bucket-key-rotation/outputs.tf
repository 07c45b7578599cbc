output "versions" {
  description = "Data versions in scope (under prefix), whatever their encryption, as the preview counted them at plan."
  value       = data.minio_keyrotate_preview.this.versions
}

output "pending" {
  description = "SSE-KMS versions in scope not under the key when the preview counted them at plan: what the rotation re-seals."
  value       = data.minio_keyrotate_preview.this.pending
}

output "tagged_versions" {
  description = "Versions in scope with tags, which the job drops and the rotation puts back."
  value       = data.minio_keyrotate_preview.this.tagged_versions
}

output "deleted_objects" {
  description = "Deleted objects the job would make visible again, which the rotation deletes again."
  value       = data.minio_keyrotate_preview.this.deleted_objects
}

output "status" {
  description = "The rotation's job: running, complete, failed or canceled."
  value       = minio_batch_keyrotate.this.status
}

output "report" {
  description = "The rotation's audit report: the JSON string the provider wrote, unchanged (hash and store it as is)."
  value       = minio_batch_keyrotate.this.report
}

output "reports" {
  description = "Every report the rotation keeps, oldest first: its history and the latest, each the string the provider wrote (the guide \"Audit evidence\")."
  value       = compact(concat(minio_batch_keyrotate.this.history, [minio_batch_keyrotate.this.report]))
}
