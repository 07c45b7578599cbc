package provider

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

// filterCase is one filter argument with objects on both sides of each of
// its boundaries: those named in match must end up under the new key,
// those in skip must stay under the old one.
type filterCase struct {
	name   string
	prefix string
	filter string
	match  []inventory.Seed
	skip   []inventory.Seed
}

func seed(name string, mod func(*inventory.Seed)) inventory.Seed {
	s := inventory.Seed{Names: []string{name}}
	if mod != nil {
		mod(&s)
	}
	return s
}

func modTime(t time.Time) func(*inventory.Seed) { return func(s *inventory.Seed) { s.ModTime = t } }

func tagged(k, v string) func(*inventory.Seed) {
	return func(s *inventory.Seed) { s.Tags = map[string]string{k: v} }
}

func filterCases(now time.Time) []filterCase {
	day := 24 * time.Hour
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return []filterCase{
		{name: "newer_than", filter: `newer_than = "7d"`,
			match: []inventory.Seed{seed("6d23h", modTime(now.Add(-7*day+time.Hour))), seed("1h", modTime(now.Add(-time.Hour)))},
			skip:  []inventory.Seed{seed("7d1h", modTime(now.Add(-7*day-time.Hour))), seed("30d", modTime(now.Add(-30*day)))}},
		{name: "older_than", filter: `older_than = "7d"`,
			match: []inventory.Seed{seed("7d1h", modTime(now.Add(-7*day-time.Hour))), seed("30d", modTime(now.Add(-30*day)))},
			skip:  []inventory.Seed{seed("6d23h", modTime(now.Add(-7*day+time.Hour))), seed("new", nil)}},
		{name: "age_window", filter: `newer_than = "30d"` + "\n" + `older_than = "7d12h"`,
			match: []inventory.Seed{seed("10d", modTime(now.Add(-10*day)))},
			skip:  []inventory.Seed{seed("7d", modTime(now.Add(-7*day))), seed("31d", modTime(now.Add(-31*day)))}},
		{name: "created_after", filter: `created_after = "2026-01-01T00:00:00Z"`,
			match: []inventory.Seed{seed("at", modTime(at)), seed("plus1s", modTime(at.Add(time.Second))), seed("plus30d", modTime(at.Add(30*day)))},
			skip:  []inventory.Seed{seed("minus1s", modTime(at.Add(-time.Second))), seed("minus30d", modTime(at.Add(-30*day)))}},
		{name: "created_before", filter: `created_before = "2026-01-01T00:00:00Z"`,
			match: []inventory.Seed{seed("at", modTime(at)), seed("minus1s", modTime(at.Add(-time.Second))), seed("minus30d", modTime(at.Add(-30*day)))},
			skip:  []inventory.Seed{seed("plus1s", modTime(at.Add(time.Second))), seed("plus30d", modTime(at.Add(30*day)))}},
		{name: "tags", filter: kvBlocks("tag", "class", "pii*", "legal", "hold"),
			match: []inventory.Seed{seed("pii-1", tagged("class", "pii-1")), seed("pii", tagged("class", "pii")), seed("hold", tagged("legal", "hold"))},
			skip: []inventory.Seed{seed("public", tagged("class", "public")), seed("untagged", nil),
				seed("other-key", tagged("kind", "pii-1")), seed("prefix-only", tagged("class", "xpii"))}},
		{name: "content_type", filter: kvBlocks("metadata", "content-type", "image/*"),
			match: []inventory.Seed{seed("png", func(s *inventory.Seed) { s.ContentType = "image/png" })},
			skip:  []inventory.Seed{seed("text", func(s *inventory.Seed) { s.ContentType = "text/plain" })}},
		{name: "user_metadata", filter: kvBlocks("metadata", "dept", "fin"),
			match: []inventory.Seed{seed("fin", func(s *inventory.Seed) { s.UserMeta = map[string]string{"dept": "fin"} })},
			skip: []inventory.Seed{seed("ops", func(s *inventory.Seed) { s.UserMeta = map[string]string{"dept": "ops"} }),
				seed("none", nil)}},
		{name: "time_and_tags", filter: `older_than = "7d"` + "\n" + kvBlocks("tag", "class", "pii*"),
			match: []inventory.Seed{seed("old-pii", func(s *inventory.Seed) { s.ModTime = now.Add(-30 * day); s.Tags = map[string]string{"class": "pii"} })},
			skip: []inventory.Seed{seed("new-pii", tagged("class", "pii")),
				seed("old-public", func(s *inventory.Seed) { s.ModTime = now.Add(-30 * day); s.Tags = map[string]string{"class": "public"} })}},
		{name: "prefix", prefix: "2024/",
			match: []inventory.Seed{seed("2024/a", nil), seed("2024/deep/b", nil)},
			skip:  []inventory.Seed{seed("2025/a", nil), seed("2024-summary", nil), seed("x2024/a", nil)}},
	}
}

// TestAccBatchKeyrotate_filters applies every filter argument at once, one
// bucket each, and checks object by object that exactly the objects the
// argument describes moved to the new key.
func TestAccBatchKeyrotate_filters(t *testing.T) {
	a := newAcc(t)
	oldKey, newKey := a.key(), a.key()
	var config strings.Builder
	var checks []resource.TestCheckFunc
	for _, fc := range filterCases(time.Now()) {
		bucket := a.bucket()
		want := map[string]string{}
		for side, seeds := range map[string][]inventory.Seed{newKey: fc.match, oldKey: fc.skip} {
			for _, s := range seeds {
				s.Bucket, s.KMSKey = bucket, oldKey
				a.put(s)
				want[s.Names[0]] = side
			}
		}
		filter := ""
		if fc.filter != "" {
			filter = "filter {\n" + fc.filter + "\n}"
		}
		if fc.prefix != "" {
			filter += fmt.Sprintf("\nprefix = %q", fc.prefix)
		}
		fmt.Fprintf(&config, `
resource "minio_batch_keyrotate" %q {
  bucket     = %q
  encryption {
    type = "sse-kms"
    key  = %q
  }
  %s
}
`, fc.name, bucket, newKey, filter)
		check := a.checkObjects(bucket, want)
		name := fc.name
		checks = append(checks, func(s *terraform.State) error {
			if err := check(s); err != nil {
				return fmt.Errorf("filter %s: %w", name, err)
			}
			return nil
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: config.String(),
			Check:  resource.ComposeAggregateTestCheckFunc(checks...),
		}},
	})
}
