package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

// rotationModule is a module with a rotation per scope, written the way
// users write one: for_each over a map with a filter per instance, the
// encryption from a variable, tag sets known only after apply (an output
// of terraform_data), and tag blocks built by a dynamic block over a map.
const rotationModule = `
terraform {
  required_providers {
    minio = { source = "minio-keyrotate/minio" }
  }
}

variable "bucket" { type = string }
variable "encryption" { type = object({ type = string, key = string }) }
variable "scopes" { type = map(object({ prefix = string, tags = map(string) })) }

resource "terraform_data" "tags" {
  input = { for name, scope in var.scopes : name => scope.tags }
}

resource "minio_batch_keyrotate" "scope" {
  for_each = var.scopes
  bucket   = var.bucket
  prefix   = each.value.prefix

  dynamic "encryption" {
    for_each = [var.encryption]
    content {
      type = encryption.value.type
      key  = encryption.value.key
    }
  }

  dynamic "filter" {
    for_each = length(each.value.tags) > 0 ? [each.key] : []
    content {
      dynamic "tag" {
        for_each = terraform_data.tags.output[filter.value]
        content {
          key   = tag.key
          value = tag.value
        }
      }
    }
  }
}

output "rotated" {
  value = { for name, r in minio_batch_keyrotate.scope : name => r.objects_rotated }
}
`

// rotationRoot calls the module with a key name known only after apply.
func rotationRoot(bucket, key string) string {
	return fmt.Sprintf(`
variable "encryption_type" { type = string }

resource "terraform_data" "key" {
  input = %q
}

module "rotation" {
  source     = "./modules/rotation"
  bucket     = %q
  encryption = { type = var.encryption_type, key = terraform_data.key.output }
  scopes = {
    pii = { prefix = "a/", tags = { class = "pii*" } }
    fin = { prefix = "b/", tags = { dept = "fin", legal = "hold" } }
    all = { prefix = "c/", tags = {} }
  }
}

output "rotated" {
  value = module.rotation.rotated
}
`, key, bucket)
}

// TestAccBatchKeyrotate_moduleForEachWithUnknownValues: values unknown at
// plan, anywhere in the blocks, are validated at apply; each instance
// rotates exactly what its own filter says; the next plan is empty.
func TestAccBatchKeyrotate_moduleForEachWithUnknownValues(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	want := map[string]string{}
	for _, s := range []struct {
		name   string
		tags   map[string]string
		rotate bool
	}{
		{"a/pii-1", map[string]string{"class": "pii-1"}, true},
		{"a/public", map[string]string{"class": "public"}, false},
		{"a/hold", map[string]string{"legal": "hold"}, false}, // fin's tag, pii's prefix
		{"b/fin", map[string]string{"dept": "fin"}, true},
		{"b/hold", map[string]string{"legal": "hold"}, true},
		{"b/ops", map[string]string{"dept": "ops"}, false},
		{"c/any", nil, true},
		{"d/outside", map[string]string{"class": "pii"}, false},
	} {
		a.put(inventory.Seed{Bucket: bucket, Names: []string{s.name}, KMSKey: oldKey, Tags: s.tags})
		want[s.name] = oldKey
		if s.rotate {
			want[s.name] = newKey
		}
	}
	w := newCLIWorkspace(t, a, map[string]string{
		"main.tf":                  rotationRoot(bucket, newKey),
		"terraform.tfvars":         `encryption_type = "sse-kms"`,
		"modules/rotation/main.tf": rotationModule,
	})
	w.must(0, "get") // installs the module; init would look the overridden provider up
	w.must(0, "validate")
	plan := w.must(2, "plan", "-input=false", "-detailed-exitcode")
	for _, s := range []string{`module.rotation.minio_batch_keyrotate.scope["fin"] will be created`, "Plan: 5 to add"} {
		if !strings.Contains(plan, s) {
			t.Errorf("the plan does not say %q:\n%s", s, plan)
		}
	}
	w.must(0, "apply", "-input=false", "-auto-approve")
	if err := a.checkObjects(bucket, want)(nil); err != nil {
		t.Error(err)
	}
	out := w.must(0, "output", "-json", "rotated")
	if got := strings.Join(strings.Fields(out), ""); got != `{"all":1,"fin":2,"pii":1}` {
		t.Errorf("objects rotated per scope: %s", got)
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")
}
