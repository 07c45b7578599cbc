package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

func spelledConfig(bucket, key, newerThan, metaKey, createdAfter string) string {
	return rotateConfig(bucket, key, fmt.Sprintf(`
  filter {
    newer_than    = %q
    created_after = %q
    metadata {
      key   = %q
      value = "fin"
    }
  }`, newerThan, createdAfter, metaKey))
}

func expectAction(a plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(rotateAddr, a)}}
}

// TestAccBatchKeyrotate_spellingIsNotAChange: an import reads a job back in
// canonical spelling ("7d" for "168h", the full header name, UTC); the same
// job spelled either way is updated in place, while a real change of the
// job replaces it.
func TestAccBatchKeyrotate_spellingIsNotAChange(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: []string{"fin"}, KMSKey: oldKey, UserMeta: map[string]string{"dept": "fin"}})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: spelledConfig(bucket, newKey, "168h", "dept", "2026-01-01T01:00:00+01:00")},
			{
				ResourceName: rotateAddr, ImportState: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					got := states[0].Attributes
					if got["filter.newer_than"] != "7d" || got["filter.metadata.0.key"] != "x-amz-meta-dept" || got["filter.created_after"] != "2026-01-01T00:00:00Z" {
						return fmt.Errorf("import did not read back the canonical spelling: %v", got)
					}
					return nil
				},
			},
			{
				// The spelling the import read back, in the configuration.
				Config:           spelledConfig(bucket, newKey, "7d", "x-amz-meta-dept", "2026-01-01T00:00:00Z"),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
			},
			{
				Config:           spelledConfig(bucket, newKey, "8d", "dept", "2026-01-01T01:00:00+01:00"),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionDestroyBeforeCreate),
			},
		},
	})
}
