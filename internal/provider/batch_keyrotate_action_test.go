package provider

import (
	"context"
	"crypto/rand"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/minio/kes-go"
	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

// Actions exist from Terraform 1.14 on; OpenTofu 1.12 has none. These
// tests run under the pinned Terraform (TEST_TF_CLI=terraform, `make
// testacc-terraform-pinned`) and skip, saying so, under other CLIs.
// .ci/run fails when they skip under a CLI that has actions.

// actionConfig is an action rotating bucket to key (an HCL expression),
// with extra arguments in its config block.
func actionConfig(bucket, key, extra string) string {
	return fmt.Sprintf(`
action "minio_batch_keyrotate" "rotate" {
  config {
    bucket = %q
    encryption {
      type = "sse-kms"
      key  = %s
    }
%s
  }
}
`, bucket, key, extra)
}

// progressShown asserts the CLI showed the action's steps and the job's
// progress (the progress events of the invocation).
func progressShown(t *testing.T, out, bucket string) {
	t.Helper()
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`checking bucket "` + bucket + `", the target key and the job's scope`),
		regexp.MustCompile(`started batch keyrotate job keyrotate-\S+ \(attempt 1 of 3\)`),
		regexp.MustCompile(`job keyrotate-\S+ \(attempt 1 of 3\) (running|complete): \d+ objects? rotated, 0 failed`),
		regexp.MustCompile(`counting every version in scope by key`),
	} {
		if !want.MatchString(out) {
			t.Errorf("the CLI output does not show %q:\n%s", want, out)
		}
	}
}

// tagsOf reads an object's tags from outside.
func (a *acc) tagsOf(bucket, name string) map[string]string {
	a.t.Helper()
	tags, err := a.s3.GetObjectTagging(a.ctx(), bucket, name, minio.GetObjectTaggingOptions{})
	if err != nil {
		a.t.Fatalf("reading the tags of %s: %v", name, err)
	}
	return tags.ToMap()
}

