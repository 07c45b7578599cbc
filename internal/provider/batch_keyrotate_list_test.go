package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/querycheck/queryfilter"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

// TestAccBatchKeyrotateQuery_listsJobs: terraform query lists the
// keyrotate jobs of a bucket, by job ID, each with the arguments that
// reproduce its definition (a job started with a tag filter lists with
// it); status narrows them; an unknown status is refused at validate.
func TestAccBatchKeyrotateQuery_listsJobs(t *testing.T) {
	requireTerraform114(t, "list resources")
	a := newAcc(t)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("q-", 3), KMSKey: oldKey, Tags: map[string]string{"class": "pii"}})
	var ids []string
	for _, spec := range []keyrotate.Spec{
		{Bucket: bucket, Encryption: keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: newKey}},
		{Bucket: bucket, Encryption: keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: newKey}, Filter: keyrotate.Filter{Tags: []keyrotate.KV{{Key: "class", Value: "pii"}}}},
	} {
		ids = append(ids, a.startCompletedJob(spec))
	}
	list := func(name, config string) string {
		return fmt.Sprintf("list \"minio_batch_keyrotate\" %q {\n  provider = minio\n  include_resource = true\n  config {\n%s\n  }\n}\n", name, config)
	}
	byID := func(id string) queryfilter.QueryFilter {
		return queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)})
	}
	of := fmt.Sprintf("    bucket = %q", bucket)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: noResources},
			{
				Query:  true,
				Config: queryProvider + list("all", of) + list("complete", of+"\n    status = \"complete\"") + list("failed", of+"\n    status = \"failed\""),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("minio_batch_keyrotate.all", 2),
					querycheck.ExpectIdentity("minio_batch_keyrotate.all", map[string]knownvalue.Check{"id": knownvalue.StringExact(ids[0])}),
					querycheck.ExpectIdentity("minio_batch_keyrotate.all", map[string]knownvalue.Check{"id": knownvalue.StringExact(ids[1])}),
					querycheck.ExpectResourceKnownValues("minio_batch_keyrotate.all", byID(ids[1]), []querycheck.KnownValueCheck{
						{Path: tfjsonpath.New("filter").AtMapKey("tag").AtSliceIndex(0).AtMapKey("value"), KnownValue: knownvalue.StringExact("pii")},
						{Path: tfjsonpath.New("encryption").AtMapKey("key"), KnownValue: knownvalue.StringExact(newKey)},
						{Path: tfjsonpath.New("status"), KnownValue: knownvalue.StringExact("complete")},
					}),
					querycheck.ExpectLength("minio_batch_keyrotate.complete", 2),
					querycheck.ExpectLength("minio_batch_keyrotate.failed", 0),
				},
			},
			{
				Query:       true,
				Config:      queryProvider + list("bad", `    status = "done"`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Value Match.*status.*running.*complete`),
			},
		},
	})
}
