# Settings: defaults here, overrides in data.minio.keyrotate.settings, from
# a data file (opa eval -d settings.json) or a Rego file of package
# minio.keyrotate.settings (HCP Terraform policy sets, conftest).
package minio.keyrotate

default_settings := {
	# Every key a change names: a rotation's target, a bucket's default key,
	# a KES key. Anchor it: an unanchored pattern passes on a partial match.
	"key_pattern": `^[a-z0-9]+(-[a-z0-9]+)*-[0-9]{4}-[0-9]{2}$`,
	# A value a rule reads that is known only after apply is denied, since
	# no rule can check it; true lets such values through unchecked.
	"allow_unknown_values": false,
	# KES key names that may be deleted (destroy, replacement) and may have
	# allow_destroy = true: the keys being retired.
	"kes_key_deletions_allowed": [],
	# A KES key is deleted only when the latest report of a rotation in the
	# state shows its data moved away: the key listed before the job, the
	# rotation complete, and nothing left pending.
	"kes_key_deletion_requires_report": false,
	# Buckets whose default encryption may be removed.
	"bucket_encryption_removals_allowed": [],
	# A rotation that turns off preserve_tags or preserve_deleted needs a
	# minio_keyrotate_preview of its scope, read at plan, showing nothing to
	# lose; false judges only the previews the plan happens to have.
	"require_preview": true,
	# Rotations and bucket defaults name a KMS key (sse-kms), never MinIO's
	# default key (sse-s3).
	"require_sse_kms": true,
	"allow_notify_token_in_state": false,
	"allow_no_wait": false,
	"allow_no_verify": false,
	"allow_drop_expires": false,
}

default configured := {}

configured := data.minio.keyrotate.settings

config := object.union(default_settings, configured)

# A misspelled or mistyped setting would silently keep its default: refuse
# it instead. These messages start with "settings:", not an address.
deny contains msg if {
	some key, _ in configured
	not key in object.keys(default_settings)
	msg := sprintf("settings: unknown setting %q (known: %s)", [key, concat(", ", sort(object.keys(default_settings)))])
}

deny contains msg if {
	some key, value in configured
	want := type_name(default_settings[key])
	type_name(value) != want
	msg := sprintf("settings: %s must be of type %s, not %s", [key, want, type_name(value)])
}

deny contains msg if {
	is_string(config.key_pattern)
	not regex.is_valid(config.key_pattern)
	msg := sprintf("settings: key_pattern %q is not a valid regular expression", [config.key_pattern])
}
