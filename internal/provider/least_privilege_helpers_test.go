package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7/pkg/lifecycle"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/conn"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// Least privilege: the provider runs as a MinIO user holding exactly the
// policy shipped in examples/iam (or it minus one action) and a KES
// identity holding exactly the shipped KES policy (or it minus one path),
// made by teststack (iam.go).

// creds are the credentials a least-privilege workspace runs with.
type creds struct {
	access, secret string
	kesKey         string // the provider's KES API key
}

// shippedPolicy is examples/iam/minio-rotation-policy.json.
func shippedPolicy(t *testing.T) teststack.MinIOPolicy {
	t.Helper()
	p, err := teststack.ReadMinIOPolicy(teststack.MinIOPolicyFile)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// policyCreds makes a MinIO user holding exactly policy, paired with the
// KES identity holding exactly the shipped KES policy.
func (a *acc) policyCreds(policy teststack.MinIOPolicy) creds {
	a.t.Helper()
	user, secret := a.stack.PolicyUser(a.t, policy.JSON())
	return creds{access: user, secret: secret, kesKey: a.kesProviderKey()}
}

// kesProviderKey is the API key of the identity holding exactly the
// shipped KES policy.
func (a *acc) kesProviderKey() string {
	a.t.Helper()
	k, err := a.stack.KESProviderKey()
	if err != nil {
		a.t.Fatal(err)
	}
	return k
}

// newLPWorkspace is newCLIWorkspace whose CLI runs the provider with c.
// When the test ends, the workspace goes back to the stack's root
// credentials before it is destroyed (what the test took away from the
// user must not stop the cleanup), and forgets its KES keys, which
// objects of the test may still be sealed under.
func newLPWorkspace(t *testing.T, a *acc, c creds, files map[string]string) *cliWorkspace {
	t.Helper()
	w := newCLIWorkspace(t, a, files)
	root := w.env
	w.env = append(append([]string(nil), root...), "MINIO_ACCESS_KEY="+c.access, "MINIO_SECRET_KEY="+c.secret, "KES_API_KEY="+c.kesKey)
	t.Cleanup(func() {
		w.env = root
		out, code := w.run("state", "list")
		if code != 0 {
			return // no state
		}
		for _, addr := range strings.Fields(out) {
			if strings.HasPrefix(addr, "minio_kes_key.") {
				w.run("state", "rm", addr)
			}
		}
	})
	return w
}

// flat is CLI output on one line, without the frame of its diagnostics,
// so that phrases can be looked for across line breaks.
func flat(out string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("│", " ", "╷", " ", "╵", " ").Replace(out)), " ")
}

// mustSay fails the test unless out says every phrase.
func mustSay(t *testing.T, what, out string, phrases ...string) {
	t.Helper()
	f := flat(out)
	for _, p := range phrases {
		if !strings.Contains(f, p) {
			t.Errorf("%s does not say %q:\n%s", what, p, out)
		}
	}
}

// diagnostics is the diagnostics of CLI output, each on one line, but
// the warning about development overrides every run gives.
func diagnostics(out string) string {
	var b strings.Builder
	in := false
	for _, para := range strings.Split(strings.ReplaceAll(out, "\r", ""), "\n\n") {
		para = strings.Trim(para, "\n")
		head := strings.TrimLeft(para, "│╷╵ \n")
		switch {
		case strings.HasPrefix(head, "Error: ") || strings.HasPrefix(head, "Warning: "):
			in = !strings.Contains(head, "development overrides")
			if in {
				b.WriteString("\n" + flat(head))
			}
		case in && !progressLine.MatchString(head):
			b.WriteString(" " + flat(head))
		default:
			in = false
		}
	}
	return strings.TrimSpace(b.String())
}

// progressLine is the start of what the CLI says between diagnostics.
var progressLine = regexp.MustCompile(`^(\S+: (Refreshing|Reading|Creating|Destroying|Modifying)|Plan:|Terraform |Apply complete|Destroy complete|Changes to Outputs|Outputs:|No changes|You can apply|Note: )`)

// denialSays is what a diagnostic says when the policy lacks action: the
// action, and which features need it (conn.NeededBy).
func denialSays(action string) []string {
	return []string{"does not allow " + action + ", which " + conn.NeededBy(action)}
}

// addLifecycleRule gives bucket a rule that expires objects after a year:
// a rule a rotation's new Last-Modified dates postpone.
func (a *acc) addLifecycleRule(bucket string) {
	a.t.Helper()
	rules := lifecycle.NewConfiguration()
	rules.Rules = []lifecycle.Rule{{ID: "expire-old", Status: "Enabled", Expiration: lifecycle.Expiration{Days: 365}}}
	if err := a.s3.SetBucketLifecycle(a.ctx(), bucket, rules); err != nil {
		a.t.Fatal(err)
	}
}

// checkRotated asserts that every data version of bucket is under key
// and kept its tags (want: object name to the tags each of its versions
// had before), and that the objects deleted before are still deleted.
func (a *acc) checkRotated(bucket, key string, before map[string]map[string]listedVersion, deletedBefore map[string]bool) {
	a.t.Helper()
	after, deleted := versionsOf(a.ctx(), a.t, a.s3, bucket)
	if len(after) != len(before) {
		a.t.Errorf("bucket %s holds %d objects after the rotation, %d before", bucket, len(after), len(before))
	}
	for name, vs := range before {
		for id, v := range vs {
			got, ok := after[name][id]
			switch {
			case !ok:
				a.t.Errorf("%s version %s is gone after the rotation", name, id)
			case got.key != key:
				a.t.Errorf("%s version %s is under %q after the rotation, want %q", name, id, got.key, key)
			case fmt.Sprint(got.tags) != fmt.Sprint(v.tags):
				a.t.Errorf("%s version %s has tags %v after the rotation, %v before", name, id, got.tags, v.tags)
			}
		}
	}
	for name, was := range deletedBefore {
		if was && !deleted[name] {
			a.t.Errorf("%s was deleted before the rotation and is visible after it", name)
		}
	}
}

// kmsObjects writes n unversioned objects under key into a new bucket.
func (a *acc) kmsObjects(key string, n int) (bucket string, names []string) {
	a.t.Helper()
	bucket, names = a.bucket(), inventory.Names("o-", n)
	a.put(inventory.Seed{Bucket: bucket, Names: names, KMSKey: key})
	return bucket, names
}

// jobCount is how many batch jobs the server knows.
func (a *acc) jobCount() int { a.t.Helper(); return len(a.jobIDs()) }

// noJobStarted fails the test when the server knows more jobs than before.
func (a *acc) noJobStarted(before int) {
	a.t.Helper()
	if n := a.jobCount(); n != before {
		a.t.Errorf("the server knows %d batch jobs, %d before: a job was started", n, before)
	}
}

// kesKeyGone fails the test unless KES no longer has key.
func (a *acc) kesKeyGone(key string) {
	a.t.Helper()
	if err := a.checkKESKey(key, false)(nil); err != nil {
		a.t.Error(err)
	}
}

// startRotation starts, as root, a job rotating bucket to key, and
// returns its ID.
func (a *acc) startRotation(bucket, key string) string {
	a.t.Helper()
	job, err := keyrotate.Encode(keyrotate.Spec{Bucket: bucket, Encryption: keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: key}})
	if err != nil {
		a.t.Fatal(err)
	}
	res, err := a.admin.StartBatchJob(a.ctx(), string(job))
	if err != nil {
		a.t.Fatal(err)
	}
	return res.ID
}
