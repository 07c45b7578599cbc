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
)

// TestAccBucketEncryptionQuery_listsDefaults: terraform query lists the
// buckets whose default names a key, by bucket, with the default as the
// resource; a bucket with another key is left out;
// a type other than sse-kms or sse-s3 is refused at validate.
func TestAccBucketEncryptionQuery_listsDefaults(t *testing.T) {
	requireTerraform114(t, "list resources")
	a := newAcc(t)
	key, other := a.key(), a.key()
	first, second, elsewhere := a.bucket(), a.bucket(), a.bucket()
	a.usageDefault(first, key)
	a.usageDefault(second, key)
	a.usageDefault(elsewhere, other)
	list := func(name, config string) string {
		return fmt.Sprintf("list \"minio_bucket_encryption\" %q {\n  provider = minio\n  include_resource = true\n  config {\n%s\n  }\n}\n", name, config)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: noResources},
			{
				Query:  true,
				Config: queryProvider + list("by_key", fmt.Sprintf("    key = %q", key)),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("minio_bucket_encryption.by_key", 2),
					querycheck.ExpectIdentity("minio_bucket_encryption.by_key", map[string]knownvalue.Check{"bucket": knownvalue.StringExact(first)}),
					querycheck.ExpectIdentity("minio_bucket_encryption.by_key", map[string]knownvalue.Check{"bucket": knownvalue.StringExact(second)}),
					querycheck.ExpectResourceKnownValues("minio_bucket_encryption.by_key",
						queryfilter.ByResourceIdentity(map[string]knownvalue.Check{"bucket": knownvalue.StringExact(first)}),
						[]querycheck.KnownValueCheck{{Path: tfjsonpath.New("encryption").AtMapKey("key"), KnownValue: knownvalue.StringExact(key)}}),
				},
			},
			{
				Query:       true,
				Config:      queryProvider + list("bad", `    type = "aes256"`),
				ExpectError: regexp.MustCompile(`(?s)Invalid Attribute Value Match.*type.*sse-kms.*sse-s3`),
			},
		},
	})
}
