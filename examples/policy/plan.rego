# What the rules read of a Terraform plan (`terraform show -json PLANFILE`).
package minio.keyrotate

# The plan arrives as the input itself (opa eval -i, conftest), or under
# input.plan next to input.run (HCP Terraform and Terraform Enterprise
# policy evaluations). A plan has no top-level "plan" key, so both work.
plan := object.get(input, "plan", input)

creates(rc) if "create" in rc.change.actions

deletes(rc) if "delete" in rc.change.actions

writes(rc) if creates(rc)

writes(rc) if "update" in rc.change.actions

# The changes the rules judge. A rotation is judged when the plan starts a
# job (create, or the create half of a replacement): its other changes are
# in place and start nothing. Keys and bucket defaults are judged when they
# are created or updated. Resources the plan leaves alone are not judged, so
# adopting the policies does not fail on what was applied before.
judged contains rc if {
	some rc in plan.resource_changes
	rc.mode == "managed"
	rc.type == "minio_batch_keyrotate"
	creates(rc)
}

judged contains rc if {
	some rc in plan.resource_changes
	rc.mode == "managed"
	rc.type in {"minio_bucket_encryption", "minio_kes_key"}
	writes(rc)
}

judged_of(type) := {rc | some rc in judged; rc.type == type}

# Deletions are read from resource_changes directly: a destroy has no
# "after" to judge, only the "before" it removes.
deleted_of(type) := {rc |
	some rc in plan.resource_changes
	rc.mode == "managed"
	rc.type == type
	deletes(rc)
}

# deletion(rc) says how a change deletes what its state holds.
deletion(rc) := "replacing it" if creates(rc)

deletion(rc) := "destroying it" if not creates(rc)

# unknown_prefix(rc, path) is the shortest prefix of path (keys into
# change.after) that Terraform marks known only after apply: the value
# itself, or a block holding it (a dynamic block over an unknown collection).
# Unknown values are left out of change.after, so a rule reading after
# alone would silently pass them.
unknown_prefix(rc, path) := prefix if {
	lengths := [n |
		some n in numbers.range(1, count(path))
		object.get(rc.change.after_unknown, array.slice(path, 0, n), false) == true
	]
	count(lengths) > 0
	prefix := array.slice(path, 0, min(lengths))
}

# unknown_in(rc, key) holds when anything under the top-level argument key
# is known only after apply.
unknown_in(rc, key) if walk(object.get(rc.change.after_unknown, key, false), [_, true])
