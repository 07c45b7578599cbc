package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/conn"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// The shipped policies (examples/iam) are the smallest under which every
// feature works. These tests prove both halves: every feature works as a
// user holding exactly them, and taking any one action (or KES path) away
// breaks a feature with a diagnostic that names the action and the
// feature that needs it.

// TestLeastPrivilegePolicyFiles checks the shipped policies without a
// server: MinIO's rules for a policy (kms: actions in a statement of their
// own, with a KMS resource; admin: actions without a resource), and that
// the provider can explain the absence of each action and KES path.
func TestLeastPrivilegePolicyFiles(t *testing.T) {
	for _, file := range append([]string{teststack.MinIOPolicyFile}, policyVariants...) {
		p, err := teststack.ReadMinIOPolicy(file)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, st := range p.Statement {
			kinds := map[string]bool{}
			for _, a := range st.Action {
				kind, _, _ := strings.Cut(a, ":")
				kinds[kind] = true
				if seen[a] {
					t.Errorf("%s: %s is allowed twice", file, a)
				}
				seen[a] = true
				if conn.NeededBy(a) == "" {
					t.Errorf("%s: %s has no entry in conn's neededBy: a denial of it would not say what needs it", file, a)
				}
			}
			switch {
			case len(kinds) != 1:
				t.Errorf("%s: statement %q mixes %v; MinIO refuses a statement that mixes kms: and admin: actions", file, st.Sid, kinds)
			case kinds["admin"] && len(st.Resource) > 0:
				t.Errorf("%s: admin statement %q has a resource", file, st.Sid)
			case kinds["kms"] && !slices.Equal(st.Resource, []string{"arn:minio:kms:::*"}):
				t.Errorf("%s: kms statement %q has resource %v, want arn:minio:kms:::*", file, st.Sid, st.Resource)
			case kinds["s3"] && len(st.Resource) == 0:
				t.Errorf("%s: s3 statement %q has no resource", file, st.Sid)
			}
		}
	}
	full := shippedPolicy(t)
	for _, variant := range policyVariants {
		p, _ := teststack.ReadMinIOPolicy(variant)
		for _, a := range p.Actions() {
			if !slices.Contains(full.Actions(), a) {
				t.Errorf("%s allows %s, which the full policy does not", variant, a)
			}
		}
	}
	kp, err := teststack.ReadKESPolicy()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{conn.KESCreateKey, conn.KESDescribeKey, conn.KESDeleteKey, conn.KESListKeys}; !slices.Equal(kp.Allow, want) {
		t.Errorf("KES policy %s allows %v; the provider calls %v", kp.Name, kp.Allow, want)
	}
}

// policyVariants are the per-feature policies of examples/iam.
var policyVariants = []string{
	"examples/iam/minio-readonly-policy.json",
	"examples/iam/minio-rotation-one-bucket-policy.json",
	"examples/iam/minio-bucket-encryption-policy.json",
}

