package provider

import (
	"context"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/minio/kes-go"
	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

// guideBlocks returns the terraform code blocks of a generated doc page.
func guideBlocks(t *testing.T, page string) []string {
	t.Helper()
	b, err := os.ReadFile("../../docs/" + page)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	for _, m := range regexp.MustCompile("(?s)```terraform\n(.*?)```").FindAllStringSubmatch(string(b), -1) {
		blocks = append(blocks, m[1])
	}
	return blocks
}

// TestAccGuide_rotatingToANewKESKey runs the guide as written, with only
// the KES address of the test stack put in: adopt last month's key, create
// this month's, move the bucket default, rotate, then retire the old key
// the way the guide says; the key is gone from KES only at the end.
func TestAccGuide_rotatingToANewKESKey(t *testing.T) {
	a := newAcc(t)
	ctx := a.ctx()
	blocks := guideBlocks(t, "guides/rotating-to-a-new-kes-key.md")
	if len(blocks) != 2 {
		t.Fatalf("the guide has %d terraform blocks, want the configuration and the retirement", len(blocks))
	}
	kc := a.kes()
	if err := kc.CreateKey(ctx, "finance-2026-10"); err != nil && !errors.Is(err, kes.ErrKeyExists) {
		t.Fatal(err)
	}
	if err := a.s3.MakeBucket(ctx, "finance", minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	names := inventory.Names("invoice-", 12)
	a.put(inventory.Seed{Bucket: "finance", Names: names, KMSKey: "finance-2026-10"})
	before := a.hashes("finance")

	main := strings.Replace(blocks[0], `"https://kes.example.com:7373"`, `"`+a.stack.KESEndpoint+`"`, 1)
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": main, "terraform.tfvars": `kes_api_key = "` + a.stack.KESAdminAPIKey + `"`})
	w.must(0, "apply", "-input=false", "-auto-approve")
	if err := a.checkObjects("finance", keysOf(names, "finance-2026-11"))(nil); err != nil {
		t.Error(err)
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")

	// Retirement, step 1: allow it.
	retire := regexp.MustCompile(`(?s)resource "minio_kes_key" "finance_2026_10" \{.*?\n\}\n`).ReplaceAllString(main, blocks[1])
	w.write("main.tf", retire)
	w.must(0, "apply", "-input=false", "-auto-approve")
	// Step 2: remove the resource and its import block; the key goes.
	gone := regexp.MustCompile(`(?s)(# Last month's key.*?\n\}\n\n)?resource "minio_kes_key" "finance_2026_10" \{.*?\n\}\n`).ReplaceAllString(retire, "")
	gone = regexp.MustCompile(`(?s)import \{\n  to = minio_kes_key.finance_2026_10.*?\n\}\n`).ReplaceAllString(gone, "")
	w.write("main.tf", gone)
	w.must(0, "apply", "-input=false", "-auto-approve")
	if _, err := kc.DescribeKey(context.Background(), "finance-2026-10"); !errors.Is(err, kes.ErrKeyNotFound) {
		t.Errorf("the old key should be gone from KES after the retirement, describe says %v", err)
	}
	if err := a.checkBytesUnchanged("finance", before)(nil); err != nil {
		t.Errorf("after the old key was deleted: %v", err)
	}
	// A write without encryption headers lands under the new key.
	if _, err := a.s3.PutObject(ctx, "finance", "written-after", strings.NewReader("new"), 3, minio.PutObjectOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := a.checkObjects("finance", map[string]string{"written-after": "finance-2026-11"})(nil); err != nil {
		t.Error(err)
	}
	// The new key seals the data: the test's own clean-up must not (and
	// could not) delete it, only forget it.
	w.must(0, "state", "rm", "minio_kes_key.finance_2026_11")
}
