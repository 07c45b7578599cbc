package provider

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/minio/kes-go"
	"github.com/minio/madmin-go/v3"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

// captureID stores the job ID of the rotation in state.
func captureID(id *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[rotateAddr]
		if !ok {
			return fmt.Errorf("%s not in state", rotateAddr)
		}
		*id = rs.Primary.ID
		return nil
	}
}

// noWait starts a job without waiting; nothing can then be put back
// after it (see TestAccBatchKeyrotate_invalidConfigurations).
const noWait = "wait_for_completion = false\npreserve_tags = false\npreserve_deleted = false"

// TestAccBatchKeyrotate_noWait returns as soon as the job is accepted;
// later refreshes follow it to completion, and the plan stays empty.
func TestAccBatchKeyrotate_noWait(t *testing.T) {
	a := newAcc(t)
	a.pace(100 * time.Millisecond)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	names := inventory.Names("o-", 30)
	a.put(inventory.Seed{Bucket: bucket, Names: names, KMSKey: oldKey})
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:            rotateConfig(bucket, newKey, noWait),
				ConfigStateChecks: []statecheck.StateCheck{stateValue("status", knownvalue.StringExact("running"))},
				Check:             captureID(&id),
			},
			{
				PreConfig: func() { a.waitForJob(id, batchjob.StatusComplete) },
				Config:    rotateConfig(bucket, newKey, noWait),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("status", knownvalue.StringExact("complete")),
					stateValue("objects_rotated", knownvalue.Int64Exact(30)),
				},
				Check: a.checkObjects(bucket, keysOf(names, newKey)),
			},
		},
	})
}

// TestAccBatchKeyrotate_destroyCancelsRunningJob destroys a job that is
// still running: the server must report it canceled.
func TestAccBatchKeyrotate_destroyCancelsRunningJob(t *testing.T) {
	a := newAcc(t)
	a.pace(300 * time.Millisecond)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("o-", 60), KMSKey: oldKey})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             a.checkJobsOnServer(batchjob.StatusCanceled),
		Steps: []resource.TestStep{{
			Config: rotateConfig(bucket, newKey, noWait),
			Check:  a.checkJobsOnServer(batchjob.StatusRunning),
		}},
	})
}

// TestAccBatchKeyrotate_canceledOutOfBand shows a job canceled outside
// Terraform as a replacement in the next plan.
func TestAccBatchKeyrotate_canceledOutOfBand(t *testing.T) {
	a := newAcc(t)
	a.pace(300 * time.Millisecond)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("o-", 60), KMSKey: oldKey})
	var first, second string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: rotateConfig(bucket, newKey, noWait), Check: captureID(&first)},
			{
				PreConfig: func() {
					if err := a.admin.CancelBatchJob(a.ctx(), first); err != nil {
						t.Fatal(err)
					}
					a.waitForJob(first, batchjob.StatusCanceled)
				},
				Config: rotateConfig(bucket, newKey, noWait),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(rotateAddr, plancheck.ResourceActionReplace)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(captureID(&second), func(*terraform.State) error {
					if second == first {
						return fmt.Errorf("the replacement kept job %s", first)
					}
					return nil
				}),
			},
		},
	})
}

// TestAccBatchKeyrotate_restartsFailedAttempt makes the first job fail and
// the second succeed: the objects' old key is deleted from KES before the
// apply, so every object fails to unseal, and imported again with the same
// key material once the server reports the job failed. The provider must
// start a second job after retry.delay, which rotates every object.
func TestAccBatchKeyrotate_restartsFailedAttempt(t *testing.T) {
	a := newAcc(t)
	kc, err := a.stack.KESClient()
	if err != nil {
		t.Fatal(err)
	}
	bucket, newKey, oldKey := a.bucket(), a.key(), randomName("acc-old-")
	material := make([]byte, 32)
	rand.Read(material)
	importOld := func() error {
		return kc.ImportKey(context.Background(), oldKey, &kes.ImportKeyRequest{Key: material, Cipher: kes.AES256})
	}
	if err := importOld(); err != nil {
		t.Fatalf("importing the old key into KES: %v", err)
	}
	// Few objects: with its key gone each one takes MinIO seconds to give
	// up on, per server-side attempt.
	names := inventory.Names("o-", 3)
	a.put(inventory.Seed{Bucket: bucket, Names: names, KMSKey: oldKey})
	before := a.hashes(bucket)
	var restored <-chan error
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				if err := kc.DeleteKey(a.ctx(), oldKey); err != nil {
					t.Fatal(err)
				}
				restored = a.afterFirstJob(batchjob.StatusFailed, importOld)
			},
			Config: rotateConfig(bucket, newKey, "retry {\n  attempts = 2\n  delay    = \"5s\"\n}"),
			ConfigStateChecks: []statecheck.StateCheck{
				stateValue("status", knownvalue.StringExact("complete")),
				stateValue("attempts", knownvalue.Int64Exact(2)),
				stateValue("objects_rotated", knownvalue.Int64Exact(3)),
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				func(*terraform.State) error { return <-restored },
				a.checkObjects(bucket, keysOf(names, newKey)),
				a.checkBytesUnchanged(bucket, before),
			),
		}},
	})
}

