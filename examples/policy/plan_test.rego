package minio.keyrotate_test

# The reviewed setup: a new key, the bucket default on it, a rotation to it
# with every safeguard on.
test_allowed_rotation if {
	verdict(plan_of([
		kes_key_created("finance_2026_11", "finance-2026-11"),
		bucket_default("finance", {"type": "sse-kms", "key": "finance-2026-11"}),
		rotation("finance", {}),
	])) == set()
}

test_empty_plan if {
	verdict(plan_of([])) == set()
}

# Both input shapes, spelled out once (verdict checks them on every test).
test_input_shapes if {
	p := plan_of([kes_key_destroyed("old", "finance-2026-09")])
	want := {`minio_kes_key.old: destroying it deletes KES key "finance-2026-09", which settings.kes_key_deletions_allowed does not list`}
	data.minio.keyrotate.deny == want with input as p
	data.minio.keyrotate.deny == want with input as {"plan": p, "run": {"organization": {"name": "acme"}}}
}

# What the plan leaves alone is not judged, however it was written.
test_no_op_not_judged if {
	rc := managed("minio_kes_key", "legacy", ["no-op"], kes_key_state("Legacy"), kes_key_state("Legacy"), {})
	verdict(plan_of([rc])) == set()
}

# A rotation's in-place changes start no job.
test_rotation_update_not_judged if {
	rc := managed("minio_batch_keyrotate", "finance", ["update"], rotation_after, object.union(rotation_after, {"wait_for_completion": false}), {})
	verdict(plan_of([rc])) == set()
}

# A rotation's replacement starts a job: judged like a create.
test_rotation_replacement_judged if {
	verdict(plan_of([replaced_rotation("finance", {"verify": false})])) == {"minio_batch_keyrotate.finance: verify = false: versions left on an old key never show as drift (settings.allow_no_verify allows it)"}
}

# Resources of other providers are not judged.
test_other_resources_ignored if {
	rc := managed("aws_kms_key", "x", ["delete"], {"name": "Whatever"}, null, {})
	verdict(plan_of([rc])) == set()
}
