# Every key rotation the server knows (finished ones for about 3 days).
data "minio_batch_jobs" "rotations" {
  type = "keyrotate"
}

# Their IDs, oldest first: what an import block takes.
output "rotation_job_ids" {
  value = [for j in data.minio_batch_jobs.rotations.jobs : j.id]
}
