package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/report"
)

// What examples/modules/rotate-buckets names: the buckets of its
// variable's default and the key it creates. No other test of the package
// uses them (all share one stack).
var (
	moduleExampleBuckets = []string{"claims", "payslips"}
	moduleExampleKey     = "records-2026-11"
)

// moduleExampleFiles reads the .tf files of examples/modules/<dir> for
// each dir, as "<dir>/<file>", to be written into a workspace unchanged.
func moduleExampleFiles(t *testing.T, dirs ...string) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, dir := range dirs {
		entries, err := os.ReadDir(filepath.Join("../../examples/modules", dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
				continue
			}
			b, err := os.ReadFile(filepath.Join("../../examples/modules", dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			files[dir+"/"+e.Name()] = string(b)
		}
	}
	return files
}

// stdoutToFile runs the CLI in w with its standard output, and only
// that, going to file name in w, as `cli args > name` does; what it
// prints on standard error is returned.
func stdoutToFile(w *cliWorkspace, name string, args ...string) string {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cli := w.cli
	if cli == "" {
		cli = os.Getenv("TF_ACC_TERRAFORM_PATH")
	}
	f, err := os.Create(filepath.Join(w.dir, name))
	if err != nil {
		w.t.Fatal(err)
	}
	defer f.Close()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, cli, args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = w.dir, w.env, f, &stderr
	if err := cmd.Run(); err != nil {
		w.t.Fatalf("%v: %v\n%s", args, err, stderr.String())
	}
	return stderr.String()
}

// moduleReports reads, with `terraform show -json`, the report of every
// minio_batch_keyrotate in the child modules of w's state, by the
// module's bucket.
func moduleReports(w *cliWorkspace) map[string]string {
	w.t.Helper()
	type resources []struct {
		Type   string `json:"type"`
		Values struct {
			Bucket string `json:"bucket"`
			Report string `json:"report"`
		} `json:"values"`
	}
	var shown struct {
		Values struct {
			RootModule struct {
				ChildModules []struct {
					Resources resources `json:"resources"`
				} `json:"child_modules"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(w.must(0, "show", "-json")), &shown); err != nil {
		w.t.Fatal(err)
	}
	out := map[string]string{}
	for _, m := range shown.Values.RootModule.ChildModules {
		for _, r := range m.Resources {
			if r.Type == "minio_batch_keyrotate" {
				out[r.Values.Bucket] = r.Values.Report
			}
		}
	}
	return out
}

// TestAccModule_forEachOverBuckets applies examples/modules/rotate-buckets
// as written, with its module ../bucket-key-rotation beside it and only
// the stack's KES endpoint and API key put in through terraform.tfvars:
// a KES key created and, per bucket of a for_each, the bucket default,
// the preview and the rotation. Both buckets hold versions, tags and a
// deleted object under an old key. Afterwards every data version is
// under the new key with its bytes and tags, deleted objects are still
// deleted, the plan is empty, and the export the module's README gives
// writes a JSON object of one report per bucket, each the string in the
// state byte for byte.
func TestAccModule_forEachOverBuckets(t *testing.T) {
	a := newAcc(t)
	files := moduleExampleFiles(t, "bucket-key-rotation", "rotate-buckets")
	root := files["rotate-buckets/main.tf"]
	if !strings.Contains(root, `default     = ["claims", "payslips"]`) || !strings.Contains(root, `name = "records-2026-11"`) {
		t.Fatalf("examples/modules/rotate-buckets/main.tf no longer names buckets %v and key %s: update the test's names (unused by other tests)", moduleExampleBuckets, moduleExampleKey)
	}

	oldKey := a.key()
	type bucketBefore struct {
		sums    map[string]versionRecord
		tags    map[string]map[string]listedVersion
		deleted map[string]bool
	}
	before := map[string]bucketBefore{}
	for _, b := range moduleExampleBuckets {
		// 6 objects x 2 versions, objects 0, 2 and 4 tagged (other tags on
		// each version), objects 0 and 5 deleted.
		if err := inventory.PutHistory(a.ctx(), a.s3, inventory.History{Bucket: b, Prefix: "doc-", KMSKey: oldKey, Objects: 6, Versions: 2, TagEvery: 2, DeleteEvery: 5}); err != nil {
			t.Fatal(err)
		}
		tags, deleted := versionsOf(a.ctx(), t, a.s3, b)
		before[b] = bucketBefore{sums: a.versions(b), tags: tags, deleted: deleted}
		if len(before[b].sums) != 12 || !deleted["doc-0000"] || !deleted["doc-0005"] {
			t.Fatalf("bucket %s seeded with %d data versions and deleted objects %v, want 12 and doc-0000, doc-0005", b, len(before[b].sums), deleted)
		}
	}

	files["rotate-buckets/terraform.tfvars"] = "kes_endpoint = \"" + a.stack.KESEndpoint + "\"\nkes_api_key  = \"" + a.stack.KESAdminAPIKey + "\"\n"
	w := newCLIWorkspace(t, a, files)
	// The CLI runs in the root example; the module is its ../ sibling as
	// in the repository. newCLIWorkspace's clean-up looks for a state in
	// the workspace's top directory, so this test cleans up its own: the
	// key seals the data and cannot (must not) be destroyed, only
	// forgotten.
	w.dir = filepath.Join(w.dir, "rotate-buckets")
	t.Cleanup(func() {
		if _, err := os.Stat(filepath.Join(w.dir, "terraform.tfstate")); err != nil {
			return
		}
		if out, code := w.run("state", "rm", "-no-color", "minio_kes_key.records_2026_11"); code != 0 {
			t.Errorf("state rm of the key failed (%d):\n%s", code, out)
		}
		if out, code := w.run("destroy", "-auto-approve", "-input=false", "-no-color"); code != 0 {
			t.Errorf("destroy failed (%d):\n%s", code, out)
		}
	})

	// Under development overrides init is skipped (README, "Using a local
	// build"); modules are installed by get.
	w.must(0, "get")
	// The previews read at plan do not flag the key the same plan creates.
	if out := w.must(0, "apply", "-input=false", "-auto-approve"); strings.Contains(out, "Target Key Not Usable") {
		t.Errorf("the apply warns about the key it creates:\n%s", out)
	}

	for _, b := range moduleExampleBuckets {
		if err := allUnder(a.versions(b), before[b].sums, moduleExampleKey); err != nil {
			t.Errorf("bucket %s: %v", b, err)
		}
		a.checkRotated(b, moduleExampleKey, before[b].tags, before[b].deleted)
		if err := a.checkBucketEncDefault(b, moduleExampleKey)(nil); err != nil {
			t.Error(err)
		}
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")

	// The export, as the module's README writes it.
	if stderr := stdoutToFile(w, "rotation-reports.json", "output", "-json", "rotation_reports"); stderr != "" {
		t.Logf("terraform output -json wrote to standard error:\n%s", stderr)
	}
	var chains map[string][]string
	if err := json.Unmarshal([]byte(w.read("rotation-reports.json")), &chains); err != nil {
		t.Fatalf("rotation-reports.json is not a JSON object of report lists: %v\n%s", err, w.read("rotation-reports.json"))
	}
	var got []string
	reports := map[string]string{}
	for b, chain := range chains {
		if len(chain) != 1 {
			t.Errorf("rotation-reports.json has %d reports for %s, want the one rotation's", len(chain), b)
			continue
		}
		reports[b] = chain[0]
	}
	for b := range chains {
		got = append(got, b)
	}
	slices.Sort(got)
	if !slices.Equal(got, moduleExampleBuckets) {
		t.Errorf("rotation-reports.json has the buckets %v, want %v", got, moduleExampleBuckets)
	}
	inState := moduleReports(w)
	for b, raw := range reports {
		if raw != inState[b] {
			t.Errorf("the exported report of %s is not the string in the state:\nexported %s\nin state %s", b, raw, inState[b])
		}
		var r report.Report
		if err := json.Unmarshal([]byte(raw), &r); err != nil {
			t.Errorf("the report of %s is not a report: %v\n%s", b, err, raw)
			continue
		}
		if r.Schema != report.Schema || r.Bucket != b || r.Target.Key != moduleExampleKey {
			t.Errorf("the report under %s says schema %q, bucket %q, target key %q; want %q, %q, %q", b, r.Schema, r.Bucket, r.Target.Key, report.Schema, b, moduleExampleKey)
		}
		if r.Outcome != "complete" || r.Verification == nil || r.Verification.Pending != 0 {
			t.Errorf("the report of %s says outcome %q, verification %+v: want complete with nothing pending", b, r.Outcome, r.Verification)
		}
	}
}
