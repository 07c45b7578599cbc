package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// checkVersionsUnder asks MinIO, from outside the provider, how many data
// versions of bucket are sealed under key.
func (a *acc) checkVersionsUnder(bucket, key string, want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		n := 0
		for _, v := range a.listVersions(bucket) {
			if v == key {
				n++
			}
		}
		if n != want {
			return fmt.Errorf("%d versions of %s under %s, want %d", n, bucket, key, want)
		}
		return nil
	}
}

// listVersions returns the KMS key of every data version of bucket.
func (a *acc) listVersions(bucket string) []string {
	a.t.Helper()
	var keys []string
	err := scan.Walk(a.ctx(), a.s3, bucket, "", func(v scan.Version) error {
		if !v.IsDeleteMarker {
			keys = append(keys, v.Encryption.Key)
		}
		return nil
	})
	if err != nil {
		a.t.Fatal(err)
	}
	return keys
}

// TestAccKESKey_retireRefusedWhileInUse: a key with allow_destroy = true
// that seals three versions in one bucket (two of them noncurrent, under a
// delete marker) and is another bucket's default encryption is not
// deleted: the error names both buckets, the count and a sample, and what
// to do, and KES still has the key. Once a minio_batch_keyrotate in the
// same configuration has moved the versions and the default is removed,
// the destroy deletes it.
func TestAccKESKey_retireRefusedWhileInUse(t *testing.T) {
	a := newAcc(t)
	name, target := randomName("tf-retire-"), a.key()
	objects, byDefault := a.bucket(), a.bucket()
	a.usageVersioned(objects)

	// The message lists the buckets by name.
	lines := []string{
		says(fmt.Sprintf(`- bucket %q: 3 versions (%d bytes), such as "doc" (version`, objects, 100+150+7)),
		says(fmt.Sprintf(`- bucket %q: its default encryption names the key`, byDefault)),
	}
	if byDefault < objects {
		slices.Reverse(lines)
	}
	refused := regexp.MustCompile(`(?s)Error: Key In Use.*` +
		says(fmt.Sprintf(`Key %q was not deleted: deleting it would make what is sealed under it unreadable for good. `+
			`3 object versions (257 bytes) in 1 bucket are sealed under it; 1 bucket names it as its default encryption:`, name)) +
		`.*` + lines[0] + `.*` + lines[1] +
		`.*` + says(`To retire the key: rotate those versions to another key with minio_batch_keyrotate`) +
		`.*` + says(`then point those buckets' default encryption at another key with minio_bucket_encryption`) +
		`.*` + says(`then destroy again. The check listed every version of the`))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             a.checkKESKey(name, false),
		Steps: []resource.TestStep{
			{Config: kesKeyConfig(name, "allow_destroy = true"), Check: a.checkKESKey(name, true)},
			{
				PreConfig: func() {
					a.usageWrite(objects, "doc", name, 100)
					a.usageWrite(objects, "doc", name, 150)
					a.usageRemove(objects, "doc")
					a.usageWrite(objects, "img", name, 7)
					a.usageDefault(byDefault, name)
				},
				Config:      noResources,
				ExpectError: refused,
			},
			{
				// The refused destroy left the key in KES and in state.
				Config: kesKeyConfig(name, "allow_destroy = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(a.checkKESKey(name, true), a.checkVersionsUnder(objects, name, 3)),
			},
			{
				// Rotated away, but still the default of the other bucket.
				Config: kesKeyConfig(name, "allow_destroy = true") + rotateConfig(objects, target, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("status", knownvalue.StringExact("complete")),
					stateValue("versions_pending", knownvalue.Int64Exact(0)),
				},
				Check: resource.ComposeAggregateTestCheckFunc(a.checkVersionsUnder(objects, name, 0), a.checkVersionsUnder(objects, target, 3)),
			},
			{
				Config: rotateConfig(objects, target, ""),
				ExpectError: regexp.MustCompile(`(?s)Error: Key In Use.*` +
					says(fmt.Sprintf(`Key %q was not deleted: deleting it would make what is sealed under it unreadable for good. 1 bucket names it as its default encryption:`, name)) +
					`.*` + says(fmt.Sprintf(`- bucket %q: its default encryption names the key`, byDefault)) + `\s+To retire the key: point those buckets'`),
			},
			{
				PreConfig: func() {
					if err := a.s3.RemoveBucketEncryption(a.ctx(), byDefault); err != nil {
						t.Fatal(err)
					}
				},
				Config: rotateConfig(objects, target, ""),
				Check:  a.checkKESKey(name, false),
			},
		},
	})
}

