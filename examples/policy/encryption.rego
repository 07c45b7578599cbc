# What data is sealed under, and what stays sealed.
package minio.keyrotate

# With settings.require_sse_kms, data is sealed under named KMS keys, the
# ones the naming convention governs, never MinIO's default key (sse-s3),
# whose rotation and retirement this configuration does not control.
deny contains msg if {
	config.require_sse_kms == true
	some rc in judged
	rc.type in {"minio_batch_keyrotate", "minio_bucket_encryption"}
	rc.change.after.encryption.type == "sse-s3"
	msg := sprintf("%s: encryption.type = \"sse-s3\" seals under MinIO's default key, and settings.require_sse_kms wants a named KMS key (sse-kms)", [rc.address])
}

# Removing a bucket's default encryption leaves objects written afterwards
# without encryption unless each client asks for it. A replacement (another
# bucket) removes it from the bucket in the state.
deny contains msg if {
	some rc in deleted_of("minio_bucket_encryption")
	bucket := rc.change.before.bucket
	not bucket in config.bucket_encryption_removals_allowed
	msg := sprintf("%s: %s removes the default encryption of bucket %q, which settings.bucket_encryption_removals_allowed does not list", [rc.address, deletion(rc), bucket])
}
