package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// counted is the count of versions as a scan of bucket b makes it.
func counted(vs ...scan.Version) *scan.Result {
	c := scan.NewCounter(scan.Scope{Bucket: "b"}, scan.Options{})
	for _, v := range vs {
		c.Add(v)
	}
	return c.Result()
}

func kmsVersion(name, key string, modified time.Time) scan.Version {
	return scan.Version{Name: name, VersionID: "v", LastModified: modified, Encryption: scan.Encryption{Kind: scan.SSEKMS, Key: key}}
}

func TestNothingPending(t *testing.T) {
	now := time.Now()
	kms := keyrotate.Spec{Bucket: "b", Encryption: keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: "new"}}
	s3 := keyrotate.Spec{Bucket: "b", Encryption: keyrotate.Encryption{Type: keyrotate.SSES3}}
	sseS3 := scan.Version{Name: "s", VersionID: "v", Encryption: scan.Encryption{Kind: scan.SSES3}}
	plain := scan.Version{Name: "p", VersionID: "v"}
	for _, c := range []struct {
		name   string
		spec   keyrotate.Spec
		before *scan.Result
		want   string // "" when a job is needed
	}{
		{"not counted", kms, nil, ""},
		{"empty scope", kms, counted(), "0 object versions under b/ match"},
		{"plaintext only", kms, counted(plain), "none of the 1 object version in scope under b/ is encrypted"},
		{"all on the target", kms, counted(kmsVersion("a", "new", now), kmsVersion("b", "new", now)), "all 2 encrypted versions in scope under b/ are already under key new"},
		{"one pending", kms, counted(kmsVersion("a", "new", now), kmsVersion("b", "old", now)), ""},
		{"SSE-S3 under an sse-kms target", kms, counted(kmsVersion("a", "new", now), sseS3), "(1 SSE-S3 version stays SSE-S3"},
		{"SSE-S3 under an sse-s3 target", s3, counted(sseS3), ""},
	} {
		got := nothingPending(c.spec, c.before)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// TestResealSince: the oldest pending date on any site narrows the job,
// unless a site was not counted or an sse-s3 target meets SSE-S3 versions.
func TestResealSince(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC) }
	kms := keyrotate.Spec{Bucket: "b", Encryption: keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: "new"}}
	run := func(before *scan.Result) *siteRun { return &siteRun{res: rotationResult{before: before}} }
	a := run(counted(kmsVersion("a", "new", day(1)), kmsVersion("b", "old", day(5))))
	b := run(counted(kmsVersion("a", "old", day(4))))
	if got := resealSince(kms, []*siteRun{a, b}); !got.Equal(day(4)) {
		t.Errorf("two sites: %v, want %v", got, day(4))
	}
	if got := resealSince(kms, []*siteRun{b}); !got.IsZero() {
		t.Errorf("nothing older than the oldest pending version: %v, want the whole scope (the resource's own job)", got)
	}
	if got := resealSince(kms, []*siteRun{a, run(nil)}); !got.IsZero() {
		t.Errorf("a site not counted: %v, want the whole scope", got)
	}
	s3 := keyrotate.Spec{Bucket: "b", Encryption: keyrotate.Encryption{Type: keyrotate.SSES3}}
	withS3 := run(counted(kmsVersion("a", "old", day(4)), scan.Version{Name: "s", VersionID: "v", Encryption: scan.Encryption{Kind: scan.SSES3}}))
	if got := resealSince(s3, []*siteRun{withS3}); !got.IsZero() {
		t.Errorf("sse-s3 target over SSE-S3 versions: %v, want the whole scope", got)
	}
	narrowed := narrowToDrift(kms, day(4))
	if !narrowed.Filter.CreatedAfter.Equal(day(4)) || !kms.Filter.CreatedAfter.IsZero() {
		t.Errorf("narrowToDrift: %v (spec left %v)", narrowed.Filter.CreatedAfter, kms.Filter.CreatedAfter)
	}
	later := kms
	later.Filter.CreatedAfter = day(6)
	if got := narrowToDrift(later, day(4)); !got.Filter.CreatedAfter.Equal(day(6)) {
		t.Errorf("a later created_after of the user's own is kept: %v", got.Filter.CreatedAfter)
	}
}