// afterFirstJob notes the jobs the server knows now, then in the background
// waits for the first new job to reach status and calls repair. The result
// arrives on the channel. It follows the job by ID, since a canceled job
// drops out of the job list.
func (a *acc) afterFirstJob(status batchjob.Status, repair func() error) <-chan error {
	known := map[string]bool{}
	for _, id := range a.jobIDs() {
		known[id] = true
	}
	done := make(chan error, 1)
	go func() { done <- a.waitFirstNewJob(known, status, repair) }()
	return done
}

func (a *acc) waitFirstNewJob(known map[string]bool, status batchjob.Status, repair func() error) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var id string
	for id == "" {
		list, err := a.admin.ListBatchJobs(ctx, &madmin.ListBatchJobsFilter{})
		if err != nil {
			return err
		}
		for _, j := range list.Jobs {
			if !known[j.ID] {
				id = j.ID
			}
		}
		if err := sleepCtx(ctx, 50*time.Millisecond); err != nil {
			return fmt.Errorf("no new job started: %w", err)
		}
	}
	for {
		if p, err := batchjob.Fetch(ctx, a.admin, id); err == nil && p.Status == status {
			return repair()
		}
		if err := sleepCtx(ctx, 100*time.Millisecond); err != nil {
			return fmt.Errorf("job %s did not become %s: %w", id, status, err)
		}
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// TestAccBatchKeyrotate_notify delivers the job's result with its token to
// a receiver MinIO can reach, and keeps the token out of job_yaml and out
// of every log line.
func TestAccBatchKeyrotate_notify(t *testing.T) {
	a := newAcc(t)
	sink, err := a.stack.NotifySink(a.ctx())
	if err != nil {
		t.Fatal(err)
	}
	logFile := filepath.Join(t.TempDir(), "terraform.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_LOG_PATH", logFile)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("o-", 5), KMSKey: oldKey})
	token := "Bearer " + randomName("tok-")
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// The token comes in as a variable, as users pass secrets, so
			// that no configuration text the test harness logs holds it.
			Config: rotateConfig(bucket, newKey, fmt.Sprintf("notify {\n  endpoint = %q\n  token    = var.notify_token\n}", sink.URL)) +
				`variable "notify_token" {
  type      = string
  sensitive = true
}`,
			ConfigVariables: config.Variables{"notify_token": config.StringVariable(token)},
			ConfigStateChecks: []statecheck.StateCheck{
				stateValue("job_yaml", knownvalue.StringRegexp(regexp.MustCompile(`token: '?\*\*REDACTED\*\*'?`))),
			},
			Check: resource.ComposeAggregateTestCheckFunc(captureID(&id), func(*terraform.State) error {
				deadline := time.Now().Add(time.Minute)
				for {
					got, err := sink.Received(a.ctx())
					if err != nil {
						return err
					}
					if len(got) > 0 {
						var body struct {
							JobID    string `json:"jobID"`
							Complete bool   `json:"complete"`
						}
						if err := json.Unmarshal(got[0].Body, &body); err != nil {
							return fmt.Errorf("notification body %s: %w", got[0].Body, err)
						}
						if got[0].Authorization != token || body.JobID != id || !body.Complete {
							return fmt.Errorf("notification %+v: want token %q, job %s complete", got[0], token, id)
						}
						return nil
					}
					if time.Now().After(deadline) {
						return fmt.Errorf("no notification arrived at %s", sink.URL)
					}
					time.Sleep(200 * time.Millisecond)
				}
			}),
		}},
	})
	logs, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(logs) == 0 || !strings.Contains(string(logs), "batch keyrotate progress") {
		t.Fatalf("the trace log has no provider progress lines; the leak check would prove nothing")
	}
	for what, secret := range map[string]string{"notify token": token, "secret key": a.stack.SecretKey} {
		if strings.Contains(string(logs), secret) {
			t.Errorf("the %s appears in the TRACE log", what)
		}
	}
}

