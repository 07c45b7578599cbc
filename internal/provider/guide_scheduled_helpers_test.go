package provider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minio/kes-go"
	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
	buildversion "github.com/minio-keyrotate/terraform-provider-minio/internal/version"
)

// scheduledGuide is the page of the guide "Rotating every N days", as
// docs/ will hold it and as its template has it.
const (
	scheduledGuidePage     = "guides/rotating-every-n-days.md"
	scheduledGuideTemplate = "../../templates/guides/rotating-every-n-days.md.tmpl"
)

// scheduledGuideBlocks returns the guide's terraform blocks. tfplugindocs
// copies the template, which has no template directives, as it is; the
// blocks come from the generated page when there is one (and must then
// equal the template's: docs/ is otherwise stale), else from the template.
func scheduledGuideBlocks(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(scheduledGuideTemplate)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "{{") {
		t.Fatalf("%s has template directives: read the blocks from the generated page only", scheduledGuideTemplate)
	}
	var fromTemplate []string
	for _, m := range regexp.MustCompile("(?s)```terraform\n(.*?)```").FindAllStringSubmatch(string(b), -1) {
		fromTemplate = append(fromTemplate, m[1])
	}
	if _, err := os.Stat("../../docs/" + scheduledGuidePage); errors.Is(err, os.ErrNotExist) {
		t.Logf("docs/%s is not generated yet (make generate): the blocks come from its template", scheduledGuidePage)
		return fromTemplate
	}
	fromDocs := guideBlocks(t, scheduledGuidePage)
	if !slices.Equal(fromDocs, fromTemplate) {
		t.Fatalf("docs/%s differs from its template: run make generate", scheduledGuidePage)
	}
	return fromDocs
}

