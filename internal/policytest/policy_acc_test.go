package policytest

import (
	"context"
	"fmt"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// keyName is a fresh key name that follows the default convention.
func keyName(month string) string { return teststack.RandomName("fin") + "-" + month }

// rotation is a minio_batch_keyrotate of the whole bucket to key.
func rotation(name, bucket, key, extra string) string {
	return fmt.Sprintf(`
resource "minio_batch_keyrotate" %q {
  bucket = %q
  encryption {
    type = "sse-kms"
    key  = %s
  }
%s}
`, name, bucket, key, extra)
}

const noPreservation = "  preserve_tags    = false\n  preserve_deleted = false\n"

// TestAccPolicy_allowed is the reviewed setup: a new key, the bucket default
// on it, a rotation with every safeguard on, and one without preservation
// whose preview, read at plan, shows nothing to lose.
func TestAccPolicy_allowed(t *testing.T) {
	s := teststack.Live(t)
	bucket, clean := s.NewBucket(t), s.NewBucket(t)
	key := keyName("2026-11")
	w := newWorkspace(t, s, fmt.Sprintf(`
resource "minio_kes_key" "new" {
  name = %q
}

resource "minio_bucket_encryption" "finance" {
  bucket = %q
  encryption {
    type = "sse-kms"
    key  = minio_kes_key.new.name
  }
}

data "minio_keyrotate_preview" "clean" {
  bucket = %q
}
`, key, bucket, clean)+
		rotation("finance", bucket, "minio_bucket_encryption.finance.encryption.key", "")+
		rotation("clean", clean, "minio_kes_key.new.name", noPreservation))
	wantDeny(t, w.plan())
}

// TestAccPolicy_keyNames plans keys that break the naming convention, and a
// rotation whose key (a key's id) is known only after apply.
func TestAccPolicy_keyNames(t *testing.T) {
	s := teststack.Live(t)
	bucket := s.NewBucket(t)
	// The rotation's key must exist for the plan to pass the provider's
	// own check of the target key; the policy is what refuses its name
	// (a one-digit month).
	adm, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	oneDigitMonth := teststack.RandomName("fin") + "-2026-1"
	if err := adm.CreateKey(context.Background(), oneDigitMonth); err != nil {
		t.Fatal(err)
	}
	w := newWorkspace(t, s, fmt.Sprintf(`
resource "minio_kes_key" "bad" {
  name = "Finance_Key"
}

resource "minio_bucket_encryption" "finance" {
  bucket = %q
  encryption {
    type = "sse-kms"
    key  = "finance-nov"
  }
}
`, bucket)+
		rotation("finance", bucket, `"`+oneDigitMonth+`"`, "")+
		rotation("by_id", bucket, "minio_kes_key.bad.id", ""))
	pattern := `^[a-z0-9]+(-[a-z0-9]+)*-[0-9]{4}-[0-9]{2}$`
	wantDeny(t, w.plan(),
		`minio_kes_key.bad: name "Finance_Key" does not follow the key naming convention `+pattern+` (settings.key_pattern)`,
		`minio_bucket_encryption.finance: encryption.key "finance-nov" does not follow the key naming convention `+pattern+` (settings.key_pattern)`,
		`minio_batch_keyrotate.finance: encryption.key "`+oneDigitMonth+`" does not follow the key naming convention `+pattern+` (settings.key_pattern)`,
		`minio_batch_keyrotate.by_id: encryption.key is known only after apply, so the policies cannot check it at plan (settings.allow_unknown_values lets it through)`,
	)
}

// TestAccPolicy_kesKeyDeletion applies two keys, then plans the removal of
// one and the renaming (a replacement) of the other: both delete a key.
func TestAccPolicy_kesKeyDeletion(t *testing.T) {
	s := teststack.Live(t)
	old, renamed, next := keyName("2026-09"), keyName("2026-10"), keyName("2026-12")
	kc, err := s.KESClient()
	if err != nil {
		t.Fatal(err)
	}
	// The keys are created by apply and never deleted by Terraform (the
	// policy says why): remove them from KES directly.
	t.Cleanup(func() {
		for _, k := range []string{old, renamed} {
			if err := kc.DeleteKey(context.Background(), k); err != nil {
				t.Errorf("deleting KES key %s: %v", k, err)
			}
		}
	})
	w := newWorkspace(t, s, fmt.Sprintf(`
resource "minio_kes_key" "old" {
  name = %q
}

resource "minio_kes_key" "renamed" {
  name = %q
}
`, old, renamed))
	w.must("apply", "-input=false", "-auto-approve")
	w.write("main.tf", fmt.Sprintf(`
resource "minio_kes_key" "renamed" {
  name = %q
}
`, next))
	wantDeny(t, w.plan(),
		fmt.Sprintf(`minio_kes_key.old: destroying it deletes KES key %q, which settings.kes_key_deletions_allowed does not list`, old),
		fmt.Sprintf(`minio_kes_key.renamed: replacing it deletes KES key %q, which settings.kes_key_deletions_allowed does not list`, renamed),
	)
}

// TestAccPolicy_previewLosses turns preservation off over a versioned
// bucket with tagged versions and deleted objects: the preview read at plan
// counts them; a preview Terraform reads only at apply has no counts.
func TestAccPolicy_previewLosses(t *testing.T) {
	s := teststack.Live(t)
	bucket := s.NewBucket(t)
	seedLosses(t, s, bucket)
	key := keyName("2026-11")
	w := newWorkspace(t, s, fmt.Sprintf(`
resource "minio_kes_key" "new" {
  name = %q
}

data "minio_keyrotate_preview" "finance" {
  bucket = %q
}

# Read only at apply: it depends on a key this plan creates.
data "minio_keyrotate_preview" "reports" {
  bucket     = %q
  prefix     = "reports/"
  depends_on = [minio_kes_key.new]
}
`, key, bucket, bucket)+
		rotation("finance", bucket, "minio_kes_key.new.name", noPreservation)+
		rotation("reports", bucket, "minio_kes_key.new.name", "  prefix        = \"reports/\"\n  preserve_tags = false\n"))
	wantDeny(t, w.plan(),
		"minio_batch_keyrotate.finance: preserve_tags = false, but data.minio_keyrotate_preview.finance shows 3 tagged versions in scope: the rotation drops their tags",
		"minio_batch_keyrotate.finance: preserve_deleted = false, but data.minio_keyrotate_preview.finance shows 2 deleted objects in scope: the rotation makes them visible again",
		"minio_batch_keyrotate.reports: preserve_tags = false, but data.minio_keyrotate_preview.reports is read only at apply, so its tagged versions are unknown at plan",
	)
}

// seedLosses writes 4 plain and 3 tagged objects under reports/ and 2
// objects deleted afterwards, in a versioned bucket.
func seedLosses(t *testing.T, s *teststack.Stack, bucket string) {
	t.Helper()
	ctx := context.Background()
	c, err := s.S3(0)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.EnableVersioning(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	gone := inventory.Names("gone-", 2)
	for _, seed := range []inventory.Seed{
		{Bucket: bucket, Names: inventory.Names("reports/plain-", 4)},
		{Bucket: bucket, Names: inventory.Names("reports/tagged-", 3), Tags: map[string]string{"class": "pii"}},
		{Bucket: bucket, Names: gone},
	} {
		if err := inventory.Put(ctx, c, seed); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range gone {
		if err := c.RemoveObject(ctx, bucket, name, minio.RemoveObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	}
}
