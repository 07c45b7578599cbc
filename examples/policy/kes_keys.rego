# A KES key is deleted only when it is listed as being retired.
# Deleting a key makes every object sealed under it unreadable for good, and
# the provider's own check cannot see other deployments using the same KES.
package minio.keyrotate

# Destroy and replacement (the name forces one) both delete the key named
# in the state.
deny contains msg if {
	some rc in deleted_of("minio_kes_key")
	name := rc.change.before.name
	not name in config.kes_key_deletions_allowed
	msg := sprintf("%s: %s deletes KES key %q, which settings.kes_key_deletions_allowed does not list", [rc.address, deletion(rc), name])
}

# allow_destroy = true is the first step of a retirement: from then on a
# plain destroy deletes the key. It needs the same listing.
deny contains msg if {
	some rc in judged_of("minio_kes_key")
	rc.change.after.allow_destroy == true
	name := rc.change.after.name
	not name in config.kes_key_deletions_allowed
	msg := sprintf("%s: allow_destroy = true lets a destroy delete KES key %q, which settings.kes_key_deletions_allowed does not list", [rc.address, name])
}

# With settings.kes_key_deletion_requires_report, a deletion also needs the
# evidence: the latest report of a rotation in the state (the plan's
# prior_state, any module) that moved the key's data to another key.
deny contains msg if {
	config.kes_key_deletion_requires_report == true
	some rc in deleted_of("minio_kes_key")
	name := rc.change.before.name
	not rotated_away(name)
	msg := sprintf("%s: %s deletes KES key %q, and no rotation's latest report in the state shows its data moved to another key, complete with nothing pending (settings.kes_key_deletion_requires_report)", [rc.address, deletion(rc), name])
}

# latest_reports are the reports of the rotations in the state, decoded.
latest_reports contains report if {
	walk(object.get(plan, ["prior_state", "values"], {}), [_, value])
	value.mode == "managed"
	value.type == "minio_batch_keyrotate"
	is_string(value.values.report)
	report := json.unmarshal(value.values.report)
}

rotated_away(name) if {
	some report in latest_reports
	report.before.sse_kms_by_key[name] > 0
	report.target.key != name
	report.outcome == "complete"
	report.verification.versions_pending == 0
}
