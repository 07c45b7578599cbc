package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

// Faults injected into the package's single-node stack while a paced
// rotation runs under `terraform apply`: the real events that the
// lifecycle tests only simulate (TestAccBatchKeyrotate_restartsStalledJob
// stalls a job by pacing it an hour, as a job waiting for MinIO's
// post-restart resume would).

// faultOutputs are the resource's results as outputs, for the CLI tests.
const faultOutputs = `
output "attempts" { value = minio_batch_keyrotate.test.attempts }
output "status" { value = minio_batch_keyrotate.test.status }
output "objects_rotated" { value = minio_batch_keyrotate.test.objects_rotated }
output "objects_failed" { value = minio_batch_keyrotate.test.objects_failed }
output "tags_restored" { value = minio_batch_keyrotate.test.tags_restored }
output "versions_pending" { value = minio_batch_keyrotate.test.versions_pending }
`

// faultRetry is the retry policy of the fault tests: a job given up is
// replaced after 3 s, up to three jobs in all.
const faultRetry = "retry {\n  attempts = 3\n  delay    = \"3s\"\n}"

// seedTagged writes n SSE-KMS objects under key, every third one tagged
// (so that tagged objects are rotated both before and after the fault),
// and returns all names and the tagged ones with their tags.
func (a *acc) seedTagged(bucket, key string, n int) ([]string, map[string]map[string]string) {
	a.t.Helper()
	names := inventory.Names("o-", n)
	tagged := map[string]map[string]string{}
	var plain []string
	for i, name := range names {
		if i%3 != 0 {
			plain = append(plain, name)
			continue
		}
		tags := map[string]string{"team": "finance", "n": fmt.Sprint(i)}
		tagged[name] = tags
		a.put(inventory.Seed{Bucket: bucket, Names: []string{name}, KMSKey: key, Tags: tags})
	}
	a.put(inventory.Seed{Bucket: bucket, Names: plain, KMSKey: key})
	return names, tagged
}

// checkTags asserts that every object carries exactly the tags it was
// written with (none for untagged ones): the job strips them, the
// provider must have put them back.
func (a *acc) checkTags(bucket string, names []string, tagged map[string]map[string]string) {
	a.t.Helper()
	var wrong []string
	for _, name := range names {
		want := tagged[name]
		if got := a.tagsOf(bucket, name); !maps.Equal(got, want) {
			wrong = append(wrong, fmt.Sprintf("%s has tags %v, want %v", name, got, want))
		}
	}
	if len(wrong) > 0 {
		a.t.Errorf("%d of %d objects lost or changed their tags: %v", len(wrong), len(names), wrong)
	}
}

// backgroundApply runs `apply` in a goroutine; result waits for it. A
// cleanup waits for it too, so that a test failing midway does not let
// the workspace's destroy race a running apply.
type backgroundApply struct {
	began time.Time
	done  chan struct{}
	out   string
	code  int
}

func startApply(t *testing.T, w *cliWorkspace) *backgroundApply {
	t.Helper()
	b := &backgroundApply{began: time.Now(), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		b.out, b.code = w.run("apply", "-input=false", "-auto-approve", "-no-color")
	}()
	t.Cleanup(func() { <-b.done })
	return b
}

// result waits for the apply and returns its output (whitespace folded, so
// that wrapped diagnostics match on one line), exit code and duration.
func (b *backgroundApply) result() (string, int, time.Duration) {
	<-b.done
	return strings.Join(strings.Fields(b.out), " "), b.code, time.Since(b.began)
}

// outputs reads the workspace's outputs by name.
func (w *cliWorkspace) outputs(names ...string) map[string]string {
	w.t.Helper()
	got := map[string]string{}
	for _, name := range names {
		got[name] = strings.TrimSpace(w.must(0, "output", "-json", name))
	}
	return got
}

// replacedPattern matches the warning of a job given up and replaced, in
// output folded to one line; the groups are the job given up, why, its
// objects rotated and failed, and the chain of job IDs.
var replacedPattern = regexp.MustCompile(`Warning: Rotation Job Replaced .*?Job (keyrotate-\S+) was given up \((.*?)\) after at least (\d+) objects? rotated and (\d+) failed \(its last saved report.*?\); .*?Job IDs, oldest first: (keyrotate-\S+(?: -> keyrotate-\S+)+)\.`)

