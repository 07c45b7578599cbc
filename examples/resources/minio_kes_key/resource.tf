# This month's key for the finance bucket. Destroy refuses to delete it
# while allow_destroy is false: objects sealed under it would be lost.
resource "minio_kes_key" "finance_2026_11" {
  name = "finance-2026-11"
}

# A key being retired on a deployment whose finance bucket is also
# replicated to a disaster-recovery deployment outside its site-replication
# group. Destroy checks every site of the group (versions, bucket defaults,
# each site's KMS default key) and refuses while any of them uses the key.
# It cannot list the DR deployment, whose replicas are sealed there under
# the same key name, so it also refuses while such a replication target
# exists, naming it. Once the DR deployment has been checked (for instance
# with minio_kms_key_usage through a provider configured for it),
# outside_replicas_checked = true lets the destroy past that target, and
# past nothing else. Apply it before destroying: it is read from state.
resource "minio_kes_key" "finance_2026_09" {
  name                     = "finance-2026-09"
  allow_destroy            = true
  outside_replicas_checked = true
}
