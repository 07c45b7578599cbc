package usage_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7/pkg/sse"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/sites"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/usage"
)

// fakeSiteAdmin is a site's admin API: its KMS default key and its bucket
// replication targets, as the pinned MinIO answers them.
type fakeSiteAdmin struct {
	fakeKMS
	targets    []madmin.BucketTarget
	targetsErr error
	// onStatus, if set, runs at the start of KMSStatus (the first request
	// of a site's check), which then fails if ctx has ended meanwhile.
	// Without it KMSStatus answers at once, as a refused connection does.
	onStatus func(ctx context.Context)
}

func (f *fakeSiteAdmin) KMSStatus(ctx context.Context) (madmin.KMSStatus, error) {
	if f.onStatus != nil {
		// A request in flight ends with ctx.
		f.onStatus(ctx)
		if err := ctx.Err(); err != nil {
			return madmin.KMSStatus{}, err
		}
	}
	return f.fakeKMS.KMSStatus(ctx)
}

func (f *fakeSiteAdmin) ListRemoteTargets(_ context.Context, bucket, _ string) ([]madmin.BucketTarget, error) {
	if f.targetsErr != nil {
		return nil, f.targetsErr
	}
	var out []madmin.BucketTarget
	for _, t := range f.targets {
		if bucket == "" || t.SourceBucket == bucket {
			out = append(out, t)
		}
	}
	return out, nil
}

func defaultKey(key string) fakeKMS {
	return fakeKMS{status: madmin.KMSStatus{DefaultKeyID: key}}
}

// site is a site of a two-site group (site-a, site-b, at minio-a:9000 and
// minio-b:9000, deployment IDs id-a and id-b), or with name "" the only
// deployment of no group.
func site(name string, c usage.Client, adm *fakeSiteAdmin) usage.Site {
	s := usage.Site{S3: c, Admin: adm}
	if name != "" {
		letter := strings.TrimPrefix(name, "site-")
		s.Site = sites.Site{Name: name, DeploymentID: "id-" + letter, Endpoint: "http://minio-" + letter + ":9000"}
	}
	return s
}

// siteReplicationTarget is the target site replication keeps on a site for
// its peer: part of the group, never an outside target.
func siteReplicationTarget(bucket, peer string) madmin.BucketTarget {
	return madmin.BucketTarget{SourceBucket: bucket, TargetBucket: bucket, Endpoint: "minio-" + peer + ":9000", Arn: "arn:minio:replication::sr-" + peer + ":" + bucket, DeploymentID: "id-" + peer}
}

