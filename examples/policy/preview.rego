# A rotation that turns off preserve_tags or preserve_deleted loses what
# MinIO's job destroys: the tags of every version it re-seals, and deleted
# objects become visible again. That is safe only where a preview of the
# same scope shows there is nothing to lose.
package minio.keyrotate

# Each preservation flag and the preview count of what it protects.
preservations := {
	"preserve_tags": {"count": "tagged_versions", "what": "tagged versions", "loss": "the rotation drops their tags"},
	"preserve_deleted": {"count": "deleted_objects", "what": "deleted objects", "loss": "the rotation makes them visible again"},
}

# Previews read during plan are in prior_state (child modules included),
# with their counts; those Terraform reads only at apply (a dependency has
# changes, or an argument is known only after apply) are resource changes
# with action read, and their counts are unknown at plan.
deferred_previews contains rc if {
	some rc in plan.resource_changes
	rc.mode == "data"
	rc.type == "minio_keyrotate_preview"
	"read" in rc.change.actions
}

read_previews contains r if {
	some m in state_modules
	some r in object.get(m, "resources", [])
	r.mode == "data"
	r.type == "minio_keyrotate_preview"
	not r.address in {d.address | some d in deferred_previews}
}

state_modules contains m if {
	walk(object.get(plan, ["prior_state", "values", "root_module"], {}), [path, m])
	module_path(path)
}

module_path(path) if count(path) == 0

module_path(path) if path[count(path) - 2] == "child_modules"

# The scope a rotation and its preview must share. An absent prefix is "";
# an absent filter block, an empty one and one of nulls are the same; the
# order of tag and metadata blocks does not matter.
scope(values) := {"bucket": values.bucket, "prefix": prefix_of(values), "filter": filter_terms(object.get(values, "filter", null))}

prefix_of(values) := values.prefix if is_string(values.prefix)

else := ""

filter_terms(f) := {k: sorted(v) | some k, v in f; not v in {null, []}} if is_object(f)

else := {}

sorted(v) := sort(v) if is_array(v)

else := v

# A scope with anything known only after apply matches no preview.
scope_known(rc) if {
	not unknown_in(rc, "bucket")
	not unknown_in(rc, "prefix")
	not unknown_in(rc, "filter")
}

previews_of(rc) := {p |
	scope_known(rc)
	some p in read_previews
	scope(p.values) == scope(rc.change.after)
}

deferred_previews_of(rc) := {d |
	scope_known(rc)
	some d in deferred_previews
	scope_known(d)
	scope(d.change.after) == scope(rc.change.after)
}

# The preview shows something to lose.
deny contains msg if {
	some rc in rotations
	some flag, p in preservations
	rc.change.after[flag] == false
	some preview in previews_of(rc)
	n := preview.values[p.count]
	n > 0
	msg := sprintf("%s: %s = false, but %s shows %d %s in scope: %s", [rc.address, flag, preview.address, n, p.what, p.loss])
}

# No preview read at plan shows it: the matching one is read only at apply,
# or there is none.
deny contains msg if {
	config.require_preview == true
	some rc in rotations
	some flag, p in preservations
	rc.change.after[flag] == false
	count(previews_of(rc)) == 0
	some d in deferred_previews_of(rc)
	msg := sprintf("%s: %s = false, but %s is read only at apply, so its %s are unknown at plan", [rc.address, flag, d.address, p.what])
}

deny contains msg if {
	config.require_preview == true
	some rc in rotations
	some flag, p in preservations
	rc.change.after[flag] == false
	count(previews_of(rc)) == 0
	count(deferred_previews_of(rc)) == 0
	msg := sprintf("%s: %s = false, and no minio_keyrotate_preview of the same bucket, prefix and filter is read at plan to show there are no %s (settings.require_preview)", [rc.address, flag, p.what])
}