// TestAccLeastPrivilege_everyFeature runs every feature as a user holding
// exactly examples/iam/minio-rotation-policy.json and a KES identity
// holding exactly examples/iam/kes-policy.yml: a KES key is created, a
// versioned bucket with tags, deleted objects and a lifecycle rule is
// rotated to it (preserved, verified, with live progress and the plan's
// warnings), the bucket's default encryption set, every data source read;
// the plan is then empty, terraform query lists the key, the default and
// the job (Terraform >= 1.14), and the old key, unused, is imported and
// deleted.
func TestAccLeastPrivilege_everyFeature(t *testing.T) {
	a := newAcc(t)
	c := a.policyCreds(shippedPolicy(t))
	bucket, preview, oldKey, otherKey := a.bucket(), a.bucket(), a.key(), a.key()
	newKey := randomName("lp-")
	a.taggedVersioned(bucket, oldKey, 8, 4) // o-00 and o-04 deleted
	a.addLifecycleRule(bucket)
	a.taggedVersioned(preview, otherKey, 5, 0)
	a.addLifecycleRule(preview)
	before, deletedBefore := versionsOf(a.ctx(), t, a.s3, bucket)
	a.pace(100 * time.Millisecond) // long enough for live samples

	main := fmt.Sprintf(`
resource "minio_kes_key" "new" {
  name = %[1]q
}

resource "minio_batch_keyrotate" "rotate" {
  bucket = %[2]q
  encryption {
    type = "sse-kms"
    key  = minio_kes_key.new.name
  }
}

resource "minio_bucket_encryption" "default" {
  bucket = %[2]q
  encryption {
    type = "sse-kms"
    key  = minio_kes_key.new.name
  }
}

data "minio_keyrotate_preview" "other" {
  bucket        = %[3]q
  count_expires = true
  encryption {
    type = "sse-kms"
    key  = %[4]q
  }
}

data "minio_batch_job_status" "rotate" {
  id = minio_batch_keyrotate.rotate.id
}

data "minio_batch_jobs" "keyrotate" {
  type       = "keyrotate"
  depends_on = [minio_batch_keyrotate.rotate]
}

data "minio_kms_key_usage" "old" {
  key        = %[5]q
  depends_on = [minio_batch_keyrotate.rotate]
}

data "minio_kes_keys" "lp" {
  pattern    = "lp-*"
  depends_on = [minio_kes_key.new]
}

output "job" {
  value = minio_batch_keyrotate.rotate.id
}

output "job_status" {
  value = data.minio_batch_job_status.rotate.status
}

output "jobs" {
  value = [for j in data.minio_batch_jobs.keyrotate.jobs : j.id]
}

output "old_key_versions" {
  value = data.minio_kms_key_usage.old.versions
}

output "old_key_buckets" {
  value = length(data.minio_kms_key_usage.old.buckets)
}

output "buckets_scanned" {
  value = data.minio_kms_key_usage.old.buckets_scanned
}

output "kes_keys" {
  value = [for k in data.minio_kes_keys.lp.keys : k.name]
}

output "preview" {
  value = {
    versions        = data.minio_keyrotate_preview.other.versions
    tagged_versions = data.minio_keyrotate_preview.other.tagged_versions
    lifecycle_rules = data.minio_keyrotate_preview.other.lifecycle_rules
    expires_headers = data.minio_keyrotate_preview.other.expires_headers
    pending         = data.minio_keyrotate_preview.other.pending
  }
}

output "versions_pending" {
  value = minio_batch_keyrotate.rotate.versions_pending
}
`, newKey, bucket, preview, newKey, oldKey)
	w := newLPWorkspace(t, a, c, map[string]string{"main.tf": main})
	w.env = append(w.env, "TF_LOG_PROVIDER=INFO")
	out := w.must(0, "apply", "-input=false", "-auto-approve")
	mustSay(t, "the apply", out,
		"Warning: Rotating On A Deployment Without Redundancy", // admin:ServerInfo
		"Warning: Rotation Restarts Lifecycle Clocks",          // s3:GetLifecycleConfiguration
		"batch keyrotate live progress",                        // admin:ServerInfo, the job's live counts
		"Apply complete!")
	if strings.Contains(out, "live progress cannot be read") {
		t.Errorf("the rotation could not read its live progress:\n%s", out)
	}
	a.checkRotated(bucket, newKey, before, deletedBefore)
	if enc, err := a.s3.GetBucketEncryption(a.ctx(), bucket); err != nil || len(enc.Rules) != 1 || !strings.HasSuffix(enc.Rules[0].Apply.KmsMasterKeyID, newKey) {
		t.Errorf("default encryption of %s: %+v, %v; want SSE-KMS with %s", bucket, enc, err, newKey)
	}

	outputs := map[string]struct{ Value json.RawMessage }{}
	if raw := w.must(0, "output", "-json"); json.Unmarshal([]byte(raw), &outputs) != nil {
		t.Fatalf("outputs: %s", raw)
	}
	var got struct {
		Job, JobStatus                                 struct{ Value string }
		Jobs, KESKeys                                  struct{ Value []string }
		OldKeyVersions, OldKeyBuckets, VersionsPending struct{ Value int64 }
		BucketsScanned                                 struct{ Value int }
		Preview                                        struct{ Value map[string]int64 }
	}
	for name, dst := range map[string]any{"job": &got.Job.Value, "job_status": &got.JobStatus.Value, "jobs": &got.Jobs.Value, "kes_keys": &got.KESKeys.Value,
		"old_key_versions": &got.OldKeyVersions.Value, "old_key_buckets": &got.OldKeyBuckets.Value, "versions_pending": &got.VersionsPending.Value,
		"preview": &got.Preview.Value, "buckets_scanned": &got.BucketsScanned.Value} {
		if err := json.Unmarshal(outputs[name].Value, dst); err != nil {
			t.Fatalf("output %s = %s: %v", name, outputs[name].Value, err)
		}
	}
	if !jobIDPattern.MatchString(got.Job.Value) || got.JobStatus.Value != "complete" || !slices.Contains(got.Jobs.Value, got.Job.Value) {
		t.Errorf("job %q: status %q, listed in %v; want a complete keyrotate job, listed", got.Job.Value, got.JobStatus.Value, got.Jobs.Value)
	}
	if got.VersionsPending.Value != 0 {
		t.Errorf("versions_pending = %d after the rotation, want 0", got.VersionsPending.Value)
	}
	if got.OldKeyVersions.Value != 0 || got.OldKeyBuckets.Value != 0 {
		t.Errorf("usage of the old key after the rotation: %d versions in %d buckets, want none", got.OldKeyVersions.Value, got.OldKeyBuckets.Value)
	}
	// Without s3:ListAllMyBuckets MinIO lists the buckets the user may
	// list (s3:ListBucket): here every bucket.
	if all, err := a.s3.ListBuckets(a.ctx()); err != nil || got.BucketsScanned.Value != len(all) {
		t.Errorf("the key usage check scanned %d buckets; the stack has %d (%v)", got.BucketsScanned.Value, len(all), err)
	}
	if !slices.Contains(got.KESKeys.Value, newKey) {
		t.Errorf("minio_kes_keys lists %v, without %s", got.KESKeys.Value, newKey)
	}
	wantPreview := map[string]int64{"versions": 5, "tagged_versions": 5, "lifecycle_rules": 1, "expires_headers": 0, "pending": 5}
	if fmt.Sprint(got.Preview.Value) != fmt.Sprint(wantPreview) {
		t.Errorf("preview of %s: %v, want %v", preview, got.Preview.Value, wantPreview)
	}

	// Refresh reads everything again: nothing to change.
	w.must(0, "plan", "-input=false", "-detailed-exitcode")

	// terraform query lists what was made, through the same grants.
	if ok, _ := terraform114(t); ok {
		w.write("lp.tfquery.hcl", fmt.Sprintf(`
list "minio_kes_key" "lp" {
  provider = minio
  config {
    pattern = %[1]q
    in_use  = true
  }
}

list "minio_bucket_encryption" "lp" {
  provider = minio
  config {
    key = %[1]q
  }
}

list "minio_batch_keyrotate" "lp" {
  provider = minio
  config {
    bucket = %[2]q
  }
}
`, newKey, bucket))
		mustSay(t, "terraform query", w.must(0, "query"), newKey, bucket, got.Job.Value)
		w.remove("lp.tfquery.hcl")
	}

	// The old key, now unused, is imported and deleted: the delete check
	// (MinIO's default key, every bucket's versions and default) passes.
	retire := fmt.Sprintf(`
import {
  to = minio_kes_key.old
  id = %[1]q
}

resource "minio_kes_key" "old" {
  name          = %[1]q
  allow_destroy = true
}
`, oldKey)
	w.write("retire.tf", retire)
	w.must(0, "apply", "-input=false", "-auto-approve")
	w.write("retire.tf", "")
	out = w.must(0, "apply", "-input=false", "-auto-approve")
	mustSay(t, "the apply that retires the old key", out, "minio_kes_key.old: Destruction complete")
	a.kesKeyGone(oldKey)
}

