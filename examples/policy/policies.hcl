# The OPA policy set for HCP Terraform and Terraform Enterprise: point a
# policy set's policies path at this directory, with OPA 1.0 or later (the
# policies are Rego v1). The run's plan arrives as input.plan, which the
# policies read as they read a plain `terraform show -json` file.
policy "minio-keyrotate" {
  description       = "MinIO key rotation: key names, KES key deletions, rotations that would lose tags or deleted objects, safeguards"
  query             = "data.minio.keyrotate.deny"
  enforcement_level = "mandatory"
}
