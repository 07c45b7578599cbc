package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccKESKeys_pattern lists only the keys matching a pattern.
func TestAccKESKeys_pattern(t *testing.T) {
	a := newAcc(t)
	stem := randomName("fin")
	for _, n := range []string{stem + "-a", stem + "-b", "other-" + stem} {
		if err := a.kes().CreateKey(context.Background(), n); err != nil {
			t.Fatal(err)
		}
	}
	named := func(n string) knownvalue.Check {
		return knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact(n)})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
data "minio_kes_keys" "fin" {
  pattern = "%s-*"
}`, stem),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.minio_kes_keys.fin", tfjsonpath.New("keys"),
					knownvalue.ListExact([]knownvalue.Check{named(stem + "-a"), named(stem + "-b")})),
			},
		}},
	})
}
