package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
)

// TestAccKeyrotatePreview_countsWhatTheJobTouches: with a tag filter, a
// deleted object whose versions are untagged is left out of
// deleted_objects (the job never touches it), a tagged one counts; a
// target key MinIO's KMS cannot use is flagged with a warning and
// target_key_usable = false, an existing one is true.
func TestAccKeyrotatePreview_countsWhatTheJobTouches(t *testing.T) {
	a := newAcc(t)
	bucket, key, target := a.bucket(), a.key(), a.key()
	if err := a.s3.EnableVersioning(a.ctx(), bucket); err != nil {
		t.Fatal(err)
	}
	pii := map[string]string{"class": "pii"}
	a.previewWrite(bucket,
		previewPut{name: "tagged-gone", kmsKey: key, size: 10, tags: pii, remove: true},
		previewPut{name: "untagged-gone", kmsKey: key, size: 10, remove: true},
		previewPut{name: "tagged-live", kmsKey: key, size: 10, tags: pii},
	)
	config := func(targetKey string) string {
		return fmt.Sprintf(`
data "minio_keyrotate_preview" "p" {
  bucket = %q
  filter {
    tag {
      key   = "class"
      value = "pii"
    }
  }
  encryption {
    type = "sse-kms"
    key  = %q
  }
}
`, bucket, targetKey)
	}
	missing := randomName("no-such-key-")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config(target),
				ConfigStateChecks: []statecheck.StateCheck{
					previewValue(previewAddr, "versions", knownvalue.Int64Exact(2)),
					previewValue(previewAddr, "deleted_objects", knownvalue.Int64Exact(1)),
					previewValue(previewAddr, "target_key_usable", knownvalue.Bool(true)),
				},
			},
			{
				Config: config(missing),
				ConfigStateChecks: []statecheck.StateCheck{
					previewValue(previewAddr, "target_key_usable", knownvalue.Bool(false)),
					previewValue(previewAddr, "pending", knownvalue.Int64Exact(2)),
				},
			},
		},
	})
}
