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
