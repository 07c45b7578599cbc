package provider

import (
	"context"
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/minio/kes-go"
	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
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
	if len(blocks) != 3 {
		t.Fatalf("the guide has %d terraform blocks, want the configuration, the action (TestAccBatchKeyrotateAction_guideResourceOrAction) and the retirement", len(blocks))
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
	retire := regexp.MustCompile(`(?s)resource "minio_kes_key" "finance_2026_10" \{.*?\n\}\n`).ReplaceAllString(main, blocks[2])
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

// TestAccGuide_longRotationWithCheck applies the long-rotation block of
// the guide "Terraform Cloud and CI" as written: apply returns while the
// job still runs, the check block says so as a warning, and once the job
// has finished the plan is empty and the check is quiet.
func TestAccGuide_longRotationWithCheck(t *testing.T) {
	a := newAcc(t)
	ctx := a.ctx()
	blocks := guideBlocks(t, "guides/terraform-cloud-and-ci.md")
	if len(blocks) != 2 {
		t.Fatalf("the guide has %d terraform blocks, want the provider configuration and the long rotation", len(blocks))
	}
	if err := a.kes().CreateKey(ctx, "archive-2026-11"); err != nil && !errors.Is(err, kes.ErrKeyExists) {
		t.Fatal(err)
	}
	if err := a.s3.MakeBucket(ctx, "archive", minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	oldKey := a.key()
	names := inventory.Names("scan-", 20)
	a.put(inventory.Seed{Bucket: "archive", Names: names, KMSKey: oldKey})
	a.pace(500 * time.Millisecond) // about 10 s of rotation: apply returns well before

	w := newCLIWorkspace(t, a, map[string]string{"main.tf": blocks[1]})
	out := w.must(0, "apply", "-input=false", "-auto-approve")
	if !regexp.MustCompile(`(?s)Warning: Check block assertion failed.*Rotation\s+keyrotate-\S+\s+is\s+running:\s+\d+\s+objects\s+rotated\s+so\s+far`).MatchString(out) {
		t.Errorf("apply of a running job does not show the check's warning:\n%s", out)
	}
	id := w.stateID("minio_batch_keyrotate.archive")
	if _, err := batchjob.Wait(ctx, a.admin, id, batchjob.WaitOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := a.checkObjects("archive", keysOf(names, "archive-2026-11"))(nil); err != nil {
		t.Error(err)
	}
	// A check block's data source is always read again at apply, so the
	// plan is never "no changes": it must change nothing else.
	out = w.must(0, "plan", "-input=false")
	if strings.Contains(out, "Check block assertion failed") || !strings.Contains(out, "Plan: 0 to add, 0 to change, 0 to destroy.") {
		t.Errorf("after the job completed the plan changes something, or the check still warns:\n%s", out)
	}
}