// TestAccBatchKeyrotateAction_rotatesWhenKeyIsCreated: creating a KES key
// triggers the action (action_trigger after_create), which rotates every
// object in scope to that key in the same apply, keeping tags and bytes.
// Then objects written later under the old key are rotated by
// `terraform apply -invoke`, and the plan stays empty throughout.
func TestAccBatchKeyrotateAction_rotatesWhenKeyIsCreated(t *testing.T) {
	a := newAcc(t) // first: without TF_ACC it skips
	requireTerraform114(t, "actions")
	bucket, oldKey, newKey := a.bucket(), a.key(), randomName("acc-new-")
	names := inventory.Names("o-", 30)
	a.put(inventory.Seed{Bucket: bucket, Names: names[:25], KMSKey: oldKey})
	a.put(inventory.Seed{Bucket: bucket, Names: names[25:], KMSKey: oldKey, Tags: map[string]string{"team": "finance"}})
	before := a.hashes(bucket)

	// Key and action both take the name from a local: an action whose
	// config refers to a resource cannot be invoked with -invoke (Terraform
	// evaluates no resource then), and Terraform warns of a cycle risk.
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": fmt.Sprintf(`
locals {
  key = %q
}

resource "minio_kes_key" "new" {
  name = local.key
  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.minio_batch_keyrotate.rotate]
    }
  }
}
`, newKey) + actionConfig(bucket, "local.key", "")})
	// The key stays in KES when the test ends: objects use it, and
	// minio_kes_key refuses to delete such a key.
	t.Cleanup(func() { w.run("state", "rm", "minio_kes_key.new") })
	w.must(0, "init")
	plan := w.must(0, "plan")
	if !strings.Contains(plan, "action.minio_batch_keyrotate.rotate") {
		t.Errorf("the plan does not show the triggered action:\n%s", plan)
	}
	out := w.must(0, "apply", "-auto-approve")
	t.Logf("apply that creates the key:\n%s", out)
	if !strings.Contains(out, "Action complete: action.minio_batch_keyrotate.rotate (triggered by minio_kes_key.new)") {
		t.Errorf("the apply does not say that creating the key triggered the action:\n%s", out)
	}
	progressShown(t, out, bucket)
	if !regexp.MustCompile(`rotated 30 objects to key ` + newKey + ` with job keyrotate-\S+; put back 5 tag sets and 0 delete markers; verified: 30 data versions in scope, 0 pending`).MatchString(out) {
		t.Errorf("the apply does not end with the invocation's summary:\n%s", out)
	}
	if err := a.checkObjects(bucket, keysOf(names, newKey))(nil); err != nil {
		t.Fatalf("after the triggered rotation: %v", err)
	}
	if err := a.checkBytesUnchanged(bucket, before)(nil); err != nil {
		t.Fatal(err)
	}
	if got := a.tagsOf(bucket, names[29]); got["team"] != "finance" {
		t.Errorf("tags of %s after the rotation: %v, want team=finance", names[29], got)
	}
	w.must(0, "plan", "-detailed-exitcode")

	later := inventory.Names("later-", 10)
	a.put(inventory.Seed{Bucket: bucket, Names: later, KMSKey: oldKey})
	out = w.must(0, "apply", "-auto-approve", "-invoke=action.minio_batch_keyrotate.rotate")
	t.Logf("apply -invoke:\n%s", out)
	progressShown(t, out, bucket)
	// Only the 10 written later: the job is narrowed to what is pending.
	if !regexp.MustCompile(`re-sealing only the versions modified at or after \S+, the oldest pending one.*\n(?s:.*)rotated 10 objects to key ` + newKey).MatchString(out) {
		t.Errorf("the invocation does not report the 10 objects it rotated, and only them:\n%s", out)
	}
	if err := a.checkObjects(bucket, keysOf(append(names, later...), newKey))(nil); err != nil {
		t.Fatalf("after apply -invoke: %v", err)
	}
	w.must(0, "plan", "-detailed-exitcode")
}

// TestAccBatchKeyrotateAction_failedJobFailsWithCounts: the objects' key
// is deleted from KES, so the job fails every object; the invocation fails
// with the job's counts and leaves the objects readable once the key is
// back.
func TestAccBatchKeyrotateAction_failedJobFailsWithCounts(t *testing.T) {
	a := newAcc(t) // first: without TF_ACC it skips
	requireTerraform114(t, "actions")
	kc := a.kes()
	bucket, newKey, oldKey := a.bucket(), a.key(), randomName("acc-old-")
	material := make([]byte, 32)
	rand.Read(material)
	if err := kc.ImportKey(context.Background(), oldKey, &kes.ImportKeyRequest{Key: material, Cipher: kes.AES256}); err != nil {
		t.Fatalf("importing the old key into KES: %v", err)
	}
	// Few objects: with their key gone each one takes MinIO seconds to give up on.
	names := inventory.Names("o-", 3)
	a.put(inventory.Seed{Bucket: bucket, Names: names, KMSKey: oldKey})
	before := a.hashes(bucket)
	if err := kc.DeleteKey(a.ctx(), oldKey); err != nil {
		t.Fatal(err)
	}

	audit := a.bucket()
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": actionConfig(bucket, strconv.Quote(newKey),
		"    retry {\n      attempts = 1\n    }\n    report_to {\n      bucket = \""+audit+"\"\n    }")})
	w.must(0, "init")
	out := w.must(1, "apply", "-auto-approve", "-invoke=action.minio_batch_keyrotate.rotate")
	t.Logf("apply -invoke of a job that fails:\n%s", out)
	// A failed rotation leaves evidence too.
	if rep := a.onlyReport(audit); rep.Outcome != "failed" || len(rep.Jobs) != 1 || rep.Jobs[0].ObjectsFailed != 3 || rep.After != nil {
		t.Errorf("report of the failed invocation: outcome %q, jobs %+v, after %+v: want failed, one job with 3 failed, no after", rep.Outcome, rep.Jobs, rep.After)
	}
	for _, want := range []string{
		"Error: Rotation Job Did Not Complete",
		"(attempt 1): 0 objects rotated, 3 failed",
		"Objects that were not rotated are still readable under their old key",
	} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Errorf("the failed invocation does not say %q:\n%s", want, out)
		}
	}

	if err := kc.ImportKey(context.Background(), oldKey, &kes.ImportKeyRequest{Key: material, Cipher: kes.AES256}); err != nil {
		t.Fatalf("importing the old key again: %v", err)
	}
	if err := a.checkObjects(bucket, keysOf(names, oldKey))(nil); err != nil {
		t.Fatal(err)
	}
	if err := a.checkBytesUnchanged(bucket, before)(nil); err != nil {
		t.Fatal(err)
	}
}

// TestAccBatchKeyrotateAction_timeoutCancelsJobAndRestores: when
// timeouts.invoke runs out while the job runs, the action (which has no
// state to finish from later) cancels the job and puts back the tags the
// job had dropped, then fails saying so, with the counts.
func TestAccBatchKeyrotateAction_timeoutCancelsJobAndRestores(t *testing.T) {
	a := newAcc(t)
	requireTerraform114(t, "actions")
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	names := inventory.Names("o-", 40)
	a.put(inventory.Seed{Bucket: bucket, Names: names, KMSKey: oldKey, Tags: map[string]string{"team": "finance"}})
	before := a.hashes(bucket)
	a.pace(500 * time.Millisecond) // about 20 s of rotation, far past the timeout

	w := newCLIWorkspace(t, a, map[string]string{"main.tf": actionConfig(bucket, strconv.Quote(newKey), "    timeouts {\n      invoke = \"6s\"\n    }")})
	w.must(0, "init")
	out := w.must(1, "apply", "-auto-approve", "-invoke=action.minio_batch_keyrotate.rotate")
	t.Logf("apply -invoke that times out:\n%s", out)
	flat := strings.Join(strings.Fields(out), " ")
	m := regexp.MustCompile(`Job (keyrotate-\S+) \(attempt 1\): (\d+) objects rotated, 0 failed, last object "[^"]*", in the job's last saved report \(MinIO saves it every few seconds\)\. What it changed besides the key was put back: (\d+) tag sets restored`).FindStringSubmatch(flat)
	if m == nil {
		t.Fatalf("the failed invocation does not give the job, its counts and the tags put back:\n%s", out)
	}
	if !strings.Contains(flat, "The invocation's timeout ran out while the job was running, so the job was canceled.") {
		t.Errorf("the failed invocation does not say the job was canceled:\n%s", out)
	}
	// The job's count is its last saved report (MinIO saves every few
	// seconds), so it may trail the tag sets actually put back.
	if rotated, restored := m[2], m[3]; rotated == "40" || restored == "0" {
		t.Errorf("%s objects rotated before the cancel and %s tag sets put back; want fewer than 40 rotated and some put back", rotated, restored)
	}
	a.waitForJob(m[1], batchjob.StatusCanceled)
	for _, name := range names {
		if got := a.tagsOf(bucket, name); got["team"] != "finance" {
			t.Errorf("tags of %s after the canceled rotation: %v, want team=finance", name, got)
		}
	}
	if err := a.checkBytesUnchanged(bucket, before)(nil); err != nil {
		t.Fatal(err)
	}
}

