# Every key follows the naming convention (settings.key_pattern,
# by default <purpose>-<yyyy>-<mm> such as finance-2026-11), so that a key's
# name says what it protects and since when, and retirement can go by date.
package minio.keyrotate

# [change, path of the key name in change.after]
named_keys contains [rc, ["encryption", "key"]] if some rc in judged_of("minio_batch_keyrotate")

named_keys contains [rc, ["encryption", "key"]] if some rc in judged_of("minio_bucket_encryption")

named_keys contains [rc, ["name"]] if some rc in judged_of("minio_kes_key")

# A null key (sse-s3) names nothing; an unknown one is left out of after
# and reported by unknown.rego.
deny contains msg if {
	some [rc, path] in named_keys
	name := object.get(rc.change.after, path, null)
	is_string(name)
	regex.is_valid(config.key_pattern)
	not regex.match(config.key_pattern, name)
	msg := sprintf("%s: %s %q does not follow the key naming convention %s (settings.key_pattern)", [rc.address, concat(".", path), name, config.key_pattern])
}
