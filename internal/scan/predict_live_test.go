package scan_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// TestScanPredictsJobLive checks the scanner against the server itself:
// for each filter, a fresh bucket is scanned, the real job runs, and the
// versions the job moved to the target key must be exactly those the scan
// selected, its count of rewritten versions must be the job's object count,
// and its resurfacing count must say whether the deleted object came back.
func TestScanPredictsJobLive(t *testing.T) {
	s := teststack.Live(t)
	ctx := liveContext(t)
	c := liveS3(t, s)
	admin, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	keyA, keyB := s.NewKey(t), s.NewKey(t)
	now := time.Now()
	const day = 24 * time.Hour
	seed := func(b string) {
		a := kmsSSE(t, keyA)
		pii := func(n string) map[string]string { return map[string]string{"class": "pii-" + n} }
		write(t, ctx, c, b,
			put{name: "p/gone", sse: a, tags: pii("6"), remove: true},
			put{name: "p/img", sse: a, contentType: "image/png"},
			put{name: "p/meta-fin", sse: a, meta: map[string]string{"dept": "fin"}},
			put{name: "p/old", sse: a, tags: pii("7"), mtime: now.Add(-30 * day)},
			put{name: "p/plain", tags: pii("4")},
			put{name: "p/s3", sse: encrypt.NewSSE(), tags: pii("3")},
			put{name: "p/tag-pii", sse: a, tags: pii("1")},
			put{name: "p/tag-public", sse: a, tags: map[string]string{"class": "public"}},
			put{name: "p/two-versions", sse: a, tags: pii("2")},
			put{name: "p/two-versions", sse: a},
			put{name: "q/outside", sse: a, tags: pii("5")},
		)
	}
	const kmsVersions = 8 // SSE-KMS versions under p/
	kv := func(k, v string) []keyrotate.KV { return []keyrotate.KV{{Key: k, Value: v}} }
	tests := []struct {
		name string
		f    keyrotate.Filter
		// kms counts the SSE-KMS versions the job should move; rewritten
		// adds the SSE-S3 version; resurfacing is 1 when p/gone is in scope.
		kms, rewritten, resurfacing int64
	}{
		{"no filter", keyrotate.Filter{}, 8, 9, 1},
		{"tag pattern", keyrotate.Filter{Tags: kv("class", "pii*")}, 4, 5, 1},
		{"bare user metadata", keyrotate.Filter{Metadata: kv("dept", "fin")}, 1, 1, 0},
		{"content type", keyrotate.Filter{Metadata: kv("content-type", "image/*")}, 1, 1, 0},
		{"raw tag string", keyrotate.Filter{Metadata: kv("x-amz-tagging", "class=pii*")}, 4, 5, 1},
		{"encryption header", keyrotate.Filter{Metadata: kv("x-amz-server-side-encryption", "aws:kms")}, 0, 0, 0},
		{"older than", keyrotate.Filter{OlderThan: 7 * day}, 1, 1, 0},
		{"newer than", keyrotate.Filter{NewerThan: 7 * day}, 7, 8, 1},
		{"created before", keyrotate.Filter{CreatedBefore: now.Add(-7 * day)}, 1, 1, 0},
		{"created after", keyrotate.Filter{CreatedAfter: now.Add(-7 * day)}, 7, 8, 1},
		{"older than and tags", keyrotate.Filter{OlderThan: 7 * day, Tags: kv("class", "pii*")}, 1, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := versionedBucket(t, s, c)
			seed(b)
			spec := keyrotate.Spec{Bucket: b, Prefix: "p/", Encryption: keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: keyB}, Filter: tt.f}
			if errs := spec.Validate(); len(errs) > 0 {
				t.Fatalf("invalid spec: %v", errs)
			}
			before, err := scan.Scan(ctx, c, scan.ScopeOf(spec), scan.Options{})
			if err != nil {
				t.Fatal(err)
			}
			predicted := selected(t, ctx, c, spec, keyA)
			if got := before.Pending(spec.Encryption); got.Versions != tt.kms || int64(len(predicted)) != tt.kms {
				t.Errorf("predicted %d pending (%d selected), want %d", got.Versions, len(predicted), tt.kms)
			}
			if got := before.Rewritten().Versions; got != tt.rewritten {
				t.Errorf("predicted %d rewritten, want %d", got, tt.rewritten)
			}
			if before.Resurfacing != tt.resurfacing {
				t.Errorf("predicted %d resurfacing, want %d", before.Resurfacing, tt.resurfacing)
			}
			taggedBefore := countTagged(t, ctx, c, b)

			doc, err := keyrotate.Encode(spec)
			if err != nil {
				t.Fatal(err)
			}
			out, err := batchjob.Run(ctx, admin, string(doc), batchjob.RunPolicy{Attempts: 1})
			if err != nil {
				t.Fatalf("job: %v", err)
			}

			if out.Progress.Objects != before.Rewritten().Versions {
				t.Errorf("job rewrote %d objects, scan predicted %d", out.Progress.Objects, before.Rewritten().Versions)
			}
			if d := cmp.Diff(predicted, selected(t, ctx, c, keyrotate.Spec{Bucket: b, Prefix: "p/"}, keyB)); d != "" {
				t.Errorf("versions moved to the target key (-predicted +moved):\n%s", d)
			}
			after, err := scan.Scan(ctx, c, scan.Scope{Bucket: b, Prefix: "p/"}, scan.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := after.Pending(spec.Encryption).Versions; got != kmsVersions-tt.kms {
				t.Errorf("after the job: %d pending, want %d", got, kmsVersions-tt.kms)
			}
			_, err = c.StatObject(ctx, b, "p/gone", minio.StatObjectOptions{})
			if visible := err == nil; visible != (tt.resurfacing == 1) {
				t.Errorf("after the job p/gone visible=%v (%v), predicted resurfacing %d", visible, err, tt.resurfacing)
			}
			if got, want := countTagged(t, ctx, c, b), taggedBefore-before.Tagged; got != want {
				t.Errorf("after the job %d tagged versions, want %d (%d before, %d predicted to lose their tags)", got, want, taggedBefore, before.Tagged)
			}
		})
	}
}

// selected lists, as "name@versionID", the SSE-KMS versions under key that
// spec's scope selects.
func selected(t *testing.T, ctx context.Context, c *minio.Client, spec keyrotate.Spec, key string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	now := time.Now()
	err := scan.Walk(ctx, c, spec.Bucket, spec.Prefix, func(v scan.Version) error {
		if v.Encryption == (scan.Encryption{Kind: scan.SSEKMS, Key: key}) && spec.Filter.Matches(v.Facts(), now) {
			out[v.Name+"@"+v.VersionID] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// countTagged counts the tagged versions in bucket, whatever their
// encryption.
func countTagged(t *testing.T, ctx context.Context, c *minio.Client, bucket string) int64 {
	t.Helper()
	var n int64
	err := scan.Walk(ctx, c, bucket, "", func(v scan.Version) error {
		if len(v.Tags) > 0 {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