// TestAccBatchKeyrotateAction_guideResourceOrAction applies the action
// example of the guide's "Resource or action?" as written: creating the
// key rotates the payroll bucket to it, and the plan afterwards is empty.
func TestAccBatchKeyrotateAction_guideResourceOrAction(t *testing.T) {
	a := newAcc(t) // first: without TF_ACC it skips
	requireTerraform114(t, "actions")
	blocks := guideBlocks(t, "guides/rotating-to-a-new-kes-key.md")
	if len(blocks) != 3 || !strings.Contains(blocks[1], `action "minio_batch_keyrotate" "payroll"`) {
		t.Fatalf("the guide's second terraform block is not the action example:\n%v", blocks)
	}
	if err := a.s3.MakeBucket(a.ctx(), "payroll", minio.MakeBucketOptions{}); err != nil {
		t.Fatal(err)
	}
	oldKey := a.key()
	names := inventory.Names("pay-", 12)
	a.put(inventory.Seed{Bucket: "payroll", Names: names, KMSKey: oldKey})
	before := a.hashes("payroll")

	w := newCLIWorkspace(t, a, map[string]string{"main.tf": blocks[1]})
	t.Cleanup(func() { w.run("state", "rm", "minio_kes_key.payroll") })
	w.must(0, "init")
	out := w.must(0, "apply", "-auto-approve")
	if !strings.Contains(out, "rotated 12 objects to key payroll-2026-12") {
		t.Errorf("creating the key did not rotate the bucket to it:\n%s", out)
	}
	if err := a.checkObjects("payroll", keysOf(names, "payroll-2026-12"))(nil); err != nil {
		t.Fatal(err)
	}
	if err := a.checkBytesUnchanged("payroll", before)(nil); err != nil {
		t.Fatal(err)
	}
	w.must(0, "plan", "-detailed-exitcode")
}

// TestRunArgsOptions: an action's arguments have no schema defaults, so
// null ones must take the resource's; set ones are kept.
func TestRunArgsOptions(t *testing.T) {
	null := runArgs{StallTimeout: types.StringNull(), Verify: types.BoolNull(), PreserveTags: types.BoolNull(), PreserveDeleted: types.BoolNull(), DropExpires: types.BoolNull()}
	if got := null.options(); got.stall != 10*time.Minute || !got.verify || !got.preserveTags || !got.preserveDeleted || !got.wait {
		t.Errorf("null arguments: %+v, want a 10m stall timeout, verification, both preservations and waiting", got)
	}
	set := runArgs{StallTimeout: types.StringValue("30s"), Verify: types.BoolValue(false), PreserveTags: types.BoolValue(false), PreserveDeleted: types.BoolValue(true), DropExpires: types.BoolValue(true)}
	if got := set.options(); got.stall != 30*time.Second || got.verify || got.preserveTags || !got.preserveDeleted {
		t.Errorf("set arguments: %+v, want them as set", got)
	}
}