// TestScanSites: site A has rotated its copies of bucket fin away from the
// key, site B still holds them, and names the key as the default of
// another bucket and as its KMS default key; site A replicates a bucket to
// a deployment outside the group, which site B also does for the same
// bucket under another ARN. The report keeps the sites apart in order,
// adds them up, and lists the outside target once, naming both sites.
func TestScanSites(t *testing.T) {
	const key, other = "old", "new"
	a := &fakeClient{buckets: map[string]*fakeBucket{
		"fin":  {entries: kmsN("f-", other, 120, 10)},
		"ops":  {entries: kmsN("o-", key, 2, 5)},
		"logs": {},
	}}
	b := &fakeClient{buckets: map[string]*fakeBucket{
		"fin":  {entries: kmsN("f-", key, 120, 10)},
		"ops":  {entries: kmsN("o-", key, 2, 5)},
		"logs": {encryption: sse.NewConfigurationSSEKMS("arn:aws:kms:" + key)},
	}}
	outside := func(arn string) madmin.BucketTarget {
		return madmin.BucketTarget{SourceBucket: "ops", TargetBucket: "ops-dr", Endpoint: "dr.example.com:9000", Secure: true, Arn: arn, DeploymentID: "id-dr"}
	}
	admA := &fakeSiteAdmin{fakeKMS: defaultKey("minio-default"), targets: []madmin.BucketTarget{siteReplicationTarget("fin", "b"), outside("arn:a-dr")}}
	admB := &fakeSiteAdmin{fakeKMS: defaultKey("arn:aws:kms:" + key), targets: []madmin.BucketTarget{siteReplicationTarget("fin", "a"), outside("arn:b-dr")}}

	got, err := usage.ScanSites(context.Background(), []usage.Site{site("site-a", a, admA), site("site-b", b, admB)}, key, usage.SitesOptions{Samples: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Sites) != 2 || got.Sites[0].Site.Name != "site-a" || got.Sites[1].Site.Name != "site-b" || !got.Replicated() {
		t.Fatalf("sites %+v: want site-a then site-b", got.Sites)
	}
	sa, sb := got.Sites[0], got.Sites[1]
	wantA := []usage.Bucket{{Name: "ops", Versions: 2, Bytes: 10}}
	wantB := []usage.Bucket{
		{Name: "fin", Versions: 120, Bytes: 1200},
		{Name: "logs", DefaultNamesKey: true},
		{Name: "ops", Versions: 2, Bytes: 10},
	}
	if d := cmp.Diff(wantA, withoutSamples(sa.Buckets)); d != "" {
		t.Errorf("site A buckets (-want +got):\n%s", d)
	}
	if d := cmp.Diff(wantB, withoutSamples(sb.Buckets)); d != "" {
		t.Errorf("site B buckets (-want +got):\n%s", d)
	}
	if !sa.Complete || !sb.Complete || sa.ServerDefault || !sb.ServerDefault || sa.BucketsScanned != 3 || sb.BucketsScanned != 3 {
		t.Errorf("site A %+v, site B %+v: want both complete, 3 buckets each, the key site B's default only", sa.Report, sb.Report)
	}
	if got.Versions() != 124 || got.Bytes() != 1220 || got.BucketsScanned() != 6 || got.VersionsSeen() != 244 || !got.ServerDefault() || !got.InUse() {
		t.Errorf("totals: %d versions, %d bytes, %d buckets, %d seen, default %v, in use %v; want 124, 1220, 6, 244, true, true",
			got.Versions(), got.Bytes(), got.BucketsScanned(), got.VersionsSeen(), got.ServerDefault(), got.InUse())
	}
	if using := got.Using(); len(using) != 2 {
		t.Errorf("Using: %d sites, want both", len(using))
	}
	wantMerged := []usage.Bucket{
		{Name: "fin", Versions: 120, Bytes: 1200},
		{Name: "logs", DefaultNamesKey: true},
		{Name: "ops", Versions: 4, Bytes: 20},
	}
	merged := got.Buckets()
	if d := cmp.Diff(wantMerged, withoutSamples(merged)); d != "" {
		t.Errorf("merged buckets (-want +got):\n%s", d)
	}
	if len(merged[2].Samples) != 1 || merged[2].Samples[0].Name != "o-0000" {
		t.Errorf("merged samples of ops: %+v, want site A's first", merged[2].Samples)
	}
	wantTargets := []usage.SiteTarget{{
		Target: sites.Target{Bucket: "ops", Endpoint: "https://dr.example.com:9000", TargetBucket: "ops-dr", ARN: "arn:a-dr"},
		Sites:  []string{"site-a", "site-b"},
	}}
	if d := cmp.Diff(wantTargets, got.Targets()); d != "" {
		t.Errorf("outside targets (-want +got):\n%s", d)
	}
	if len(sa.Targets) != 1 || len(sb.Targets) != 1 {
		t.Errorf("per site targets: A %v, B %v; want the outside one each", sa.Targets, sb.Targets)
	}
}

// TestScanSitesUnused: once every site has rotated, nothing is in use, and
// a deployment in no group is one site without a name, whose every
// target is outside.
func TestScanSitesUnused(t *testing.T) {
	const key = "old"
	a := &fakeClient{buckets: map[string]*fakeBucket{"fin": {entries: kmsN("f-", "new", 3, 1)}}}
	b := &fakeClient{buckets: map[string]*fakeBucket{"fin": {entries: kmsN("f-", "new", 3, 1)}}}
	got, err := usage.ScanSites(context.Background(), []usage.Site{
		site("site-a", a, &fakeSiteAdmin{targets: []madmin.BucketTarget{siteReplicationTarget("fin", "b")}}),
		site("site-b", b, &fakeSiteAdmin{targets: []madmin.BucketTarget{siteReplicationTarget("fin", "a")}}),
	}, key, usage.SitesOptions{})
	if err != nil || got.InUse() || len(got.Using()) != 0 || got.Versions() != 0 || len(got.Buckets()) != 0 || len(got.Targets()) != 0 {
		t.Fatalf("got %+v, %v: want nothing in use and no outside target", got, err)
	}

	alone := &fakeSiteAdmin{targets: []madmin.BucketTarget{siteReplicationTarget("fin", "b")}}
	got, err = usage.ScanSites(context.Background(), []usage.Site{site("", a, alone)}, key, usage.SitesOptions{})
	if err != nil || got.Replicated() || got.InUse() {
		t.Fatalf("alone: %+v, %v", got, err)
	}
	if ts := got.Targets(); len(ts) != 1 || ts[0].Endpoint != "http://minio-b:9000" || !cmp.Equal(ts[0].Sites, []string{""}) {
		t.Errorf("alone, every target is outside: got %+v", ts)
	}
}

// TestScanSitesConcurrently: the sites are checked at once, at most
// Parallel at a time, and the reports come back in site order whichever
// finishes first.
func TestScanSitesConcurrently(t *testing.T) {
	const n, parallel = 5, 2
	var active, most atomic.Int32
	var mu sync.Mutex
	var order []int
	var group []usage.Site
	for i := range n {
		adm := &fakeSiteAdmin{onStatus: func(ctx context.Context) {
			now := active.Add(1)
			defer active.Add(-1)
			for {
				m := most.Load()
				if now <= m || most.CompareAndSwap(m, now) {
					break
				}
			}
			// Hold the slot until another site runs too (the last one
			// waits alone a while): proof that the checks overlap. Later
			// sites go faster, so that they finish first.
			deadline := time.After(200 * time.Millisecond)
			for active.Load() < parallel {
				select {
				case <-deadline:
					return
				case <-time.After(time.Millisecond):
				}
			}
			time.Sleep(time.Duration(n-i) * 5 * time.Millisecond)
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
		}}
		c := &fakeClient{buckets: map[string]*fakeBucket{"b": {entries: kmsN("x-", "k", i+1, 1)}}}
		group = append(group, site("site-"+string(rune('a'+i)), c, adm))
	}
	var progress [n]atomic.Int32
	got, err := usage.ScanSites(context.Background(), group, "k", usage.SitesOptions{Parallel: parallel, Progress: func(i int, p usage.Progress) {
		progress[i].Add(1)
	}})
	if err != nil {
		t.Fatal(err)
	}
	if m := most.Load(); m != parallel {
		t.Errorf("at most %d sites at once, want %d", m, parallel)
	}
	for i, s := range got.Sites {
		if s.Site.Name != group[i].Name || s.Versions != int64(i+1) || !s.Complete {
			t.Errorf("report %d: site %q, %d versions, complete %v; want %s with %d", i, s.Site.Name, s.Versions, s.Complete, group[i].Name, i+1)
		}
		if progress[i].Load() == 0 {
			t.Errorf("no progress reported for site %d", i)
		}
	}
	t.Logf("finished in order %v", order)
}

// TestScanSitesFailures: a site that fails is named with what failed; the
// check of a site still running is stopped and reports no error of its
// own, only an incomplete report. Failures of several sites are all
// reported.
func TestScanSitesFailures(t *testing.T) {
	refused := errors.New("dial tcp 127.0.0.1:9200: connect: connection refused")
	denied := madmin.ErrorResponse{Code: "AccessDenied", Message: "Access Denied."}
	slow := func() (*fakeClient, *fakeSiteAdmin) {
		// Site A blocks in its first request until its check is stopped.
		return &fakeClient{buckets: map[string]*fakeBucket{"fin": {}}}, &fakeSiteAdmin{onStatus: func(ctx context.Context) {
			select {
			case <-ctx.Done():
			case <-time.After(5 * time.Second):
			}
		}}
	}
	for _, tt := range []struct {
		name  string
		b     func() (*fakeClient, *fakeSiteAdmin)
		doing string
		cause error
	}{
		{"unreachable", func() (*fakeClient, *fakeSiteAdmin) {
			return &fakeClient{}, &fakeSiteAdmin{fakeKMS: fakeKMS{err: refused}}
		}, usage.DoingDefaultKey, refused},
		{"targets denied", func() (*fakeClient, *fakeSiteAdmin) {
			return &fakeClient{}, &fakeSiteAdmin{targetsErr: denied}
		}, usage.DoingTargets, denied},
		{"buckets", func() (*fakeClient, *fakeSiteAdmin) {
			return &fakeClient{listErr: denied}, &fakeSiteAdmin{}
		}, "listing the buckets", denied},
		{"versions", func() (*fakeClient, *fakeSiteAdmin) {
			return &fakeClient{buckets: map[string]*fakeBucket{"fin": {entries: kmsN("f-", "k", 5, 1), failAt: 3, listErr: denied}}}, &fakeSiteAdmin{}
		}, "listing the versions", denied},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ca, aa := slow()
			cb, ab := tt.b()
			began := time.Now()
			got, err := usage.ScanSites(context.Background(), []usage.Site{site("site-a", ca, aa), site("site-b", cb, ab)}, "k", usage.SitesOptions{})
			if time.Since(began) > 2*time.Second {
				t.Errorf("took %s: site A's check was not stopped", time.Since(began))
			}
			errs := usage.SiteErrors(err)
			if len(errs) != 1 || errs[0].Site.Name != "site-b" {
				t.Fatalf("error %v: want one failure, of site-b", err)
			}
			var ue *usage.Error
			if !errors.As(err, &ue) || ue.Doing != tt.doing || !errors.Is(err, tt.cause) {
				t.Errorf("error %v: want %q failing with %v", err, tt.doing, tt.cause)
			}
			if !strings.HasPrefix(err.Error(), "site site-b: ") {
				t.Errorf("error %q does not name the site", err)
			}
			if got.Sites[0].Complete || got.Sites[1].Complete || got.Sites[0].Site.Name != "site-a" {
				t.Errorf("reports %+v: want both incomplete, in site order", got.Sites)
			}
		})
	}

	t.Run("both", func(t *testing.T) {
		// Two sites failing on their own, at about the same time, are both
		// reported, whichever stopped the other's check.
		_, err := usage.ScanSites(context.Background(), []usage.Site{
			site("site-a", &fakeClient{}, &fakeSiteAdmin{fakeKMS: fakeKMS{err: refused}}),
			site("site-b", &fakeClient{}, &fakeSiteAdmin{fakeKMS: fakeKMS{err: refused}}),
		}, "k", usage.SitesOptions{})
		errs := usage.SiteErrors(err)
		if len(errs) != 2 || errs[0].Site.Name != "site-a" || errs[1].Site.Name != "site-b" {
			t.Fatalf("error %v: want site-a's and site-b's failures, in order", err)
		}
	})

	t.Run("deadline", func(t *testing.T) {
		// Every site runs out of time: each is reported, none taken for a
		// stopped one.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		ca, aa := slow()
		cb, ab := slow()
		_, err := usage.ScanSites(ctx, []usage.Site{site("site-a", ca, aa), site("site-b", cb, ab)}, "k", usage.SitesOptions{})
		errs := usage.SiteErrors(err)
		if len(errs) != 2 || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("error %v: want both sites out of time", err)
		}
	})

	t.Run("alone", func(t *testing.T) {
		_, err := usage.ScanSites(context.Background(), []usage.Site{site("", &fakeClient{listErr: denied}, &fakeSiteAdmin{})}, "k", usage.SitesOptions{})
		if errs := usage.SiteErrors(err); len(errs) != 1 || err.Error() != "listing the buckets: Access Denied." {
			t.Fatalf("error %q: want the deployment's error unchanged, not naming a site", err)
		}
	})
}

// TestSiteErrorsOfOtherErrors: anything but ScanSites's error holds no
// site error.
func TestSiteErrorsOfOtherErrors(t *testing.T) {
	if got := usage.SiteErrors(errors.New("x")); len(got) != 0 {
		t.Errorf("got %v", got)
	}
	if got := usage.SiteErrors(nil); len(got) != 0 {
		t.Errorf("got %v", got)
	}
}
