# A rotation keeps the provider's safeguards on. Each has a setting
# that allows turning it off.
package minio.keyrotate

rotations := judged_of("minio_batch_keyrotate")

# The state keeps notify.token in plain text, for anyone who can read the
# state; notify.token_wo reaches the provider without ever being stored.
deny contains msg if {
	config.allow_notify_token_in_state != true
	some rc in rotations
	is_string(rc.change.after.notify.token)
	msg := sprintf("%s: notify.token is stored in the state in plain text; use notify.token_wo, which Terraform never stores (settings.allow_notify_token_in_state allows it)", [rc.address])
}

# Without waiting, apply returns while the job runs: nothing it drops is put
# back and a failed job shows only at the next plan.
deny contains msg if {
	config.allow_no_wait != true
	some rc in rotations
	rc.change.after.wait_for_completion == false
	msg := sprintf("%s: wait_for_completion = false returns before the job ends: nothing is put back after it and a failure shows only at the next plan (settings.allow_no_wait allows it)", [rc.address])
}

# Without verification, versions written later under an old key (or
# restored from a backup) never show as drift.
deny contains msg if {
	config.allow_no_verify != true
	some rc in rotations
	rc.change.after.verify == false
	msg := sprintf("%s: verify = false: versions left on an old key never show as drift (settings.allow_no_verify allows it)", [rc.address])
}

# MinIO's rotation removes the Expires header of every version it re-seals,
# and it cannot be put back; the provider refuses at plan unless this is set.
deny contains msg if {
	config.allow_drop_expires != true
	some rc in rotations
	rc.change.after.drop_expires == true
	msg := sprintf("%s: drop_expires = true removes the Expires header of every version re-sealed, for good (settings.allow_drop_expires allows it)", [rc.address])
}
