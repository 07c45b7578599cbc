package provider

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// sitesStack is the package's shared site-replication group: two sites on
// one KES, and a deployment outside the group.
func sitesStack(t *testing.T) *teststack.Stack {
	t.Helper()
	return teststack.Shared(t, "sites", teststack.Options{Sites: 2, Outside: true})
}

// siteEndpointsEnv is the stack's site addresses as MINIO_SITE_ENDPOINTS.
func siteEndpointsEnv(s *teststack.Stack) string {
	var pairs []string
	for name, ep := range s.SiteEndpoints() {
		pairs = append(pairs, name+"="+ep)
	}
	sort.Strings(pairs)
	return "MINIO_SITE_ENDPOINTS=" + strings.Join(pairs, ",")
}

// seedReplicated writes, on site A, a versioned bucket of n objects x 2
// versions under key, every other object tagged, every fourth deleted,
// and waits until every site lists the same versions.
func seedReplicated(ctx context.Context, t *testing.T, s *teststack.Stack, key string, n int) string {
	t.Helper()
	return seedReplicatedTagging(ctx, t, s, key, n, true)
}

// seedReplicatedTagging is seedReplicated, with or without tags.
func seedReplicatedTagging(ctx context.Context, t *testing.T, s *teststack.Stack, key string, n int, tagged bool) string {
	t.Helper()
	c := siteS3(t, s)
	bucket := teststack.RandomName("ms-")
	sse := versionedUnder(ctx, t, c, bucket, key)
	for i := range n {
		name := fmt.Sprintf("o-%03d", i)
		for v := range 2 {
			body := fmt.Sprintf("%s version %d", name, v)
			opts := minio.PutObjectOptions{ServerSideEncryption: sse}
			if tagged && i%2 == 0 {
				opts.UserTags = map[string]string{"class": "pii", "v": fmt.Sprint(v)}
			}
			if _, err := c.PutObject(ctx, bucket, name, bytes.NewReader([]byte(body)), int64(len(body)), opts); err != nil {
				t.Fatal(err)
			}
		}
		if i%4 == 0 {
			if err := c.RemoveObject(ctx, bucket, name, minio.RemoveObjectOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	waitReplicated(ctx, t, s, bucket)
	return bucket
}

func siteS3(t *testing.T, s *teststack.Stack) *minio.Client {
	t.Helper()
	c, err := s.S3(0)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// waitReplicated waits until every site of s lists the versions and tags
// site A lists in bucket.
func waitReplicated(ctx context.Context, t *testing.T, s *teststack.Stack, bucket string) {
	t.Helper()
	want, wantDeleted := versionsOf(ctx, t, siteS3(t, s.Sites[0]), bucket)
	deadline := time.Now().Add(90 * time.Second)
	for _, site := range s.Sites[1:] {
		for {
			got, deleted := versionsOf(ctx, t, siteS3(t, site), bucket)
			if sameIDsAndTags(want, got) && maps.Equal(wantDeleted, deleted) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("site %s did not receive bucket %s from site A within 90 s: %d of %d objects", site.SiteName, bucket, len(got), len(want))
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
}

func sameIDsAndTags(a, b map[string]map[string]listedVersion) bool {
	if len(a) != len(b) {
		return false
	}
	for name, vs := range a {
		if len(b[name]) != len(vs) {
			return false
		}
		for id, v := range vs {
			if got, ok := b[name][id]; !ok || !maps.Equal(got.tags, v.tags) {
				return false
			}
		}
	}
	return true
}

// TestAccBatchKeyrotate_everySite is the promise on a site-replication
// group. A job re-seals its own site only (serverfacts), so the provider
// runs one per site. Tags cannot be put back there without leaving the
// other sites' copies unencrypted (serverfacts), so a scope with tagged
// versions is refused before any job starts, naming each site's count;
// with preserve_tags = false one apply leaves every data version on both
// sites under the new key with the same bytes, and every deleted object
// still deleted on both; state shows each site's job; the plan afterwards
// is empty; drift on one site shows in the plan with the site's name.
func TestAccBatchKeyrotate_everySite(t *testing.T) {
	s := sitesStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	oldKey, newKey := s.NewKey(t), s.NewKey(t)
	bucket := seedReplicated(ctx, t, s, oldKey, 12)
	before := map[string]map[string]map[string]listedVersion{}
	deletedBefore, bytesBefore := map[string]map[string]bool{}, map[string]map[string]string{}
	for _, site := range s.Sites {
		before[site.SiteName], deletedBefore[site.SiteName] = versionsOf(ctx, t, siteS3(t, site), bucket)
		h, err := inventory.Hashes(ctx, siteS3(t, site), bucket, "")
		if err != nil {
			t.Fatal(err)
		}
		bytesBefore[site.SiteName] = h
	}
	jobsBefore := siteJobs(ctx, t, s)
	outputs := `
output "sites" {
  value = [for s in minio_batch_keyrotate.test.sites : [s.name, s.status, s.versions_pending, s.job_id != ""]]
}
output "totals" {
  value = [minio_batch_keyrotate.test.status, minio_batch_keyrotate.test.versions_pending, minio_batch_keyrotate.test.objects_rotated]
}
`
	w := newCLIWorkspaceOn(t, s, map[string]string{"main.tf": rotateConfig(bucket, newKey, "") + outputs})
	w.env = append(w.env, siteEndpointsEnv(s))
	out := w.must(1, "apply", "-input=false", "-auto-approve")
	mustSay(t, "a rotation of tagged versions across sites", out, "Tags Cannot Be Put Back Under Site Replication",
		"No job was started on any site", "12 tagged versions on site site-a", "12 tagged versions on site site-b", "preserve_tags = false")
	if got := siteJobs(ctx, t, s); !maps.Equal(got, jobsBefore) {
		t.Errorf("the refused rotation started jobs: %v before, %v after", jobsBefore, got)
	}

	w.write("main.tf", rotateConfig(bucket, newKey, "  preserve_tags = false")+outputs)
	w.must(0, "apply", "-input=false", "-auto-approve")
	for _, site := range s.Sites {
		after, deleted := versionsOf(ctx, t, siteS3(t, site), bucket)
		var wrongKey, lost, total int
		for name, vs := range before[site.SiteName] {
			for id := range vs {
				total++
				switch got, ok := after[name][id]; {
				case !ok:
					lost++
				case got.key != newKey:
					wrongKey++
				}
			}
		}
		if total != 24 || lost+wrongKey > 0 {
			t.Errorf("site %s, of %d data versions (want 24): %d lost, %d not under the new key", site.SiteName, total, lost, wrongKey)
		}
		if !maps.Equal(deletedBefore[site.SiteName], deleted) {
			t.Errorf("site %s: deleted objects changed: %v before, %v after", site.SiteName, deletedBefore[site.SiteName], deleted)
		}
		h, err := inventory.Hashes(ctx, siteS3(t, site), bucket, "")
		if err != nil {
			t.Fatal(err)
		}
		if diff := inventory.Diff(bytesBefore[site.SiteName], h); len(diff) > 0 {
			t.Errorf("site %s: objects whose bytes changed: %v", site.SiteName, diff)
		}
	}
	sites := strings.Join(strings.Fields(w.must(0, "output", "-json", "sites")), "")
	if sites != `[["site-a","complete",0,true],["site-b","complete",0,true]]` {
		t.Errorf("sites = %s", sites)
	}
	if totals := strings.Join(strings.Fields(w.must(0, "output", "-json", "totals")), ""); !strings.HasPrefix(totals, `["complete",0,`) {
		t.Errorf("status, versions_pending, objects_rotated = %s", totals)
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")

	// Drift on one site shows in the plan with the sites' names.
	sse, _ := encrypt.NewSSEKMS(oldKey, nil)
	if _, err := siteS3(t, s.Sites[1]).PutObject(ctx, bucket, "late", strings.NewReader("late"), 4, minio.PutObjectOptions{ServerSideEncryption: sse}); err != nil {
		t.Fatal(err)
	}
	plan := w.must(2, "plan", "-input=false", "-detailed-exitcode")
	mustSay(t, "the plan after a write under the old key on site B", plan, "Versions Not On The Target Key", "site site-b: 1", "must be replaced")
}

// siteJobs lists the jobs of every site, by site.
func siteJobs(ctx context.Context, t *testing.T, s *teststack.Stack) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, site := range s.Sites {
		adm, err := site.Admin()
		if err != nil {
			t.Fatal(err)
		}
		list, err := adm.ListBatchJobs(ctx, &madmin.ListBatchJobsFilter{})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, j := range list.Jobs {
			ids = append(ids, j.ID)
		}
		slices.Sort(ids)
		out[site.SiteName] = strings.Join(ids, ",")
	}
	return out
}

// TestAccKeyrotatePreview_everySite: on two sites the preview counts the
// scope by site and in total, since a rotation runs a job on each.
func TestAccKeyrotatePreview_everySite(t *testing.T) {
	s := sitesStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	oldKey, newKey := s.NewKey(t), s.NewKey(t)
	bucket := seedReplicated(ctx, t, s, oldKey, 12)
	w := newCLIWorkspaceOn(t, s, map[string]string{"main.tf": fmt.Sprintf(`
data "minio_keyrotate_preview" "p" {
  bucket = %q
  encryption {
    type = "sse-kms"
    key  = %q
  }
}
output "preview" {
  value = [data.minio_keyrotate_preview.p.versions, data.minio_keyrotate_preview.p.pending, data.minio_keyrotate_preview.p.tagged_versions, data.minio_keyrotate_preview.p.deleted_objects,
  [for s in data.minio_keyrotate_preview.p.sites : [s.name, s.versions, s.tagged_versions, s.deleted_objects]]]
}
`, bucket, newKey)})
	w.env = append(w.env, siteEndpointsEnv(s))
	w.must(0, "apply", "-input=false", "-auto-approve")
	got := strings.Join(strings.Fields(w.must(0, "output", "-json", "preview")), "")
	if want := `[48,48,24,6,[["site-a",24,12,3],["site-b",24,12,3]]]`; got != want {
		t.Errorf("versions, pending, tagged_versions, deleted_objects and sites = %s, want %s", got, want)
	}
}

// TestAccBatchKeyrotate_siteDownBeforeApply: with site B stopped, the
// apply fails naming site B, and no job starts on any site.
func TestAccBatchKeyrotate_siteDownBeforeApply(t *testing.T) {
	s := sitesStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	oldKey, newKey := s.NewKey(t), s.NewKey(t)
	bucket := seedReplicatedTagging(ctx, t, s, oldKey, 4, false)
	b := s.Sites[1]
	if err := b.StopNode(ctx, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { restartSite(t, s, b) })
	jobsOnA := siteJobs(ctx, t, &teststack.Stack{Sites: s.Sites[:1]})
	w := newCLIWorkspaceOn(t, s, map[string]string{"main.tf": rotateConfig(bucket, newKey, "")})
	w.env = append(w.env, siteEndpointsEnv(s))
	out := strings.Join(strings.Fields(w.must(1, "apply", "-input=false", "-auto-approve")), " ")
	mustSay(t, "the apply with site B down", out, "Cannot Reach MinIO", "On site site-b:", "No job was started")
	if got := siteJobs(ctx, t, &teststack.Stack{Sites: s.Sites[:1]}); !maps.Equal(got, jobsOnA) {
		t.Errorf("a job started on site A while site B was down: %v before, %v after", jobsOnA, got)
	}
}

// restartSite starts site b again and waits until the group works again:
// a bucket made on site A is versioned on site B (site replication makes
// the bucket on every site, and fails while a site is not back in it).
func restartSite(t *testing.T, s *teststack.Stack, b *teststack.Stack) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := b.StartNode(ctx, 0); err != nil {
		t.Errorf("starting site %s again: %v", b.SiteName, err)
		return
	}
	c, cb := siteS3(t, s), siteS3(t, b)
	var err error
	for ctx.Err() == nil {
		probe := teststack.RandomName("probe-")
		if err = c.MakeBucket(ctx, probe, minio.MakeBucketOptions{}); err == nil {
			err = c.EnableVersioning(ctx, probe)
			if err == nil {
				var v minio.BucketVersioningConfiguration
				if v, err = cb.GetBucketVersioning(ctx, probe); err == nil && !v.Enabled() {
					err = fmt.Errorf("bucket %s not versioned on site %s yet", probe, b.SiteName)
				}
			}
			_ = c.RemoveBucket(ctx, probe)
		}
		if err == nil {
			return
		}
		time.Sleep(time.Second)
	}
	t.Errorf("site %s did not rejoin the group within 2 minutes: %v", b.SiteName, err)
}

// TestAccBatchKeyrotate_siteKilledMidRotation: site B killed while its
// job runs fails the apply with what was done where; every version on
// both sites still reads back its bytes; once site B is back, the next
// apply finishes the work on both sites.
func TestAccBatchKeyrotate_siteKilledMidRotation(t *testing.T) {
	s := sitesStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	oldKey, newKey := s.NewKey(t), s.NewKey(t)
	bucket := seedReplicatedTagging(ctx, t, s, oldKey, 30, false)
	b := s.Sites[1]
	b.PaceRotation(t, 300*time.Millisecond) // about 18 s for site B's 60 versions
	bytesBefore := map[string]map[string]string{}
	for _, site := range s.Sites {
		h, err := inventory.Hashes(ctx, siteS3(t, site), bucket, "")
		if err != nil {
			t.Fatal(err)
		}
		bytesBefore[site.SiteName] = h
	}
	w := newCLIWorkspaceOn(t, s, map[string]string{"main.tf": rotateConfig(bucket, newKey,
		"stall_timeout = \"10s\"\nretry {\n  attempts = 1\n}") + `
output "sites" {
  value = [for s in minio_batch_keyrotate.test.sites : [s.name, s.status]]
}
`})
	w.env = append(w.env, siteEndpointsEnv(s))
	apply := startApply(t, w)
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		versions, _ := versionsOf(ctx, t, siteS3(t, b), bucket)
		if n := countUnder(versions, newKey); n >= 10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("site B rotated fewer than 10 versions within 2 minutes")
		}
	}
	if err := b.KillNode(ctx, 0); err != nil {
		t.Fatal(err)
	}
	down := true
	t.Cleanup(func() {
		if down {
			restartSite(t, s, b)
		}
	})
	out, code, took := apply.result()
	t.Logf("apply with site B killed mid-rotation exited %d after %s", code, took.Round(100*time.Millisecond))
	if code == 0 {
		t.Fatalf("the apply succeeded with site B killed mid-rotation:\n%s", out)
	}
	mustSay(t, "the apply", out, "Rotation Job Did Not Complete", "Site site-a: job", "complete, 60 objects rotated", "Site site-b: job", "site site-b: canceling stalled batch job")
	a, _ := versionsOf(ctx, t, siteS3(t, s.Sites[0]), bucket)
	if n := countUnder(a, newKey); n != 60 {
		t.Errorf("site A: %d of 60 versions under the new key after the failed apply", n)
	}

	restartSite(t, s, b)
	down = false
	w.must(0, "apply", "-input=false", "-auto-approve")
	if got := strings.Join(strings.Fields(w.must(0, "output", "-json", "sites")), ""); got != `[["site-a","complete"],["site-b","complete"]]` {
		t.Errorf("sites after the second apply = %s", got)
	}
	for _, site := range s.Sites {
		versions, _ := versionsOf(ctx, t, siteS3(t, site), bucket)
		if n := countUnder(versions, newKey); n != 60 {
			t.Errorf("site %s: %d of 60 versions under the new key after the second apply", site.SiteName, n)
		}
		h, err := inventory.Hashes(ctx, siteS3(t, site), bucket, "")
		if err != nil {
			t.Fatal(err)
		}
		if diff := inventory.Diff(bytesBefore[site.SiteName], h); len(diff) > 0 {
			t.Errorf("site %s: objects whose bytes changed: %v", site.SiteName, diff)
		}
	}
}

// countUnder counts the data versions under key.
func countUnder(versions map[string]map[string]listedVersion, key string) int {
	n := 0
	for _, vs := range versions {
		for _, v := range vs {
			if v.key == key {
				n++
			}
		}
	}
	return n
}

// TestAccBatchKeyrotate_outsideReplicaWarning: a bucket replicated to
// another deployment (bucket replication, not site replication): the plan
// of its rotation warns, naming the target, that the copies there keep
// their key, since no job of this rotation reaches them.
func TestAccBatchKeyrotate_outsideReplicaWarning(t *testing.T) {
	s := sitesStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out := s.Outside
	bucket := out.NewBucket(t)
	c := siteS3(t, out)
	if err := c.EnableVersioning(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	if err := out.ReplicateBucket(ctx, bucket, s); err != nil {
		t.Fatal(err)
	}
	stopReplicationAtEnd(t, out, bucket)
	w := newCLIWorkspaceOn(t, out, map[string]string{"main.tf": rotateConfig(bucket, s.NewKey(t), "")})
	plan := strings.Join(strings.Fields(w.must(0, "plan", "-input=false")), " ")
	mustSay(t, "the plan", plan, "Warning: Replicas Outside The Group Keep Their Key",
		strings.TrimSuffix(s.PeerURL, "/")+"/"+bucket+` (replica of bucket "`+bucket+`"`, "outside_replicas_checked")
}

// TestAccBatchKeyrotate_siteEndpointReachesAnotherSite: site_endpoints
// sends site B to site A's address. The provider sees another deployment
// there and refuses before any job starts, instead of rotating site A
// twice and calling site B done.
func TestAccBatchKeyrotate_siteEndpointReachesAnotherSite(t *testing.T) {
	s := sitesStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	oldKey, newKey := s.NewKey(t), s.NewKey(t)
	bucket := seedReplicatedTagging(ctx, t, s, oldKey, 2, false)
	jobs := siteJobs(ctx, t, s)
	w := newCLIWorkspaceOn(t, s, map[string]string{"main.tf": rotateConfig(bucket, newKey, "")})
	w.env = append(w.env, "MINIO_SITE_ENDPOINTS=site-b="+s.MinIOEndpoint)
	out := strings.Join(strings.Fields(w.must(1, "apply", "-input=false", "-auto-approve")), " ")
	mustSay(t, "the apply with site B's address reaching site A", out, "Error: Wrong Site Endpoint", "No job was started.",
		"On site site-b: the server at "+s.MinIOEndpoint+" is deployment", "the address reaches another deployment")
	if got := siteJobs(ctx, t, s); !maps.Equal(got, jobs) {
		t.Errorf("jobs started: %v before, %v after", jobs, got)
	}
}