// TestAccBatchKeyrotate_minioRestartedMidRotation restarts MinIO (keeping
// its data) while a paced rotation of 60 objects, a third of them tagged,
// runs under apply. After a restart MinIO resumes unfinished jobs only
// after a random delay of up to an hour, so the waiter must ride over the
// connection errors of the restart, see the job stall, cancel it and
// start a new one, in the same apply. Afterwards every object is on the
// new key with its bytes and its tags, the apply names both jobs, and the
// plan is empty.
func TestAccBatchKeyrotate_minioRestartedMidRotation(t *testing.T) {
	a := newAcc(t)
	s := a.stack
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	names, tagged := a.seedTagged(bucket, oldKey, 60)
	before := a.hashes(bucket)
	a.pace(200 * time.Millisecond) // about 12 s per job

	w := newCLIWorkspace(t, a, map[string]string{"main.tf": rotateConfig(bucket, newKey,
		`stall_timeout = "15s"`+"\n"+faultRetry) + faultOutputs})
	apply := startApply(t, w)

	// A failure between stop and start must not leave the package's
	// stack without MinIO.
	down := false
	t.Cleanup(func() {
		if down {
			if err := s.StartNode(context.Background(), 0); err != nil {
				t.Errorf("starting MinIO again: %v", err)
			}
		}
	})
	first, atRestart := a.waitForRotated(ctx, 10)
	restartAt := time.Since(apply.began)
	down = true
	if err := s.RestartNode(ctx, 0); err != nil {
		t.Fatalf("restarting MinIO: %v", err)
	}
	down = false
	restartTook := time.Since(apply.began) - restartAt
	pace := a.configKV(ctx, "batch")

	out, code, took := apply.result()
	t.Logf("job %s: MinIO restarted %s into the apply at %d objects rotated; the restart took %s; pace after it: %s; apply exited %d after %s",
		first, restartAt.Round(100*time.Millisecond), atRestart, restartTook.Round(100*time.Millisecond), pace, code, took.Round(100*time.Millisecond))
	if code != 0 {
		t.Fatalf("apply with MinIO restarted mid-rotation exited %d:\n%s", code, out)
	}
	got := w.outputs("attempts", "status", "objects_rotated", "objects_failed", "tags_restored", "versions_pending")
	t.Logf("outputs: %v", got)

	// The job running at the restart: canceled by the provider as stalled,
	// its saved report (which lags the live counts by up to 10 s) left as
	// it was.
	p, err := batchjob.Fetch(ctx, a.admin, first)
	if err != nil {
		t.Fatalf("reading the report of job %s: %v", first, err)
	}
	t.Logf("job %s after the apply: %s, %d objects rotated, %d failed in its saved report", first, p.Status, p.Objects, p.ObjectsFailed)
	replaced := replacedPattern.FindStringSubmatch(out)
	attempts := "2"
	switch {
	case replaced == nil && p.Status == batchjob.StatusComplete:
		// MinIO resumes a job after a random delay of up to an hour: about
		// once in 300 runs that delay ends before stall_timeout, and the
		// first job completes by itself, which needs no replacement.
		t.Logf("MinIO resumed job %s by itself before stall_timeout: nothing to replace", first)
		attempts = "1"
		// The resumed job starts again from its last saved report, so the
		// objects it rotated after that report count twice; every object
		// being on the new key with its bytes and tags is checked below.
		if n, err := strconv.Atoi(got["objects_rotated"]); err == nil && n > 60 {
			t.Logf("the resumed job counted %d objects for 60: those after its last saved report, twice", n)
			got["objects_rotated"] = "60"
		}
	case replaced == nil:
		t.Errorf("apply does not report the stalled job replaced by a new one:\n%s", out)
	case replaced[1] != first || !strings.Contains(replaced[2], "stalled") || !strings.HasPrefix(replaced[5], first+" -> "):
		t.Errorf("apply reports job %s given up (%s), chain %s; want job %s given up as stalled, first in the chain", replaced[1], replaced[2], replaced[5], first)
	case p.Status != batchjob.StatusCanceled:
		t.Errorf("job %s, running at the restart and given up, is %s on the server; the provider should have canceled it", first, p.Status)
	default:
		t.Logf("apply: job %s given up (%s) after %s rotated, %s failed; jobs: %s", replaced[1], replaced[2], replaced[3], replaced[4], replaced[5])
	}
	a.checkFaultOutcome(w, got, attempts, bucket, newKey, names, tagged, before)
}

// configKV reads one subsystem of MinIO's configuration, as one line.
func (a *acc) configKV(ctx context.Context, subsys string) string {
	a.t.Helper()
	b, err := a.admin.GetConfigKV(ctx, subsys)
	if err != nil {
		a.t.Errorf("reading MinIO's %s configuration: %v", subsys, err)
		return "?"
	}
	return strings.Join(strings.Fields(string(b)), " ")
}

