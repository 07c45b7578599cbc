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