// newMirrorWorkspace is newCLIWorkspace for configurations that need
// other providers: instead of dev_overrides (whose init misbehaves under
// Terraform 1.11), a filesystem mirror holds the provider binary built for
// the tests and hashicorp/time built from the Go module proxy, under both
// registry hosts, and the CLI configuration installs from it alone. The
// workspace is locked (providers lock) and initialised; init must not warn.
func newMirrorWorkspace(t *testing.T, a *acc, files map[string]string) *cliWorkspace {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	binDir, err := providerBinary()
	if err != nil {
		t.Fatal(err)
	}
	timeBin, err := teststack.TimeProvider(ctx, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	mirror := filepath.Join(root, "mirror")
	if err := teststack.AddToMirror(mirror, "minio-keyrotate", "minio", buildversion.Version, filepath.Join(binDir, "terraform-provider-minio")); err != nil {
		t.Fatal(err)
	}
	if err := teststack.AddToMirror(mirror, "hashicorp", "time", teststack.TimeProviderVersion, timeBin); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(root, "terraform.rc")
	if err := os.WriteFile(rc, []byte(teststack.MirrorCLIConfig(mirror, false, "minio-keyrotate/*", "hashicorp/time")), 0o600); err != nil {
		t.Fatal(err)
	}
	w := &cliWorkspace{t: t, dir: filepath.Join(root, "work")}
	files["version_override.tf"] = teststack.ProviderVersionOverride(buildversion.Version)
	for name, content := range files {
		if err := os.MkdirAll(w.dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(w.dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "MINIO_") && !strings.HasPrefix(kv, "KES_") && !strings.HasPrefix(kv, "TF_CLI_CONFIG_FILE=") && !strings.HasPrefix(kv, "TF_PLUGIN_CACHE_DIR=") {
			w.env = append(w.env, kv)
		}
	}
	w.env = append(w.env, "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "NO_COLOR=1")
	for k, v := range a.stack.Env() {
		w.env = append(w.env, k+"="+v)
	}
	cli, _, _ := strings.Cut(w.must(0, "version"), "\n")
	w.must(0, "providers", "lock", "-fs-mirror="+mirror, "-platform="+runtime.GOOS+"_"+runtime.GOARCH)
	out := w.must(0, "init", "-input=false")
	if strings.Contains(out, "Warning") {
		t.Errorf("init warned:\n%s", out)
	}
	for _, want := range []string{"Installed hashicorp/time v" + teststack.TimeProviderVersion, "Installed minio-keyrotate/minio v" + buildversion.Version} {
		if !strings.Contains(out, want) {
			t.Errorf("init did not say %q:\n%s", want, out)
		}
	}
	t.Logf("%s; hashicorp/time %s and minio-keyrotate/minio %s installed from the mirror", cli, teststack.TimeProviderVersion, buildversion.Version)
	return w
}

// versionRecord is one data version of an object as a client sees it.
type versionRecord struct {
	key string // KMS key name, "" when not SSE-KMS
	sum string // SHA-256 of the bytes
}

// versions lists every data version of bucket (delete markers left out),
// by "name?versionId=ID", with its key and a hash of its bytes.
func (a *acc) versions(bucket string) map[string]versionRecord {
	a.t.Helper()
	ctx := a.ctx()
	out := map[string]versionRecord{}
	for o := range a.s3.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true, WithVersions: true, WithMetadata: true}) {
		if o.Err != nil {
			a.t.Fatalf("listing the versions of %s: %v", bucket, o.Err)
		}
		if o.IsDeleteMarker {
			continue
		}
		obj, err := a.s3.GetObject(ctx, bucket, o.Key, minio.GetObjectOptions{VersionID: o.VersionID})
		if err != nil {
			a.t.Fatal(err)
		}
		h := sha256.New()
		_, err = io.Copy(h, obj)
		obj.Close()
		if err != nil {
			a.t.Fatalf("reading %s/%s %s: %v", bucket, o.Key, o.VersionID, err)
		}
		key := strings.TrimPrefix(o.UserMetadata["X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"], "arn:aws:kms:")
		out[o.Key+"?versionId="+o.VersionID] = versionRecord{key: key, sum: hex.EncodeToString(h.Sum(nil))}
	}
	return out
}

// allUnder checks that every version of now is under key and that every
// version of before is still there with the same bytes.
func allUnder(now, before map[string]versionRecord, key string) error {
	var wrong []string
	for v, r := range now {
		if r.key != key {
			wrong = append(wrong, fmt.Sprintf("%s under %q", v, r.key))
		}
	}
	for v, r := range before {
		if now[v].sum != r.sum {
			wrong = append(wrong, v+" lost or changed its bytes")
		}
	}
	if len(wrong) > 0 {
		slices.Sort(wrong)
		return fmt.Errorf("%d of %d versions not under %s with their bytes: %v", len(wrong), len(now), key, wrong)
	}
	return nil
}

// kesHas tells which of names KES has.
func (a *acc) kesHas(names ...string) map[string]bool {
	a.t.Helper()
	has := map[string]bool{}
	for _, n := range names {
		_, err := a.kes().DescribeKey(a.ctx(), n)
		switch {
		case err == nil:
			has[n] = true
		case errors.Is(err, kes.ErrKeyNotFound):
			has[n] = false
		default:
			a.t.Fatalf("describing key %s: %v", n, err)
		}
	}
	return has
}

// planLines are the resource headings of a plan ("addr will be created",
// "addr (deposed) will be destroyed" for a deposed object) and its summary
// line, sorted, for comparing what a plan proposes.
func planLines(out string) []string {
	var lines []string
	for _, m := range regexp.MustCompile(`(?m)^\s*# (\S+)( \(deposed object \w+\))? (will be created|will be destroyed|must be replaced|will be updated in-place)|^(Plan: .*)$`).FindAllStringSubmatch(out, -1) {
		switch {
		case m[4] != "":
			lines = append(lines, m[4])
		case m[2] != "":
			lines = append(lines, m[1]+" (deposed) "+m[3])
		default:
			lines = append(lines, m[1]+" "+m[3])
		}
	}
	slices.Sort(lines)
	return lines
}
