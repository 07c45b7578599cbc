package minio.keyrotate_test

# A key named by another resource's computed attribute (its id, say) is
# known only after apply: denied, not silently passed.
test_unknown_key_denied if {
	rc := unknown(rotation("finance", {}), ["encryption", "key"])
	verdict(plan_of([rc])) == {unknown_msg("minio_batch_keyrotate.finance", "encryption.key")}
}

test_unknown_key_allowed_by_setting if {
	rc := unknown(rotation("finance", {}), ["encryption", "key"])
	verdict_with(plan_of([rc]), {"allow_unknown_values": true}) == set()
}

# A dynamic block over an unknown collection leaves the whole block unknown:
# reported once, for the block.
test_unknown_block_reported_once if {
	rc := unknown(rotation("finance", {}), ["encryption"])
	verdict(plan_of([rc])) == {unknown_msg("minio_batch_keyrotate.finance", "encryption")}
}

test_unknown_kes_key_name if {
	rc := unknown(kes_key_created("k", "finance-2026-11"), ["name"])
	verdict(plan_of([rc])) == {unknown_msg("minio_kes_key.k", "name")}
}

test_unknown_bucket_default_key if {
	rc := unknown(bucket_default("finance", {"type": "sse-kms", "key": "x"}), ["encryption", "key"])
	verdict(plan_of([rc])) == {unknown_msg("minio_bucket_encryption.finance", "encryption.key")}
}

test_unknown_flag if {
	rc := unknown(rotation("finance", {}), ["wait_for_completion"])
	verdict(plan_of([rc])) == {unknown_msg("minio_batch_keyrotate.finance", "wait_for_completion")}
}

# Computed attributes nobody reads (the job id, counts) are always unknown
# on create: no message.
test_computed_attributes_not_reported if {
	verdict(plan_of([rotation("finance", {})])) == set()
}
