package provider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/minio/kes-go"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

const kesKeyAddr = "minio_kes_key.test"

func kesKeyConfig(name, extra string) string {
	return fmt.Sprintf(`
resource "minio_kes_key" "test" {
  name = %q
  %s
}`, name, extra)
}

// noResources is a configuration without the key, so that a step plans
// its destroy.
const noResources = `
data "minio_kes_keys" "none" {
  pattern = "no-such-key-*"
}`

func (a *acc) kes() *kes.Client {
	a.t.Helper()
	kc, err := a.stack.KESClient()
	if err != nil {
		a.t.Fatal(err)
	}
	return kc
}

// checkKESKey asks KES whether key exists.
func (a *acc) checkKESKey(name string, want bool) resource.TestCheckFunc {
	return kesKeyCheck(a.stack, name, want)
}

// kesKeyCheck asks the KES of stack whether key exists.
func kesKeyCheck(stack *teststack.Stack, name string, want bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		kc, err := stack.KESClient()
		if err != nil {
			return err
		}
		_, err = kc.DescribeKey(context.Background(), name)
		switch {
		case want && err != nil:
			return fmt.Errorf("KES has no key %s: %w", name, err)
		case !want && err == nil:
			return fmt.Errorf("KES still has key %s", name)
		case !want && !errors.Is(err, kes.ErrKeyNotFound):
			return fmt.Errorf("asking KES about %s: %w", name, err)
		}
		return nil
	}
}

// TestAccKESKey_lifecycle creates a key, imports it, is refused its
// destroy by default, and deletes it once allow_destroy is set.
func TestAccKESKey_lifecycle(t *testing.T) {
	a := newAcc(t)
	name := randomName("tf-key-")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             a.checkKESKey(name, false),
		Steps: []resource.TestStep{
			{
				Config: kesKeyConfig(name, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(kesKeyAddr, tfjsonpath.New("id"), knownvalue.StringExact(name)),
					statecheck.ExpectKnownValue(kesKeyAddr, tfjsonpath.New("allow_destroy"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(kesKeyAddr, tfjsonpath.New("created_at"), knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
					statecheck.ExpectKnownValue(kesKeyAddr, tfjsonpath.New("created_by"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9a-f]{64}$`))),
				},
				Check: a.checkKESKey(name, true),
			},
			{ResourceName: kesKeyAddr, ImportState: true, ImportStateId: name, ImportStateVerify: true},
			{
				Config:      noResources,
				ExpectError: regexp.MustCompile(`(?s)KES Key Deletion Refused.*could\s+never\s+be\s+read\s+again`),
			},
			{
				Config: kesKeyConfig(name, "allow_destroy = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(kesKeyAddr, plancheck.ResourceActionUpdate)},
				},
				Check: a.checkKESKey(name, true),
			},
			{Config: noResources, Check: a.checkKESKey(name, false)},
		},
	})
}

// TestAccKESKey_existingKey refuses to adopt a key silently.
func TestAccKESKey_existingKey(t *testing.T) {
	a := newAcc(t)
	name := randomName("tf-key-")
	if err := a.kes().CreateKey(context.Background(), name); err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      kesKeyConfig(name, ""),
			ExpectError: regexp.MustCompile(`(?s)KES Key Already Exists.*with minio_kes_key\.test.*` + says(`an import block with id = "`+name+`", or `+"`terraform import`")),
		}},
	})
}

// TestAccKESKey_deletedOutOfBand shows a key deleted outside Terraform as
// one to create in the next plan.
func TestAccKESKey_deletedOutOfBand(t *testing.T) {
	a := newAcc(t)
	name := randomName("tf-key-")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: kesKeyConfig(name, "allow_destroy = true")},
			{
				PreConfig: func() {
					if err := a.kes().DeleteKey(context.Background(), name); err != nil {
						t.Fatal(err)
					}
				},
				Config: kesKeyConfig(name, "allow_destroy = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(kesKeyAddr, plancheck.ResourceActionCreate)},
				},
				Check: a.checkKESKey(name, true),
			},
		},
	})
}

// TestAccKESKey_rotateToNewKeyInOneApply creates a key and rotates a
// bucket to it in the same apply, through the reference.
func TestAccKESKey_rotateToNewKeyInOneApply(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey, newKey := a.bucket(), a.key(), randomName("tf-new-")
	names := inventory.Names("o-", 40)
	a.put(inventory.Seed{Bucket: bucket, Names: names, KMSKey: oldKey})
	before := a.hashes(bucket)
	config := kesKeyConfig(newKey, "allow_destroy = true") + fmt.Sprintf(`
resource "minio_batch_keyrotate" "test" {
  bucket     = %q
  encryption {
    type = "sse-kms"
    key  = minio_kes_key.test.name
  }
}`, bucket)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config,
			ConfigStateChecks: []statecheck.StateCheck{
				stateValue("status", knownvalue.StringExact("complete")),
				stateValue("objects_rotated", knownvalue.Int64Exact(40)),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				a.checkObjects(bucket, keysOf(names, newKey)),
				a.checkBytesUnchanged(bucket, before),
			),
		}, {
			// The key seals the objects: the destroy at the end retires it
			// only once they are gone.
			PreConfig: func() { a.emptyBucket(bucket) },
			Config:    config,
		}},
	})
}