// TestAccKESKey_retireCheckFails: when the check cannot finish, nothing is
// deleted: MinIO unreachable (named as such), then a delete timeout too
// short for the listing. With the check possible again, the unused key is
// deleted.
func TestAccKESKey_retireCheckFails(t *testing.T) {
	a := newAcc(t)
	name := randomName("tf-retire-")
	closed := teststack.ClosedAddr(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             a.checkKESKey(name, false),
		Steps: []resource.TestStep{
			{Config: kesKeyConfig(name, "allow_destroy = true"), Check: a.checkKESKey(name, true)},
			{
				Config: fmt.Sprintf("provider \"minio\" {\n  endpoint = %q\n}\n", closed) + noResources,
				ExpectError: regexp.MustCompile(`(?s)Error: Cannot Reach MinIO.*` +
					says(fmt.Sprintf(`Key %q was not deleted: the check of what still uses it did not finish, and the provider does not delete a key it could not check.`, name)) +
					`.*` + regexp.QuoteMeta(closed)),
			},
			{
				Config: kesKeyConfig(name, "allow_destroy = true\n  timeouts {\n    delete = \"1ms\"\n  }"),
				Check:  a.checkKESKey(name, true),
			},
			{
				Config: noResources,
				ExpectError: regexp.MustCompile(`(?s)` + says(fmt.Sprintf(`Key %q was not deleted: the check of what still uses it did not finish`, name)) +
					`.*ran\s+out\s+of\s+time.*` + says(`The delete timeout is 1ms: raise it in the resource's timeouts block`)),
			},
			{
				Config: kesKeyConfig(name, "allow_destroy = true"),
				Check:  a.checkKESKey(name, true),
			},
			{Config: noResources, Check: a.checkKESKey(name, false)},
		},
	})
}

// TestAccKESKey_retireMinIODefaultKey: MinIO's own KMS default key is
// never deleted, even with allow_destroy = true and no object naming it:
// SSE-S3 objects and MinIO's configuration depend on it, which no listing
// shows. The key is imported, its destroy refused, then forgotten with a
// removed block.
func TestAccKESKey_retireMinIODefaultKey(t *testing.T) {
	a := newAcc(t)
	def := a.stack.DefaultKey
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             a.checkKESKey(def, true),
		Steps: []resource.TestStep{
			{
				// An import block, not an import step: OpenTofu's import step
				// in a fresh directory cannot resolve this provider.
				Config: fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", kesKeyAddr, def) + kesKeyConfig(def, "allow_destroy = true"),
			},
			{
				Config: kesKeyConfig(def, "allow_destroy = true"),
				Check:  a.checkKESKey(def, true),
			},
			{
				Config: noResources,
				ExpectError: regexp.MustCompile(`(?s)Error: Key In Use.*` +
					says(fmt.Sprintf(`Key %q was not deleted: deleting it would make what is sealed under it unreadable for good. It is MinIO's KMS default key:`, def)) +
					`.*` + says(`- MinIO's KMS default key: SSE-S3 objects and MinIO's own encrypted configuration depend on it`) +
					`.*` + says(`To retire the key: point MinIO at another default key (MINIO_KMS_KES_KEY_NAME)`)),
			},
			{
				// Forget it, so that the test's own destroy does not try.
				Config: noResources + "\nremoved {\n  from = minio_kes_key.test\n  lifecycle {\n    destroy = false\n  }\n}\n",
				Check:  a.checkKESKey(def, true),
			},
		},
	})
}

// TestAccKESKey_refusalShownAtPlan: the plan of a destroy that apply would
// refuse says so, with the counts, as a warning: nothing is deleted, and
// the rest of the plan is not held up by it.
func TestAccKESKey_refusalShownAtPlan(t *testing.T) {
	a := newAcc(t)
	name, bucket := randomName("tf-plan-"), a.bucket()
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": kesKeyConfig(name, "allow_destroy = true")})
	w.must(0, "apply", "-input=false", "-auto-approve")
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("p-", 2), KMSKey: name})
	w.write("main.tf", noResources)
	plan := w.must(0, "plan", "-input=false")
	if !regexp.MustCompile(`(?s)Warning: Key In Use.*apply will refuse to delete the key.*` + says(fmt.Sprintf(`Key %q would not be deleted`, name)) +
		`.*` + says(`2 object versions`) + `.*` + says(fmt.Sprintf(`- bucket %q: 2 versions`, bucket))).MatchString(plan) {
		t.Errorf("the plan of the refused destroy does not warn with the counts:\n%s", plan)
	}
	if !strings.Contains(plan, "1 to destroy") {
		t.Errorf("the plan does not propose the destroy:\n%s", plan)
	}
	w.must(1, "apply", "-input=false", "-auto-approve")
	if _, err := a.kes().DescribeKey(a.ctx(), name); err != nil {
		t.Errorf("the refused key is gone from KES: %v", err)
	}
	a.emptyBucket(bucket)
	w.must(0, "apply", "-input=false", "-auto-approve")
}
