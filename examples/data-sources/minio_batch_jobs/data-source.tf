# Every key rotation the server knows (finished ones for about 3 days).
data "minio_batch_jobs" "rotations" {
  type = "keyrotate"
}

output "running_rotations" {
  value = [for j in data.minio_batch_jobs.rotations.jobs : j.id]
}