// TestAccBatchKeyrotate_kesPausedMidRotation freezes KES (docker pause:
// connections accepted, nothing answered) for 10 s while a paced rotation
// of 60 objects runs under apply, then thaws it. MinIO's calls to KES
// carry no timeout, so the job's workers wait: the rotation stands still
// for as long as KES is frozen, then goes on without failing an object.
// The provider must ride it out: apply exits 0 with every object on the
// new key, bytes and tags intact, and the plan is empty. The freeze is
// shorter than stall_timeout, so the job is not replaced.
func TestAccBatchKeyrotate_kesPausedMidRotation(t *testing.T) {
	a := newAcc(t)
	s := a.stack
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	names, tagged := a.seedTagged(bucket, oldKey, 60)
	before := a.hashes(bucket)
	a.pace(200 * time.Millisecond)

	w := newCLIWorkspace(t, a, map[string]string{"main.tf": rotateConfig(bucket, newKey,
		`stall_timeout = "30s"`+"\n"+faultRetry) + faultOutputs})
	apply := startApply(t, w)

	// Registered last, so it runs first: a frozen KES would hang the
	// destroy and every later test of the package.
	var paused bool
	t.Cleanup(func() {
		if paused {
			if err := s.ResumeKES(context.Background()); err != nil {
				t.Errorf("resuming KES: %v", err)
			}
		}
	})
	first, atPause := a.waitForRotated(ctx, 10)
	pauseAt := time.Since(apply.began)
	if err := s.PauseKES(ctx); err != nil {
		t.Fatalf("pausing KES: %v", err)
	}
	paused = true
	const frozen = 10 * time.Second
	still := a.watchJob(ctx, first, frozen)
	if err := s.ResumeKES(ctx); err != nil {
		t.Fatalf("resuming KES: %v", err)
	}
	paused = false
	frozenFor := time.Since(apply.began) - pauseAt

	out, code, took := apply.result()
	t.Logf("job %s: KES frozen %s into the apply at %d objects rotated, for %s; while frozen the job moved from %d to %d objects rotated, %d failed; apply exited %d after %s",
		first, pauseAt.Round(100*time.Millisecond), atPause, frozenFor.Round(100*time.Millisecond), still.first.Objects, still.last.Objects, still.last.ObjectsFailed, code, took.Round(100*time.Millisecond))
	if code != 0 {
		t.Fatalf("apply with KES frozen mid-rotation exited %d:\n%s", code, out)
	}
	got := w.outputs("attempts", "status", "objects_rotated", "objects_failed", "tags_restored", "versions_pending")
	t.Logf("outputs: %v", got)
	p, err := batchjob.Fetch(ctx, a.admin, first)
	if err != nil {
		t.Fatalf("reading the report of job %s: %v", first, err)
	}
	t.Logf("job %s after the apply: %s, %d objects rotated, %d failed, %d server-side retries, %s from start to last update",
		first, p.Status, p.Objects, p.ObjectsFailed, p.RetryAttempts, p.LastUpdate.Sub(p.StartedAt).Round(100*time.Millisecond))

	// What MinIO does (measured): every call to KES waits for it, no
	// object fails, and the job completes once KES answers again. A job
	// that went on rotating would mean the fault never took hold, and the
	// test would prove nothing (one object may have been past KES already).
	if still.moved > 1 {
		t.Errorf("job %s rotated %d objects while KES was frozen; the freeze did not hold the rotation", first, still.moved)
	}
	if p.Status != batchjob.StatusComplete || p.Objects != 60 || p.ObjectsFailed != 0 {
		t.Errorf("job %s: %s with %d objects rotated, %d failed; want it complete with 60 and 0 failed", first, p.Status, p.Objects, p.ObjectsFailed)
	}
	if strings.Contains(out, "Rotation Job Replaced") {
		t.Errorf("the job was replaced although KES was frozen for less than stall_timeout:\n%s", out)
	}
	a.checkFaultOutcome(w, got, "1", bucket, newKey, names, tagged, before)
}

// checkFaultOutcome checks what every fault test must end with: the
// rotation complete after attempts jobs with all 60 objects rotated, their
// tags and bytes intact, under the new key, and an empty plan.
func (a *acc) checkFaultOutcome(w *cliWorkspace, got map[string]string, attempts, bucket, newKey string, names []string,
	tagged map[string]map[string]string, before map[string]string) {
	t := a.t
	t.Helper()
	for output, want := range map[string]string{
		"attempts": attempts, "status": `"complete"`, "objects_rotated": "60", "objects_failed": "0",
		"tags_restored": fmt.Sprint(len(tagged)), "versions_pending": "0",
	} {
		if got[output] != want {
			t.Errorf("output %s = %s, want %s", output, got[output], want)
		}
	}
	if err := a.checkObjects(bucket, keysOf(names, newKey))(nil); err != nil {
		t.Error(err)
	}
	if err := a.checkBytesUnchanged(bucket, before)(nil); err != nil {
		t.Error(err)
	}
	a.checkTags(bucket, names, tagged)
	w.must(0, "plan", "-input=false", "-detailed-exitcode")
}

// jobWatch is what the live counts of a job showed over a while.
type jobWatch struct {
	first, last batchjob.Progress
	moved       int64 // objects done or failed between first and last
}

// watchJob samples job id's live counts for d.
func (a *acc) watchJob(ctx context.Context, id string, d time.Duration) jobWatch {
	a.t.Helper()
	var (
		w    jobWatch
		seen bool
	)
	end := time.Now().Add(d)
	for time.Now().Before(end) && ctx.Err() == nil {
		if p, ok, err := batchjob.FetchLive(ctx, a.admin, id); err == nil && ok {
			if !seen {
				w.first, seen = p, true
			}
			w.last = p
		}
		time.Sleep(250 * time.Millisecond)
	}
	w.moved = w.last.Objects + w.last.ObjectsFailed - w.first.Objects - w.first.ObjectsFailed
	return w
}
