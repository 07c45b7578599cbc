package minio.keyrotate_test

test_notify_token_denied if {
	rc := rotation("finance", {"notify": {"endpoint": "https://hooks.example.com/rotation", "token": "Bearer s3cret", "token_wo": null, "token_wo_version": null}})
	verdict(plan_of([rc])) == {token_msg("minio_batch_keyrotate.finance")}
}

# A write-only token is null in every plan.
test_notify_token_wo_allowed if {
	rc := rotation("finance", {"notify": {"endpoint": "https://hooks.example.com/rotation", "token": null, "token_wo": null, "token_wo_version": 1}})
	verdict(plan_of([rc])) == set()
}

test_notify_token_allowed_by_setting if {
	rc := rotation("finance", {"notify": {"endpoint": "https://hooks.example.com/rotation", "token": "Bearer s3cret"}})
	verdict_with(plan_of([rc]), {"allow_notify_token_in_state": true}) == set()
}

# A token known only after apply still ends up in the state.
test_unknown_notify_token_denied if {
	rc := unknown(rotation("finance", {"notify": {"endpoint": "https://hooks.example.com/rotation", "token": "x"}}), ["notify", "token"])
	verdict(plan_of([rc])) == {unknown_msg("minio_batch_keyrotate.finance", "notify.token")}
}

test_safeguards_off_denied if {
	rc := rotation("finance", {"verify": false, "drop_expires": true})
	verdict(plan_of([rc])) == {
		"minio_batch_keyrotate.finance: verify = false: versions left on an old key never show as drift (settings.allow_no_verify allows it)",
		"minio_batch_keyrotate.finance: drop_expires = true removes the Expires header of every version re-sealed, for good (settings.allow_drop_expires allows it)",
	}
}

test_safeguards_off_allowed_by_settings if {
	rc := rotation("finance", {"verify": false, "drop_expires": true})
	verdict_with(plan_of([rc]), {"allow_no_verify": true, "allow_drop_expires": true}) == set()
}

# Not waiting needs both preservations off (the provider refuses otherwise),
# so the preview rules speak too.
test_no_wait_denied if {
	rc := rotation("finance", {"wait_for_completion": false, "preserve_tags": false, "preserve_deleted": false})
	verdict_with(plan_read([rc], [preview("finance", {})]), {}) == {"minio_batch_keyrotate.finance: wait_for_completion = false returns before the job ends: nothing is put back after it and a failure shows only at the next plan (settings.allow_no_wait allows it)"}
}

test_no_wait_allowed_by_setting if {
	rc := rotation("finance", {"wait_for_completion": false, "preserve_tags": false, "preserve_deleted": false})
	verdict_with(plan_read([rc], [preview("finance", {})]), {"allow_no_wait": true}) == set()
}