// TestAccLeastPrivilege_action invokes the action minio_batch_keyrotate
// (under the pinned Terraform, which has actions) as the user holding
// exactly the shipped policies: it rotates, keeps tags and deleted
// objects, and shows its live progress.
func TestAccLeastPrivilege_action(t *testing.T) {
	a := newAcc(t)
	c := a.policyCreds(shippedPolicy(t))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cli, err := teststack.PinnedCLI(ctx, teststack.CLIPinnedTerraform, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.taggedVersioned(bucket, oldKey, 6, 3) // o-00 and o-03 deleted
	before, deletedBefore := versionsOf(a.ctx(), t, a.s3, bucket)
	a.pace(100 * time.Millisecond)

	w := newLPWorkspace(t, a, c, map[string]string{"main.tf": actionConfig(bucket, strconv.Quote(newKey), "")})
	w.cli = cli
	out := w.must(0, "apply", "-input=false", "-auto-approve", "-invoke=action.minio_batch_keyrotate.rotate")
	progressShown(t, out, bucket)
	mustSay(t, "the invocation", out, "put back 6 tag sets and 2 delete markers", "0 pending")
	a.checkRotated(bucket, newKey, before, deletedBefore)
}

// denial is one action taken away: what to run without it, and what the
// run must then say besides the action's own denial.
type denial struct {
	// run runs the feature with c and returns the CLI's output; it
	// asserts the exit code and what the server must (not) have done.
	run func(t *testing.T, a *acc, c creds) string
	// also are phrases the output must hold besides denialSays(action).
	also []string
	// noNeededBy: the denial is worded by the code that met it, not by
	// conn.Explain, so only the action and the feature are checked.
	noNeededBy bool
}

// rotateFails applies a rotation of a bucket seeded by seed and expects
// the apply to fail; started says whether a job must have started.
func rotateFails(seed func(a *acc, bucket, key string), extra string, started bool) func(*testing.T, *acc, creds) string {
	return func(t *testing.T, a *acc, c creds) string {
		bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
		seed(a, bucket, oldKey)
		jobs := a.jobCount()
		w := newLPWorkspace(t, a, c, map[string]string{"main.tf": rotateConfig(bucket, newKey, extra)})
		out := w.must(1, "apply", "-input=false", "-auto-approve")
		if started {
			if a.jobCount() != jobs+1 {
				t.Errorf("the apply should have started one job: %d jobs before, %d after", jobs, a.jobCount())
			}
		} else {
			a.noJobStarted(jobs)
		}
		return out
	}
}

func plainObjects(n int) func(a *acc, bucket, key string) {
	return func(a *acc, bucket, key string) { a.taggedVersioned(bucket, key, n, 0) }
}

func withDeleted(a *acc, bucket, key string) { a.taggedVersioned(bucket, key, 4, 2) } // o-00, o-02 deleted

// readFails reads a data source (plan) and expects it to fail.
func readFails(config func(a *acc) string) func(*testing.T, *acc, creds) string {
	return func(t *testing.T, a *acc, c creds) string {
		w := newLPWorkspace(t, a, c, map[string]string{"main.tf": config(a)})
		return w.must(1, "plan", "-input=false")
	}
}

func keyUsageConfig(a *acc) string {
	a.bucket() // at least one bucket to scan
	return fmt.Sprintf("data \"minio_kms_key_usage\" \"k\" {\n  key = %q\n}\n", a.key())
}

// minioDenials says, for each action of the shipped MinIO policy, how to
// see a feature fail without it.
var minioDenials = map[string]denial{
	"admin:StartBatchJob":    {run: rotateFails(plainObjects(3), "", false)},
	"admin:ListBatchJobs":    {run: rotateFails(plainObjects(3), "", false), also: []string{"checks before a job starts that it may follow it"}},
	"admin:DescribeBatchJob": {run: rotateFails(plainObjects(3), "", false), also: []string{"checks before a job starts that it may follow it"}},
	"admin:CancelBatchJob": {
		// A running job, left running (wait_for_completion = false), is
		// destroyed: destroy must cancel it. The message is the
		// resource's own (batch_keyrotate_resource.go); the action comes
		// with MinIO's answer.
		run: func(t *testing.T, a *acc, c creds) string {
			bucket, _ := a.kmsObjects(a.key(), 40)
			a.pace(500 * time.Millisecond)
			w := newLPWorkspace(t, a, c, map[string]string{"main.tf": rotateConfig(bucket, a.key(),
				"wait_for_completion = false\npreserve_tags = false\npreserve_deleted = false")})
			w.must(0, "apply", "-input=false", "-auto-approve")
			out := w.must(1, "destroy", "-input=false", "-auto-approve")
			mustSay(t, "the failed destroy", out, "minio_batch_keyrotate.test: Destroying...", "Error: Cannot Cancel Rotation Job")
			return out
		},
		noNeededBy: true,
	},
	"admin:ServerInfo": {
		// Not fatal: the plan cannot warn about redundancy, the wait
		// follows the saved report; the rotation completes.
		run: func(t *testing.T, a *acc, c creds) string {
			bucket, names := a.kmsObjects(a.key(), 3)
			newKey := a.key()
			w := newLPWorkspace(t, a, c, map[string]string{"main.tf": rotateConfig(bucket, newKey, "")})
			w.env = append(w.env, "TF_LOG_PROVIDER=INFO")
			out := w.must(0, "apply", "-input=false", "-auto-approve")
			if err := a.checkObjects(bucket, keysOf(names, newKey))(nil); err != nil {
				t.Error(err)
			}
			mustSay(t, "the apply", out, "Warning: MinIO Denied The Request", "cannot warn about a deployment without redundancy",
				"the job's live progress cannot be read")
			return out
		},
	},
	"admin:SiteReplicationInfo": {run: rotateFails(plainObjects(3), "", false),
		also: []string{"No job was started.", "whether it belongs to a site-replication group"}},
	"admin:GetBucketTarget": {
		// Not fatal for a rotation: the plan cannot say whether copies
		// outside the group keep the old key, and says so.
		run: func(t *testing.T, a *acc, c creds) string {
			bucket, _ := a.kmsObjects(a.key(), 3)
			w := newLPWorkspace(t, a, c, map[string]string{"main.tf": rotateConfig(bucket, a.key(), "")})
			out := w.must(0, "plan", "-input=false")
			mustSay(t, "the plan", out, "Warning: Cannot Read Bucket Replication Targets", "could not list the replication targets of bucket "+strconv.Quote(bucket))
			return out
		},
	},
	"kms:KeyStatus": {run: rotateFails(plainObjects(3), "", false)},
	"kms:Status":    {run: readFails(keyUsageConfig), also: []string{"with data.minio_kms_key_usage.k"}},
	"s3:ListBucket": {run: rotateFails(plainObjects(3), "", false)},
	"s3:GetObject": {run: rotateFails(plainObjects(3), "", false),
		also: []string{"MinIO withheld the metadata, and so the encryption, of"}},
	"s3:GetObjectTagging": {run: rotateFails(plainObjects(3), "", false), also: []string{"MinIO withheld the tags of"}},
	"s3:PutObjectTagging": {run: rotateFails(plainObjects(3), "", true), also: []string{"Putting back the tags and deleted objects failed after the rotation"}},
	"s3:DeleteObject":     {run: rotateFails(withDeleted, "", true), also: []string{"Putting back the tags and deleted objects failed after the rotation"}},
	"s3:GetBucketVersioning": {run: rotateFails(withDeleted, "", false),
		also: []string{"2 deleted objects would become visible again"}},
	"s3:GetLifecycleConfiguration": {
		// Not fatal either: the plan cannot say whether the rotation
		// restarts lifecycle clocks, and says so.
		run: func(t *testing.T, a *acc, c creds) string {
			bucket, _ := a.kmsObjects(a.key(), 3)
			w := newLPWorkspace(t, a, c, map[string]string{"main.tf": rotateConfig(bucket, a.key(), "")})
			out := w.must(0, "plan", "-input=false")
			mustSay(t, "the plan", out, "Warning: MinIO Denied The Request", "could not read the lifecycle configuration of bucket "+strconv.Quote(bucket))
			return out
		},
	},
	"s3:GetEncryptionConfiguration": {run: readFails(keyUsageConfig), also: []string{"with data.minio_kms_key_usage.k"}},
	"s3:PutEncryptionConfiguration": {
		run: func(t *testing.T, a *acc, c creds) string {
			w := newLPWorkspace(t, a, c, map[string]string{"main.tf": fmt.Sprintf(
				"resource \"minio_bucket_encryption\" \"b\" {\n  bucket = %q\n  encryption {\n    type = \"sse-kms\"\n    key  = %q\n  }\n}\n", a.bucket(), a.key())})
			return w.must(1, "apply", "-input=false", "-auto-approve")
		},
		also: []string{"with minio_bucket_encryption.b"},
	},
}

// TestAccLeastPrivilege_eachActionRemoved takes each action of the shipped
// MinIO policy away in turn (the KES identity keeps the shipped KES
// policy) and checks that a feature that needs it fails, or warns, with a
// diagnostic naming the action and what needs it.
func TestAccLeastPrivilege_eachActionRemoved(t *testing.T) {
	a := newAcc(t)
	policy := shippedPolicy(t)
	for action := range minioDenials {
		if !slices.Contains(policy.Actions(), action) {
			t.Errorf("a denial of %s is tested, but the shipped policy does not allow it", action)
		}
	}
	for _, action := range policy.Actions() {
		t.Run(action, func(t *testing.T) {
			d, ok := minioDenials[action]
			if !ok {
				t.Fatalf("no test takes %s away: add one to minioDenials", action)
			}
			sub := &acc{t: t, stack: a.stack, admin: a.admin, s3: a.s3}
			c := sub.policyCreds(policy.Without(action))
			out := d.run(t, sub, c)
			want := d.also
			if action != "s3:GetObject" {
				// MinIO's own answer, which names the action (conn's
				// deniedTransport). Without s3:GetObject MinIO answers
				// nothing of its own: it lists versions without their
				// metadata.
				want = append(want, "Access Denied. (MinIO's policy must allow "+action+" for this request.)")
			}
			if !d.noNeededBy {
				want = append(want, denialSays(action)...)
			}
			mustSay(t, "without "+action+", the output", out, want...)
			t.Logf("without %s:\n%s", action, diagnostics(out))
		})
	}
}

// kesDenials says, for each path of the shipped KES policy, how to see a
// feature fail without it.
var kesDenials = map[string]denial{
	conn.KESCreateKey: {
		run: func(t *testing.T, a *acc, c creds) string {
			w := newLPWorkspace(t, a, c, map[string]string{"main.tf": fmt.Sprintf("resource \"minio_kes_key\" \"k\" {\n  name = %q\n}\n", randomName("lp-"))})
			return w.must(1, "apply", "-input=false", "-auto-approve")
		},
		also: []string{"with minio_kes_key.k"},
	},
	conn.KESDescribeKey: {run: rotateFails(plainObjects(3), "", false), also: []string{"with minio_batch_keyrotate.test"}},
	conn.KESDeleteKey: {
		run: func(t *testing.T, a *acc, c creds) string {
			name := randomName("lp-")
			w := newLPWorkspace(t, a, c, map[string]string{"main.tf": fmt.Sprintf("resource \"minio_kes_key\" \"k\" {\n  name          = %q\n  allow_destroy = true\n}\n", name)})
			w.must(0, "apply", "-input=false", "-auto-approve")
			out := w.must(1, "destroy", "-input=false", "-auto-approve")
			if err := a.checkKESKey(name, true)(nil); err != nil {
				t.Error(err)
			}
			return out
		},
		also: []string{"minio_kes_key.k: Destroying...", `Key "`},
	},
	conn.KESListKeys: {
		run:  readFails(func(*acc) string { return "data \"minio_kes_keys\" \"all\" {}\n" }),
		also: []string{"with data.minio_kes_keys.all"},
	},
}

// TestAccLeastPrivilege_eachKESPathRemoved takes each path of the shipped
// KES policy away in turn (the MinIO user keeps the shipped policy).
func TestAccLeastPrivilege_eachKESPathRemoved(t *testing.T) {
	a := newAcc(t)
	policy := shippedPolicy(t)
	paths, err := a.stack.KESProviderPolicy()
	if err != nil {
		t.Fatal(err)
	}
	for path := range kesDenials {
		if !slices.Contains(paths, path) {
			t.Errorf("a denial of %s is tested, but the shipped KES policy does not allow it", path)
		}
	}
	for _, path := range paths {
		t.Run(strings.Trim(path, "/*"), func(t *testing.T) {
			d, ok := kesDenials[path]
			if !ok {
				t.Fatalf("no test takes %s away: add one to kesDenials", path)
			}
			sub := &acc{t: t, stack: a.stack, admin: a.admin, s3: a.s3}
			c := sub.policyCreds(policy)
			if c.kesKey, err = a.stack.KESProviderKeyWithout(path); err != nil {
				t.Fatal(err)
			}
			out := d.run(t, sub, c)
			mustSay(t, "without "+path+", the output", out, append([]string{"Error: KES Refused The Credentials",
				"refused identity", "the API path " + path + ", which"}, d.also...)...)
			t.Logf("without %s:\n%s", path, diagnostics(out))
		})
	}
}

// TestAccLeastPrivilege_variants runs the per-feature variants of
// examples/iam: the read-only policy reads every data source but cannot
// rotate; the one-bucket policy rotates its bucket, with preservation and
// verification, and no other; the bucket encryption policy manages a
// bucket's default.
func TestAccLeastPrivilege_variants(t *testing.T) {
	a := newAcc(t)
	t.Run("one-bucket", func(t *testing.T) {
		sub := &acc{t: t, stack: a.stack, admin: a.admin, s3: a.s3}
		p, err := teststack.ReadMinIOPolicy("examples/iam/minio-rotation-one-bucket-policy.json")
		if err != nil {
			t.Fatal(err)
		}
		bucket, other, oldKey, newKey := sub.bucket(), sub.bucket(), sub.key(), sub.key()
		for i, st := range p.Statement {
			for j, r := range st.Resource {
				p.Statement[i].Resource[j] = strings.Replace(r, ":::finance", ":::"+bucket, 1)
			}
		}
		c := sub.policyCreds(p)
		sub.taggedVersioned(bucket, oldKey, 6, 3)
		sub.addLifecycleRule(bucket)
		before, deletedBefore := versionsOf(sub.ctx(), t, sub.s3, bucket)
		w := newLPWorkspace(t, sub, c, map[string]string{"main.tf": rotateConfig(bucket, newKey, "")})
		out := w.must(0, "apply", "-input=false", "-auto-approve")
		mustSay(t, "the rotation of the policy's bucket", out, "Warning: Rotation Restarts Lifecycle Clocks", "Apply complete!")
		sub.checkRotated(bucket, newKey, before, deletedBefore)
		w.must(0, "plan", "-input=false", "-detailed-exitcode")

		sub.taggedVersioned(other, oldKey, 2, 0)
		w.write("other.tf", strings.Replace(rotateConfig(other, newKey, ""), `"test"`, `"other"`, 1))
		out = w.must(1, "apply", "-input=false", "-auto-approve")
		mustSay(t, "the rotation of another bucket", out, denialSays("s3:ListBucket")...)
	})
	t.Run("readonly", func(t *testing.T) {
		sub := &acc{t: t, stack: a.stack, admin: a.admin, s3: a.s3}
		p, err := teststack.ReadMinIOPolicy("examples/iam/minio-readonly-policy.json")
		if err != nil {
			t.Fatal(err)
		}
		c := sub.policyCreds(p)
		// A job started by root (which, without the provider, drops the
		// tags of what it rotates), and a bucket to preview.
		rotated, bucket, oldKey, newKey := sub.bucket(), sub.bucket(), sub.key(), sub.key()
		sub.put(inventory.Seed{Bucket: rotated, Names: inventory.Names("o-", 2), KMSKey: oldKey})
		sub.taggedVersioned(bucket, oldKey, 3, 0)
		job := sub.startRotation(rotated, newKey)
		sub.waitForJob(job, batchjob.StatusComplete)
		w := newLPWorkspace(t, sub, c, map[string]string{"main.tf": fmt.Sprintf(`
data "minio_batch_job_status" "j" {
  id = %[1]q
}
data "minio_batch_jobs" "all" {}
data "minio_keyrotate_preview" "p" {
  bucket = %[2]q
  encryption {
    type = "sse-kms"
    key  = %[3]q
  }
}
data "minio_kms_key_usage" "k" {
  key = %[3]q
}
output "read" {
  value = [data.minio_batch_job_status.j.status, length(data.minio_batch_jobs.all.jobs) > 0, data.minio_keyrotate_preview.p.tagged_versions,
    data.minio_keyrotate_preview.p.pending, data.minio_kms_key_usage.k.versions]
}
`, job, bucket, newKey)})
		out := w.must(0, "apply", "-input=false", "-auto-approve")
		// The job, the preview of 3 tagged versions not yet under the
		// target, and the 2 versions the job put under it.
		mustSay(t, "the read-only apply", out, `read = [ "complete", true, 3, 3, 2, ]`)

		w.write("rotate.tf", rotateConfig(bucket, newKey, ""))
		out = w.must(1, "apply", "-input=false", "-auto-approve")
		mustSay(t, "a rotation under the read-only policy", out, denialSays("kms:KeyStatus")...)
	})
	t.Run("bucket-encryption", func(t *testing.T) {
		sub := &acc{t: t, stack: a.stack, admin: a.admin, s3: a.s3}
		p, err := teststack.ReadMinIOPolicy("examples/iam/minio-bucket-encryption-policy.json")
		if err != nil {
			t.Fatal(err)
		}
		c := sub.policyCreds(p)
		bucket, key := sub.bucket(), sub.key()
		w := newLPWorkspace(t, sub, c, map[string]string{"main.tf": fmt.Sprintf(
			"resource \"minio_bucket_encryption\" \"b\" {\n  bucket = %q\n  encryption {\n    type = \"sse-kms\"\n    key  = %q\n  }\n}\n", bucket, key)})
		w.must(0, "apply", "-input=false", "-auto-approve")
		if enc, err := sub.s3.GetBucketEncryption(sub.ctx(), bucket); err != nil || len(enc.Rules) != 1 || !strings.HasSuffix(enc.Rules[0].Apply.KmsMasterKeyID, key) {
			t.Errorf("default encryption of %s: %+v, %v; want SSE-KMS with %s", bucket, enc, err, key)
		}
		w.must(0, "plan", "-input=false", "-detailed-exitcode")
		w.must(0, "destroy", "-input=false", "-auto-approve")
		if _, err := sub.s3.GetBucketEncryption(sub.ctx(), bucket); err == nil {
			t.Errorf("bucket %s still has a default encryption after destroy", bucket)
		}
	})
}
