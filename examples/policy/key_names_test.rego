package minio.keyrotate_test

test_key_names_follow_convention if {
	verdict(plan_of([
		kes_key_created("a", "finance-2026-11"),
		kes_key_created("b", "hr-payroll-2027-01"),
		bucket_default("finance", {"type": "sse-kms", "key": "finance-2026-11"}),
		rotation("finance", {}),
	])) == set()
}

test_key_names_denied if {
	verdict(plan_of([
		kes_key_created("a", "Finance_Key"),
		bucket_default("finance", {"type": "sse-kms", "key": "finance-nov"}),
		rotation("finance", {"encryption": {"type": "sse-kms", "key": "finance-2026-1", "context": null}}),
	])) == {
		name_msg("minio_kes_key.a", "name", "Finance_Key"),
		name_msg("minio_bucket_encryption.finance", "encryption.key", "finance-nov"),
		name_msg("minio_batch_keyrotate.finance", "encryption.key", "finance-2026-1"),
	}
}

# A replacement creates the key under its new name.
test_key_name_of_replacement if {
	verdict_with(
		plan_of([kes_key_replaced("k", "finance-2026-10", "finance-nov")]),
		{"kes_key_deletions_allowed": ["finance-2026-10"]},
	) == {name_msg("minio_kes_key.k", "name", "finance-nov")}
}

# sse-s3 names no key (require_sse_kms judges it).
test_sse_s3_names_no_key if {
	verdict_with(
		plan_of([rotation("finance", {"encryption": {"type": "sse-s3", "key": null, "context": null}})]),
		{"require_sse_kms": false},
	) == set()
}

test_custom_key_pattern if {
	p := plan_of([kes_key_created("a", "fin.2026q4"), kes_key_created("b", "finance-2026-11")])
	verdict_with(p, {"key_pattern": `^[a-z]+\.[0-9]{4}q[1-4]$`}) == {`minio_kes_key.b: name "finance-2026-11" does not follow the key naming convention ^[a-z]+\.[0-9]{4}q[1-4]$ (settings.key_pattern)`}
}
