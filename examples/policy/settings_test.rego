package minio.keyrotate_test

test_defaults_need_no_settings if {
	verdict(plan_of([kes_key_created("a", "finance-2026-11")])) == set()
}

test_misspelled_setting_denied if {
	verdict_with(plan_of([]), {"kes_key_deletion_allowed": ["x"]}) == {"settings: unknown setting \"kes_key_deletion_allowed\" (known: allow_drop_expires, allow_no_verify, allow_no_wait, allow_notify_token_in_state, allow_unknown_values, bucket_encryption_removals_allowed, kes_key_deletion_requires_report, kes_key_deletions_allowed, key_pattern, require_preview, require_sse_kms)"}
}

# "true" as a string would otherwise read as false, or the other way round.
test_mistyped_setting_denied if {
	verdict_with(plan_of([]), {"allow_no_wait": "true", "kes_key_deletions_allowed": "finance-2026-09"}) == {
		"settings: allow_no_wait must be of type boolean, not string",
		"settings: kes_key_deletions_allowed must be of type array, not string",
	}
}

# An invalid pattern is reported, never taken as matching everything.
test_invalid_key_pattern_denied if {
	verdict_with(plan_of([kes_key_created("a", "finance-2026-11")]), {"key_pattern": "("}) == {"settings: key_pattern \"(\" is not a valid regular expression"}
}

# Settings as a Rego package (HCP Terraform, conftest) read as a data file does.
test_settings_from_rego_package if {
	p := plan_of([kes_key_destroyed("old", "finance-2026-09")])
	verdict(p) == set() with data.minio.keyrotate.settings.kes_key_deletions_allowed as ["finance-2026-09"]
}
