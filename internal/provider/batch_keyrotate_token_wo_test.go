package provider

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// tokenWOConfig rotates bucket with a write-only notification token from
// an ephemeral variable, so that no plan file holds it either.
func tokenWOConfig(bucket, key, sinkURL string, version int) string {
	return fmt.Sprintf(`variable "notify_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "minio_batch_keyrotate" "test" {
  bucket = %q
  encryption {
    type = "sse-kms"
    key  = %q
  }
  notify {
    endpoint         = %q
    token_wo         = var.notify_token
    token_wo_version = %d
  }
}
`, bucket, key, sinkURL, version)
}

// plannedChange runs plan -out and show -json, and returns the plan's JSON
// and the change of addr in it.
func (w *cliWorkspace) plannedChange(planFile, addr string) (string, *tfjson.ResourceChange) {
	w.t.Helper()
	w.must(0, "plan", "-input=false", "-out="+planFile)
	raw := w.must(0, "show", "-json", planFile)
	var plan tfjson.Plan
	if err := json.Unmarshal([]byte(raw), &plan); err != nil {
		w.t.Fatalf("plan JSON: %v\n%s", err, raw)
	}
	for _, rc := range plan.ResourceChanges {
		if rc.Address == addr {
			return raw, rc
		}
	}
	w.t.Fatalf("%s is not in the plan:\n%s", addr, raw)
	return "", nil
}

// waitForNotifications polls the sink until it holds n notifications.
func waitForNotifications(t *testing.T, a *acc, sink *teststack.Sink, n int) []notifiedJob {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		got, err := sink.Received(a.ctx())
		if err != nil {
			t.Fatal(err)
		}
		if len(got) >= n {
			jobs := make([]notifiedJob, len(got))
			for i, r := range got {
				if err := json.Unmarshal(r.Body, &jobs[i]); err != nil {
					t.Fatalf("notification body %s: %v", r.Body, err)
				}
				jobs[i].Authorization = r.Authorization
			}
			return jobs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d notifications arrived, want %d", len(got), n)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

type notifiedJob struct {
	JobID         string `json:"jobID"`
	Complete      bool   `json:"complete"`
	Authorization string `json:"-"`
}

// TestAccBatchKeyrotate_writeOnlyToken sends the notification token from
// notify.token_wo: the receiver gets it, while the plan JSON, the state and
// a TRACE log of plan and apply never hold it. The plan shows the exact job
// (token redacted) before it runs, and bumping token_wo_version replaces
// the job, which then sends the new token.
func TestAccBatchKeyrotate_writeOnlyToken(t *testing.T) {
	a := newAcc(t)
	sink, err := a.stack.NotifySink(a.ctx())
	if err != nil {
		t.Fatal(err)
	}
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("o-", 5), KMSKey: oldKey})
	first, second := "Bearer "+randomName("first-"), "Bearer "+randomName("second-")
	logFile := filepath.Join(t.TempDir(), "trace.log")

	w := newCLIWorkspace(t, a, map[string]string{"main.tf": tokenWOConfig(bucket, newKey, sink.URL, 1)})
	w.env = append(w.env, "TF_VAR_notify_token="+first, "TF_LOG=TRACE", "TF_LOG_PATH="+logFile)
	w.must(0, "get")

	planJSON, change := w.plannedChange("first.tfplan", rotateAddr)
	wantYAML, err := keyrotate.EncodeRedacted(keyrotate.Spec{Bucket: bucket,
		Encryption: keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: newKey},
		Notify:     keyrotate.Notify{Endpoint: sink.URL, Token: first}})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := change.Change.After.(map[string]any)
	if got, _ := after["job_yaml"].(string); got != string(wantYAML) {
		t.Errorf("the plan does not show the job it will start:\ngot  %q\nwant %q", got, wantYAML)
	}
	if !strings.Contains(string(wantYAML), keyrotate.RedactedToken) {
		t.Fatalf("the expected job shows no redacted token:\n%s", wantYAML)
	}
	w.must(0, "apply", "-input=false", "first.tfplan")
	jobs := waitForNotifications(t, a, sink, 1)
	firstID := w.stateID(rotateAddr)
	if jobs[0].Authorization != first || jobs[0].JobID != firstID || !jobs[0].Complete {
		t.Fatalf("notification %+v: want the first token for complete job %s", jobs[0], firstID)
	}

	// Something to rotate, or the replacement starts no job.
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("later-", 2), KMSKey: oldKey})
	w.write("main.tf", tokenWOConfig(bucket, newKey, sink.URL, 2))
	w.env = append(w.env, "TF_VAR_notify_token="+second) // the later entry wins
	replanJSON, change := w.plannedChange("second.tfplan", rotateAddr)
	if !change.Change.Actions.Replace() {
		t.Fatalf("a new token_wo_version must replace the job; actions %v", change.Change.Actions)
	}
	if after, _ := change.Change.After.(map[string]any); after["job_yaml"] != string(wantYAML) {
		t.Errorf("the replacement's job_yaml is not known at plan: %v", after["job_yaml"])
	}
	w.must(0, "apply", "-input=false", "second.tfplan")
	jobs = waitForNotifications(t, a, sink, 2)
	secondID := w.stateID(rotateAddr)
	if secondID == firstID || jobs[1].Authorization != second || jobs[1].JobID != secondID {
		t.Fatalf("after the version bump: notification %+v, job %s (was %s); want the second token from a new job", jobs[1], secondID, firstID)
	}

	logs, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(logs), "batch keyrotate progress") {
		t.Fatal("the trace log has no provider lines; the leak check would prove nothing")
	}
	state := w.read("terraform.tfstate")
	for what, text := range map[string]string{"first plan JSON": planJSON, "second plan JSON": replanJSON, "state": state, "TRACE log": string(logs)} {
		for _, token := range []string{first, second} {
			if strings.Contains(text, strings.TrimPrefix(token, "Bearer ")) {
				t.Errorf("the %s holds a token", what)
			}
		}
	}
	if !regexp.MustCompile(`"token_wo_version":\s*2`).MatchString(state) {
		t.Errorf("state does not record token_wo_version 2:\n%s", state)
	}
}
