package minio.keyrotate_test

test_sse_s3_denied if {
	sse_s3 := {"type": "sse-s3", "key": null, "context": null}
	verdict(plan_of([rotation("finance", {"encryption": sse_s3}), bucket_default("finance", {"type": "sse-s3", "key": null})])) == {
		`minio_batch_keyrotate.finance: encryption.type = "sse-s3" seals under MinIO's default key, and settings.require_sse_kms wants a named KMS key (sse-kms)`,
		`minio_bucket_encryption.finance: encryption.type = "sse-s3" seals under MinIO's default key, and settings.require_sse_kms wants a named KMS key (sse-kms)`,
	}
}

test_sse_s3_allowed_by_setting if {
	p := plan_of([bucket_default("finance", {"type": "sse-s3", "key": null})])
	verdict_with(p, {"require_sse_kms": false}) == set()
}

test_bucket_default_removal_denied if {
	verdict(plan_of([bucket_default_removed("finance")])) == {`minio_bucket_encryption.finance: destroying it removes the default encryption of bucket "finance", which settings.bucket_encryption_removals_allowed does not list`}
}

test_bucket_default_removal_allowed_when_listed if {
	verdict_with(plan_of([bucket_default_removed("finance")]), {"bucket_encryption_removals_allowed": ["finance"]}) == set()
}

# Moving the default to another bucket removes it from the old one.
test_bucket_default_move_denied if {
	rc := managed(
		"minio_bucket_encryption", "finance", ["delete", "create"],
		{"bucket": "finance", "id": "finance", "encryption": {"type": "sse-kms", "key": "finance-2026-11"}},
		{"bucket": "finance-archive", "encryption": {"type": "sse-kms", "key": "finance-2026-11"}},
		{"encryption": {}, "id": true},
	)
	verdict(plan_of([rc])) == {`minio_bucket_encryption.finance: replacing it removes the default encryption of bucket "finance", which settings.bucket_encryption_removals_allowed does not list`}
}

# Changing the default key is an update in place: judged by name only.
test_bucket_default_key_change_allowed if {
	rc := managed(
		"minio_bucket_encryption", "finance", ["update"],
		{"bucket": "finance", "id": "finance", "encryption": {"type": "sse-kms", "key": "finance-2026-10"}},
		{"bucket": "finance", "id": "finance", "encryption": {"type": "sse-kms", "key": "finance-2026-11"}},
		{"encryption": {}},
	)
	verdict(plan_of([rc])) == set()
}
