package provider

import (
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

const rotateAddr = "minio_batch_keyrotate.test"

func rotateConfig(bucket, key, extra string) string {
	return fmt.Sprintf(`
resource "minio_batch_keyrotate" "test" {
  bucket     = %q
  encryption {
    type = "sse-kms"
    key  = %q
  }
%s
}
`, bucket, key, extra)
}

func sseS3Config(bucket, extra string) string {
	return fmt.Sprintf(`
resource "minio_batch_keyrotate" "test" {
  bucket     = %q
  encryption {
    type = "sse-s3"
  }
%s
}
`, bucket, extra)
}

func stateValue(attr string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(rotateAddr, tfjsonpath.New(attr), v)
}

// TestAccBatchKeyrotate_sseKMS rotates 200 SSE-KMS objects from one key to
// another and checks from outside that every object is under the new key
// with its bytes unchanged; then imports the job and destroys it.
func TestAccBatchKeyrotate_sseKMS(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	names := inventory.Names("obj-", 200)
	a.put(inventory.Seed{Bucket: bucket, Names: names, KMSKey: oldKey})
	before := a.hashes(bucket)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		// Destroy forgets a finished rotation; the job stays on the server.
		CheckDestroy: a.checkJobsOnServer(batchjob.StatusComplete),
		Steps: []resource.TestStep{
			{
				Config: rotateConfig(bucket, newKey, ""),
				// The plan shows the exact job before it starts.
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectKnownValue(rotateAddr, tfjsonpath.New("job_yaml"), knownvalue.StringExact(
						"keyrotate:\n  apiVersion: v1\n  bucket: "+bucket+"\n  encryption:\n    type: sse-kms\n    key: "+newKey+"\n"))},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("id", knownvalue.StringRegexp(jobIDPattern)),
					stateValue("status", knownvalue.StringExact("complete")),
					stateValue("objects_rotated", knownvalue.Int64Exact(200)),
					stateValue("objects_failed", knownvalue.Int64Exact(0)),
					stateValue("attempts", knownvalue.Int64Exact(1)),
					stateValue("user", knownvalue.StringExact(a.stack.AccessKey)),
					stateValue("job_yaml", knownvalue.StringRegexp(regexp.MustCompile(`key: `+newKey))),
					stateValue("versions_pending", knownvalue.Int64Exact(0)),
					stateValue("versions_unencrypted", knownvalue.Int64Exact(0)),
					stateValue("versions_sse_s3", knownvalue.Int64Exact(0)),
					stateValue("verified_at", knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					a.checkObjects(bucket, keysOf(names, newKey)),
					a.checkBytesUnchanged(bucket, before),
					a.checkJobsOnServer(batchjob.StatusComplete),
				),
			},
			{
				Config: rotateConfig(bucket, newKey, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				ResourceName:      rotateAddr,
				ImportState:       true,
				ImportStateVerify: true,
				// Every refresh counts the versions again, at its own time;
				// an import cannot know what an earlier apply put back, nor its report.
				ImportStateVerifyIgnore: []string{"verified_at", "tags_restored", "delete_markers_restored", "report"},
			},
		},
	})
}

// TestAccBatchKeyrotate_sseS3 rotates SSE-S3 objects: they stay SSE-S3
// (re-sealed under MinIO's default key) and read back unchanged.
func TestAccBatchKeyrotate_sseS3(t *testing.T) {
	a := newAcc(t)
	bucket := a.bucket()
	names := inventory.Names("s3-", 50)
	a.put(inventory.Seed{Bucket: bucket, Names: names})
	before := a.hashes(bucket)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: sseS3Config(bucket, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				stateValue("status", knownvalue.StringExact("complete")),
				stateValue("objects_rotated", knownvalue.Int64Exact(50)),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				a.checkObjects(bucket, keysOf(names, "sse-s3")),
				a.checkBytesUnchanged(bucket, before),
			),
		}},
	})
}

// TestAccBatchKeyrotate_missingKey fails at plan, before anything is
// changed, through KES when the provider has a KES connection and through
// MinIO's KMS API when it has none.
func TestAccBatchKeyrotate_missingKey(t *testing.T) {
	for name, tc := range map[string]struct {
		kesServer string
		reason    string
	}{
		"through KES":       {kesServer: os.Getenv("KES_SERVER"), reason: `KES has no key of that name`},
		"through MinIO KMS": {kesServer: "", reason: `encrypting with it failed`},
	} {
		t.Run(name, func(t *testing.T) {
			a := newAcc(t)
			t.Setenv("KES_SERVER", tc.kesServer)
			bucket, oldKey := a.bucket(), a.key()
			a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("x-", 3), KMSKey: oldKey})
			jobsBefore := a.jobIDs()
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: rotateConfig(bucket, "no-such-key-"+oldKey, ""),
					ExpectError: regexp.MustCompile(`(?is)Target Key Not Usable.*` + says(`encryption.key: key "no-such-key-`+oldKey+
						`" is not usable: `+tc.reason) + `.*` + says(`Nothing was planned to change.`) + `.*minio_kes_key`),
				}},
			})
			if after := a.jobIDs(); fmt.Sprint(after) != fmt.Sprint(jobsBefore) {
				t.Fatalf("a job was started although the key is missing: before %v, after %v", jobsBefore, after)
			}
		})
	}
}
