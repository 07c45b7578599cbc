# Values known only after apply.
package minio.keyrotate

# What the rules read, by resource type. A value known only after apply
# (computed by another resource, such as a key's id rather than its name)
# cannot be checked, and a policy that cannot check fails closed. The
# rotation's bucket, prefix and filter are not here: unknown, they only
# matter to a rotation without preservation (see preview.rego).
read_at_plan := {
	"minio_batch_keyrotate": [
		["encryption", "type"], ["encryption", "key"], ["notify", "token"],
		["preserve_tags"], ["preserve_deleted"], ["wait_for_completion"],
		["verify"], ["drop_expires"],
	],
	"minio_bucket_encryption": [["encryption", "type"], ["encryption", "key"]],
	"minio_kes_key": [["name"], ["allow_destroy"]],
}

deny contains msg if {
	config.allow_unknown_values != true
	some rc in judged
	some path in read_at_plan[rc.type]
	prefix := unknown_prefix(rc, path)
	msg := sprintf("%s: %s is known only after apply, so the policies cannot check it at plan (settings.allow_unknown_values lets it through)", [rc.address, concat(".", prefix)])
}
