package minio.keyrotate_test

test_kes_key_destroy_denied if {
	verdict(plan_of([kes_key_destroyed("old", "finance-2026-09")])) == {`minio_kes_key.old: destroying it deletes KES key "finance-2026-09", which settings.kes_key_deletions_allowed does not list`}
}

test_kes_key_destroy_allowed_when_listed if {
	verdict_with(plan_of([kes_key_destroyed("old", "finance-2026-09")]), {"kes_key_deletions_allowed": ["finance-2026-09"]}) == set()
}

# Renaming a key replaces it: the old key is deleted.
test_kes_key_replacement_denied if {
	verdict(plan_of([kes_key_replaced("k", "finance-2026-10", "finance-2026-12")])) == {`minio_kes_key.k: replacing it deletes KES key "finance-2026-10", which settings.kes_key_deletions_allowed does not list`}
}

test_kes_key_replacement_allowed_when_listed if {
	verdict_with(plan_of([kes_key_replaced("k", "finance-2026-10", "finance-2026-12")]), {"kes_key_deletions_allowed": ["finance-2026-10"]}) == set()
}

# Listing one key allows no other.
test_kes_key_listing_is_by_name if {
	p := plan_of([kes_key_destroyed("a", "finance-2026-09"), kes_key_destroyed("b", "finance-2026-10")])
	verdict_with(p, {"kes_key_deletions_allowed": ["finance-2026-09"]}) == {`minio_kes_key.b: destroying it deletes KES key "finance-2026-10", which settings.kes_key_deletions_allowed does not list`}
}

# terraform state rm / removed blocks with destroy = false forget the key
# without deleting it.
test_kes_key_forget_allowed if {
	rc := managed("minio_kes_key", "old", ["forget"], kes_key_state("finance-2026-09"), null, {})
	verdict(plan_of([rc])) == set()
}

test_kes_key_arming_denied if {
	verdict(plan_of([kes_key_armed("old", "finance-2026-09")])) == {`minio_kes_key.old: allow_destroy = true lets a destroy delete KES key "finance-2026-09", which settings.kes_key_deletions_allowed does not list`}
}

test_kes_key_arming_allowed_when_listed if {
	verdict_with(plan_of([kes_key_armed("old", "finance-2026-09")]), {"kes_key_deletions_allowed": ["finance-2026-09"]}) == set()
}

# A state holding the rotation that moved finance-2026-09 away; report is
# the latest report's text, as the resource keeps it.
state_with_rotation(report) := {"prior_state": {"format_version": "1.0", "values": {"root_module": {"child_modules": [{
	"address": "module.finance",
	"resources": [{
		"address": "module.finance.minio_batch_keyrotate.this",
		"mode": "managed",
		"type": "minio_batch_keyrotate",
		"name": "this",
		"values": {"bucket": "finance", "report": json.marshal(report)},
	}],
}]}}}}

moved_away := {
	"schema": "minio-keyrotate/rotation-report/v1",
	"target": {"type": "sse-kms", "key": "finance-2026-10"},
	"outcome": "complete",
	"before": {"sse_kms_by_key": {"finance-2026-09": 12}},
	"verification": {"versions_pending": 0},
}

requires_report := {"kes_key_deletions_allowed": ["finance-2026-09"], "kes_key_deletion_requires_report": true}

test_kes_key_destroy_with_report_allowed if {
	p := object.union(plan_of([kes_key_destroyed("old", "finance-2026-09")]), state_with_rotation(moved_away))
	verdict_with(p, requires_report) == set()
}

test_kes_key_destroy_without_report_denied if {
	verdict_with(plan_of([kes_key_destroyed("old", "finance-2026-09")]), requires_report) == {`minio_kes_key.old: destroying it deletes KES key "finance-2026-09", and no rotation's latest report in the state shows its data moved to another key, complete with nothing pending (settings.kes_key_deletion_requires_report)`}
}

test_kes_key_destroy_with_pending_report_denied if {
	pending := object.union(moved_away, {"verification": {"versions_pending": 3}})
	p := object.union(plan_of([kes_key_destroyed("old", "finance-2026-09")]), state_with_rotation(pending))
	count(verdict_with(p, requires_report)) == 1
}

test_kes_key_destroy_report_of_other_key_denied if {
	other := json.patch(moved_away, [{"op": "replace", "path": "/before/sse_kms_by_key", "value": {"finance-2026-08": 4}}])
	p := object.union(plan_of([kes_key_destroyed("old", "finance-2026-09")]), state_with_rotation(other))
	count(verdict_with(p, requires_report)) == 1
}
