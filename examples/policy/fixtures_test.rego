# Plan excerpts for the tests, shaped as Terraform 1.11 writes them
# (`terraform show -json`), cut down to what the rules read.
package minio.keyrotate_test

import data.minio.keyrotate

# verdict(p) is the set of messages for plan p. Every test goes through it,
# so every case is checked in both input shapes: the plan as the input
# (opa eval, conftest) and under input.plan (HCP Terraform).
verdict(p) := d if {
	d := keyrotate.deny with input as p
	d == keyrotate.deny with input as {"plan": p, "run": {"workspace": {"name": "finance"}}}
}

# verdict_with(p, s) is verdict(p) with settings s.
verdict_with(p, s) := d if {
	d := verdict(p) with data.minio.keyrotate.settings as s
}

plan_of(changes) := {"format_version": "1.2", "terraform_version": "1.11.4", "resource_changes": changes}

# plan_read(changes, previews) is a plan that read the previews during plan,
# so that they are in prior_state.
plan_read(changes, previews) := object.union(plan_of(changes), {"prior_state": {
	"format_version": "1.0",
	"values": {"root_module": {"resources": previews}},
}})

managed(type, name, actions, before, after, unknown) := {
	"address": sprintf("%s.%s", [type, name]),
	"mode": "managed",
	"type": type,
	"name": name,
	"provider_name": "registry.terraform.io/minio-keyrotate/minio",
	"change": {"actions": actions, "before": before, "after": after, "after_unknown": unknown},
}

# unknown(rc, path) marks the value at path (one or two keys) known only
# after apply: Terraform leaves it out of after and sets it true in
# after_unknown.
unknown(rc, path) := object.union(
	json.remove(rc, [concat("/", array.concat(["change", "after"], path))]),
	{"change": {"after_unknown": marked(path)}},
)

marked([key]) := {key: true}

marked([block, key]) := {block: {key: true}}

rotation_after := {
	"bucket": "finance",
	"prefix": null,
	"filter": null,
	"encryption": {"type": "sse-kms", "key": "finance-2026-11", "context": null},
	"notify": null,
	"retry": null,
	"triggers": null,
	"timeouts": null,
	"preserve_tags": true,
	"preserve_deleted": true,
	"drop_expires": false,
	"verify": true,
	"wait_for_completion": true,
	"stall_timeout": "10m",
}

rotation_unknown := {"encryption": {}, "id": true, "status": true, "objects_rotated": true, "versions_pending": true}

# rotation(name, args) starts a job: rotation_after with args.
rotation(name, args) := managed("minio_batch_keyrotate", name, ["create"], null, object.union(rotation_after, args), rotation_unknown)

# replaced_rotation(name, args) is the replacement of a failed job.
replaced_rotation(name, args) := managed("minio_batch_keyrotate", name, ["delete", "create"], rotation_after, object.union(rotation_after, args), rotation_unknown)

kes_key_created(name, key) := managed("minio_kes_key", name, ["create"], null, {"name": key, "allow_destroy": false, "timeouts": null}, {"created_at": true, "id": true})

kes_key_state(key) := {"name": key, "id": key, "allow_destroy": false, "created_at": "2026-10-01T00:00:00Z", "timeouts": null}

kes_key_destroyed(name, key) := managed("minio_kes_key", name, ["delete"], kes_key_state(key), null, {})

kes_key_replaced(name, old, new) := managed("minio_kes_key", name, ["delete", "create"], kes_key_state(old), {"name": new, "allow_destroy": false, "timeouts": null}, {"created_at": true, "id": true})

kes_key_armed(name, key) := managed("minio_kes_key", name, ["update"], kes_key_state(key), object.union(kes_key_state(key), {"allow_destroy": true}), {})

bucket_default(name, encryption) := managed("minio_bucket_encryption", name, ["create"], null, {"bucket": "finance", "encryption": encryption}, {"encryption": {}, "id": true})

bucket_default_removed(name) := managed("minio_bucket_encryption", name, ["delete"], {"bucket": "finance", "id": "finance", "encryption": {"type": "sse-kms", "key": "finance-2026-10"}}, null, {})

preview_values := {
	"bucket": "finance",
	"prefix": null,
	"filter": null,
	"encryption": null,
	"count_expires": null,
	"versions": 9,
	"bytes": 9216,
	"tagged_versions": 0,
	"deleted_objects": 0,
	"pending": null,
	"expires_headers": null,
	"lifecycle_rules": 0,
}

# preview(name, values) is a preview read during plan, as prior_state holds it.
preview(name, values) := {
	"address": sprintf("data.minio_keyrotate_preview.%s", [name]),
	"mode": "data",
	"type": "minio_keyrotate_preview",
	"name": name,
	"values": object.union(preview_values, values),
}

# deferred_preview(name, args) is a preview Terraform reads only at apply:
# its arguments are known, its counts are not.
deferred_preview(name, args) := {
	"address": sprintf("data.minio_keyrotate_preview.%s", [name]),
	"mode": "data",
	"type": "minio_keyrotate_preview",
	"name": name,
	"action_reason": "read_because_dependency_pending",
	"change": {
		"actions": ["read"],
		"before": null,
		"after": object.union({"bucket": "finance", "prefix": null, "filter": null, "encryption": null, "count_expires": null}, args),
		"after_unknown": {"tagged_versions": true, "deleted_objects": true, "versions": true, "bytes": true},
	},
}

# The message texts the tests expect, written out once.
token_msg(addr) := sprintf("%s: notify.token is stored in the state in plain text; use notify.token_wo, which Terraform never stores (settings.allow_notify_token_in_state allows it)", [addr])

unknown_msg(addr, path) := sprintf("%s: %s is known only after apply, so the policies cannot check it at plan (settings.allow_unknown_values lets it through)", [addr, path])

name_msg(addr, path, name) := sprintf("%s: %s %q does not follow the key naming convention ^[a-z0-9]+(-[a-z0-9]+)*-[0-9]{4}-[0-9]{2}$ (settings.key_pattern)", [addr, path, name])
