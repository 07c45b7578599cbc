package minio.keyrotate_test

no_preservation := {"preserve_tags": false, "preserve_deleted": false}

tags_msg(addr, preview, n) := sprintf("%s: preserve_tags = false, but %s shows %d tagged versions in scope: the rotation drops their tags", [addr, preview, n])

deleted_msg(addr, preview, n) := sprintf("%s: preserve_deleted = false, but %s shows %d deleted objects in scope: the rotation makes them visible again", [addr, preview, n])

# Preservation on: what the preview shows is put back.
test_preservation_on_allowed if {
	verdict(plan_read([rotation("finance", {})], [preview("finance", {"tagged_versions": 2, "deleted_objects": 4})])) == set()
}

# Preservation off and a preview showing nothing to lose.
test_nothing_to_lose_allowed if {
	verdict(plan_read([rotation("finance", no_preservation)], [preview("finance", {})])) == set()
}

test_preview_shows_losses_denied if {
	verdict(plan_read([rotation("finance", no_preservation)], [preview("finance", {"tagged_versions": 2, "deleted_objects": 4})])) == {
		tags_msg("minio_batch_keyrotate.finance", "data.minio_keyrotate_preview.finance", 2),
		deleted_msg("minio_batch_keyrotate.finance", "data.minio_keyrotate_preview.finance", 4),
	}
}

# Each flag answers for its own count.
test_each_flag_its_count if {
	rc := rotation("finance", {"preserve_tags": false})
	verdict(plan_read([rc], [preview("finance", {"tagged_versions": 0, "deleted_objects": 4})])) == set()
}

test_replacement_judged if {
	rc := replaced_rotation("finance", {"preserve_deleted": false})
	verdict(plan_read([rc], [preview("finance", {"deleted_objects": 1})])) == {deleted_msg("minio_batch_keyrotate.finance", "data.minio_keyrotate_preview.finance", 1)}
}

# The same scope however it is spelled: no prefix and "", no filter and an
# empty filter block, tag blocks in another order.
test_scope_spellings_match if {
	tags := [{"key": "class", "value": "pii*"}, {"key": "dept", "value": "hr"}]
	filter := {"created_after": null, "created_before": null, "kms_key": null, "newer_than": null, "older_than": "30d", "metadata": [], "tag": tags}
	rc := rotation("finance", object.union(no_preservation, {"prefix": "", "filter": filter}))
	p := preview("finance", {"tagged_versions": 3, "filter": {"older_than": "30d", "tag": [tags[1], tags[0]]}})
	verdict(plan_read([rc], [p])) == {tags_msg("minio_batch_keyrotate.finance", "data.minio_keyrotate_preview.finance", 3)}
}

# A preview of another scope says nothing about this rotation.
test_other_scope_is_no_preview if {
	rc := rotation("finance", object.union(no_preservation, {"prefix": "2024/"}))
	verdict(plan_read([rc], [preview("all", {"tagged_versions": 5})])) == {
		"minio_batch_keyrotate.finance: preserve_tags = false, and no minio_keyrotate_preview of the same bucket, prefix and filter is read at plan to show there are no tagged versions (settings.require_preview)",
		"minio_batch_keyrotate.finance: preserve_deleted = false, and no minio_keyrotate_preview of the same bucket, prefix and filter is read at plan to show there are no deleted objects (settings.require_preview)",
	}
}

test_no_preview_allowed_by_setting if {
	verdict_with(plan_of([rotation("finance", no_preservation)]), {"require_preview": false}) == set()
}

# require_preview = false still judges the previews the plan has.
test_preview_judged_without_requirement if {
	p := plan_read([rotation("finance", no_preservation)], [preview("finance", {"deleted_objects": 4})])
	verdict_with(p, {"require_preview": false}) == {deleted_msg("minio_batch_keyrotate.finance", "data.minio_keyrotate_preview.finance", 4)}
}

# A preview read only at apply has no counts at plan.
test_deferred_preview_denied if {
	rc := rotation("finance", {"preserve_tags": false})
	verdict(plan_of([rc, deferred_preview("finance", {})])) == {"minio_batch_keyrotate.finance: preserve_tags = false, but data.minio_keyrotate_preview.finance is read only at apply, so its tagged versions are unknown at plan"}
}

# A rotation whose scope is known only after apply matches no preview.
test_unknown_scope_is_no_preview if {
	rc := unknown(rotation("finance", {"preserve_tags": false}), ["prefix"])
	verdict(plan_read([rc], [preview("finance", {})])) == {"minio_batch_keyrotate.finance: preserve_tags = false, and no minio_keyrotate_preview of the same bucket, prefix and filter is read at plan to show there are no tagged versions (settings.require_preview)"}
}

# An unknown scope with preservation on needs no preview: tags from a module
# output are a normal filter.
test_unknown_scope_with_preservation_allowed if {
	rc := unknown(rotation("finance", {}), ["filter"])
	verdict(plan_of([rc])) == set()
}

# Previews read in child modules count too.
test_preview_in_child_module if {
	p := object.union(plan_of([rotation("finance", no_preservation)]), {"prior_state": {"values": {"root_module": {"child_modules": [{
		"address": "module.review",
		"resources": [object.union(preview("finance", {"tagged_versions": 7}), {"address": "module.review.data.minio_keyrotate_preview.finance"})],
	}]}}}})
	verdict(p) == {tags_msg("minio_batch_keyrotate.finance", "module.review.data.minio_keyrotate_preview.finance", 7)}
}
