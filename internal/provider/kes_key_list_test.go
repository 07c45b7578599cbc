package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// queryProvider opens every query configuration: the provider, configured
// from the stack's environment as in the other tests.
const queryProvider = "provider \"minio\" {}\n"

// TestAccKESKeyQuery_listsKeys: terraform query lists the keys that match
// the pattern, by name, as identities; in_use narrows them to the keys a
// version or a bucket default uses, or to those nothing uses; limit
// bounds the results; a bad pattern is refused naming what is accepted,
// and KES down is named as the resources name it.
func TestAccKESKeyQuery_listsKeys(t *testing.T) {
	requireTerraform114(t, "list resources")
	a := newAcc(t)
	prefix := randomName("lq")
	names := []string{prefix + "-a", prefix + "-b", prefix + "-c"}
	kc := a.kes()
	for _, n := range names {
		if err := kc.CreateKey(a.ctx(), n); err != nil {
			t.Fatal(err)
		}
	}
	objects, byDefault := a.bucket(), a.bucket()
	a.put(inventory.Seed{Bucket: objects, Names: inventory.Names("o-", 2), KMSKey: names[0]})
	a.usageDefault(byDefault, names[1])

	list := func(name, config string, limit int) string {
		lim := ""
		if limit > 0 {
			lim = fmt.Sprintf("  limit = %d\n", limit)
		}
		return fmt.Sprintf("list \"minio_kes_key\" %q {\n  provider = minio\n%s  config {\n%s\n  }\n}\n", name, lim, config)
	}
	pattern := fmt.Sprintf("    pattern = %q", prefix+"-*")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: noResources},
			{
				Query: true,
				Config: queryProvider + list("all", pattern, 0) + list("used", pattern+"\n    in_use = true", 0) +
					list("unused", pattern+"\n    in_use = false", 0) + list("first", pattern, 2),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("minio_kes_key.all", 3),
					querycheck.ExpectIdentity("minio_kes_key.all", map[string]knownvalue.Check{"name": knownvalue.StringExact(names[0])}),
					querycheck.ExpectIdentity("minio_kes_key.all", map[string]knownvalue.Check{"name": knownvalue.StringExact(names[2])}),
					querycheck.ExpectLength("minio_kes_key.used", 2),
					querycheck.ExpectIdentity("minio_kes_key.used", map[string]knownvalue.Check{"name": knownvalue.StringExact(names[1])}),
					querycheck.ExpectLength("minio_kes_key.unused", 1),
					querycheck.ExpectIdentity("minio_kes_key.unused", map[string]knownvalue.Check{"name": knownvalue.StringExact(names[2])}),
					querycheck.ExpectLength("minio_kes_key.first", 2),
				},
			},
			{
				Query:       true,
				Config:      queryProvider + list("bad", `    pattern = "finance-["`, 0),
				ExpectError: regexp.MustCompile(`(?s)Invalid Key Pattern.*pattern: "finance-\[" is not a glob pattern`),
			},
			{
				// Server failures read as the resources word them.
				Query:       true,
				Config:      fmt.Sprintf("provider \"minio\" {\n  kes {\n    endpoint = %q\n  }\n}\n", "https://"+teststack.ClosedAddr(t)) + list("down", pattern, 0),
				ExpectError: regexp.MustCompile(`(?s)Cannot Reach KES.*kes\.endpoint`),
			},
		},
	})
}