// TestAccBatchKeyrotate_timeoutTaints runs out of its create timeout while
// the job runs: the apply fails, the job ID is kept (the resource is
// tainted), and the next plan replaces it.
func TestAccBatchKeyrotate_timeoutTaints(t *testing.T) {
	a := newAcc(t)
	a.pace(300 * time.Millisecond)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("o-", 30), KMSKey: oldKey})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      rotateConfig(bucket, newKey, `timeouts { create = "2s" }`),
				ExpectError: regexp.MustCompile(`(?s)Rotation Job Did Not Complete.*create timeout ran out.*tainted`),
			},
			{
				Config: rotateConfig(bucket, newKey, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(rotateAddr, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{stateValue("status", knownvalue.StringExact("complete"))},
			},
		},
	})
}

// TestAccBatchKeyrotate_finalFailure sends SSE-KMS objects to sse-s3, which
// the server fails for every object: apply must fail with the counts and
// what to do, after the configured number of jobs.
func TestAccBatchKeyrotate_finalFailure(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey := a.bucket(), a.key()
	names := inventory.Names("o-", 3)
	a.put(inventory.Seed{Bucket: bucket, Names: names, KMSKey: oldKey})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      sseS3Config(bucket, "retry {\n  attempts = 2\n  delay    = \"100ms\"\n}"),
			ExpectError: regexp.MustCompile(`(?s)Rotation Job Did Not Complete.*\(attempt 2\): 0 objects rotated, 3\s+failed.*SSE-KMS objects sent to sse-s3`),
		}},
		// The failed jobs left every object where it was.
		CheckDestroy: a.checkObjects(bucket, keysOf(names, oldKey)),
	})
}

// TestAccBatchKeyrotate_restartsStalledJob stalls the first job (every
// rotation worker sleeps an hour after its first object, as a job waiting
// for MinIO's post-restart resume would): after stall_timeout the provider
// cancels it and starts a second job, which rotates every object, and
// apply says so with both job IDs. It runs the CLI to read that warning.
func TestAccBatchKeyrotate_restartsStalledJob(t *testing.T) {
	a := newAcc(t)
	a.pace(time.Hour)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	names := inventory.Names("o-", 10)
	a.put(inventory.Seed{Bucket: bucket, Names: names, KMSKey: oldKey})
	unstalled := a.afterFirstJob(batchjob.StatusCanceled, func() error {
		_, err := a.admin.SetConfigKV(context.Background(), "batch keyrotation_workers_wait=0s")
		return err
	})
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": rotateConfig(bucket, newKey, `stall_timeout = "15s"`+"\n"+"retry {\n  attempts = 2\n  delay    = \"3s\"\n}") + `
output "attempts" { value = minio_batch_keyrotate.test.attempts }
output "status" { value = minio_batch_keyrotate.test.status }
`})
	apply := strings.Join(strings.Fields(w.must(0, "apply", "-input=false", "-auto-approve")), " ")
	if err := <-unstalled; err != nil {
		t.Fatal(err)
	}
	replaced := regexp.MustCompile(`Warning: Rotation Job Replaced .*Job (keyrotate-\S+) was given up \(.*stalled.*\).*Job IDs, oldest first: (keyrotate-\S+) -> (keyrotate-\S+)\.`).FindStringSubmatch(apply)
	if replaced == nil || replaced[1] != replaced[2] || replaced[2] == replaced[3] {
		t.Errorf("apply does not report the stalled job replaced by a new one: %v\n%s", replaced, apply)
	}
	for output, want := range map[string]string{"attempts": "2", "status": `"complete"`} {
		if got := strings.TrimSpace(w.must(0, "output", "-json", output)); got != want {
			t.Errorf("output %s = %s, want %s", output, got, want)
		}
	}
	if err := a.checkObjects(bucket, keysOf(names, newKey))(nil); err != nil {
		t.Error(err)
	}
}
