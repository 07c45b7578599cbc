package provider

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/sites"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/usage"
)

// Unit tests of the wording.

func siteReport(name string, local bool, r usage.Report, targets ...sites.Target) usage.SiteReport {
	r.Key = "old"
	return usage.SiteReport{Site: sites.Site{Name: name, Local: local}, Report: r, Targets: targets, Complete: true}
}

var (
	drTarget   = sites.Target{Bucket: "ops", Endpoint: "https://dr.example.com:9000", TargetBucket: "ops-dr", ARN: "arn:minio:replication::dr:ops-dr"}
	idleA      = usage.Report{BucketsScanned: 3, VersionsSeen: 240}
	finOnSiteB = usage.Report{BucketsScanned: 3, VersionsSeen: 240, Versions: 120, Bytes: 1200,
		Buckets: []usage.Bucket{{Name: "fin", Versions: 120, Bytes: 1200, Samples: []scan.VersionRef{{Name: "f-0000", VersionID: "v1", KMSKey: "old"}}}}}
)

func onlyDiag(t *testing.T, diags diag.Diagnostics, severity diag.Severity, summary string) string {
	t.Helper()
	if len(diags) != 1 || diags[0].Severity() != severity || diags[0].Summary() != summary {
		t.Fatalf("diagnostics %v, want one %s %q", diags, severity, summary)
	}
	return diags[0].Detail()
}

// TestKeyRetireVerdictSiteInUse: site A has rotated, site B still holds
// every copy under the key: the refusal names site B with its counts and
// samples, says site A holds nothing, and that every site needs its own
// rotation.
func TestKeyRetireVerdictSiteInUse(t *testing.T) {
	r := usage.SitesReport{Key: "old", Sites: []usage.SiteReport{siteReport("site-a", true, idleA), siteReport("site-b", false, finOnSiteB)}}
	got := onlyDiag(t, keyRetireVerdict(r, false), diag.SeverityError, "Key In Use")
	want := `Key "old" was not deleted: deleting it would make what is sealed under it unreadable for good. ` +
		`It is in use on site site-b (1 of the 2 sites of the site-replication group; each site holds and seals its own copies, and a keyrotate job re-seals only the site it runs on).

On site site-b, 120 object versions (1200 bytes) in 1 bucket are sealed under it:
  - bucket "fin": 120 versions (1200 bytes), such as "f-0000" (version v1)

Nothing on site site-a uses it.

To retire the key: rotate those versions to another key on every site named (minio_batch_keyrotate, one per bucket, with encryption { type = "sse-kms", key = "NEW-KEY" }; ` +
		`a keyrotate job re-seals only the site it runs on), then destroy again. The check listed every version of every bucket the credentials can list on every site: ` +
		`3 buckets on site site-a (240 listing entries), 3 buckets on site site-b (240 listing entries).`
	if got != want {
		t.Errorf("detail:\n%s\n\nwant:\n%s", got, want)
	}

	// outside_replicas_checked never lets a deletion past a use found.
	if diags := keyRetireVerdict(r, true); !diags.HasError() {
		t.Errorf("outside_replicas_checked = true let a key in use on site B go: %v", diags)
	}
}

// TestKeyRetireVerdictSitesAndDefaults: several sites in use, one by a
// bucket default, one because the key is its KMS default key.
func TestKeyRetireVerdictSitesAndDefaults(t *testing.T) {
	byDefault := usage.Report{BucketsScanned: 1, VersionsSeen: 0, ServerDefault: true, Buckets: []usage.Bucket{{Name: "logs", DefaultNamesKey: true}}}
	r := usage.SitesReport{Key: "old", Sites: []usage.SiteReport{
		siteReport("site-a", true, idleA), siteReport("site-b", false, finOnSiteB), siteReport("site-c", false, byDefault),
	}}
	got := onlyDiag(t, keyRetireVerdict(r, false), diag.SeverityError, "Key In Use")
	for _, want := range []string{
		"It is in use on sites site-b and site-c (2 of the 3 sites of the site-replication group;",
		"On site site-c, 1 bucket names it as its default encryption; it is MinIO's KMS default key:\n" +
			"  - MinIO's KMS default key: SSE-S3 objects and MinIO's own encrypted configuration depend on it\n" +
			`  - bucket "logs": its default encryption names the key`,
		"Nothing on site site-a uses it.",
		"To retire the key: rotate those versions to another key on every site named",
		"then point those buckets' default encryption at another key with minio_bucket_encryption",
		"then point MinIO at another default key (MINIO_KMS_KES_KEY_NAME)",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("detail lacks %q:\n%s", want, got)
		}
	}
}

// TestKeyRetireVerdictOutsideTargets: nothing in the group uses the key,
// but site A replicates a bucket to a deployment outside it: refused,
// naming the target, until outside_replicas_checked says it was checked;
// then the deletion goes ahead with a warning naming it.
func TestKeyRetireVerdictOutsideTargets(t *testing.T) {
	r := usage.SitesReport{Key: "old", Sites: []usage.SiteReport{siteReport("site-a", true, idleA, drTarget), siteReport("site-b", false, idleA)}}
	got := onlyDiag(t, keyRetireVerdict(r, false), diag.SeverityError, "Key May Be In Use At Replication Targets")
	want := `Key "old" was not deleted: nothing on the 2 sites of the site-replication group uses it, but buckets are replicated to deployments outside the site-replication group. ` +
		`The replicas there are sealed by each target deployment's own KMS under the key's name, which no scan here can see; where that KMS is this KES, ` +
		`deleting the key makes them unreadable for good. The 1 bucket replication target outside the group:
  - https://dr.example.com:9000/ops-dr (replica of bucket "ops", ARN arn:minio:replication::dr:ops-dr), from site site-a

Check each of them for what is still sealed under the key (for instance with minio_kms_key_usage through a provider configured for that deployment) and rotate or retire it there. ` +
		`Once none of them needs the key, set outside_replicas_checked = true on this resource, apply, then destroy again. ` +
		`The check listed every version of every bucket the credentials can list on every site: 3 buckets on site site-a (240 listing entries), 3 buckets on site site-b (240 listing entries).`
	if got != want {
		t.Errorf("detail:\n%s\n\nwant:\n%s", got, want)
	}

	got = onlyDiag(t, keyRetireVerdict(r, true), diag.SeverityWarning, "Key Deleted Past Replication Targets")
	want = `Key "old" was deleted: nothing on the 2 sites of the site-replication group used it, and outside_replicas_checked = true says that these bucket replication targets were checked and no longer need it:
  - https://dr.example.com:9000/ops-dr (replica of bucket "ops", ARN arn:minio:replication::dr:ops-dr), from site site-a`
	if got != want {
		t.Errorf("warning:\n%s\n\nwant:\n%s", got, want)
	}

	// In use and replicated outside: one refusal saying both.
	r.Sites[1] = siteReport("site-b", false, finOnSiteB, drTarget)
	got = onlyDiag(t, keyRetireVerdict(r, false), diag.SeverityError, "Key In Use")
	for _, want := range []string{
		"It is in use on site site-b",
		"\n\nBuckets are replicated to deployments outside the site-replication group.",
		`(replica of bucket "ops", ARN arn:minio:replication::dr:ops-dr), from site site-a and site site-b`,
		"Once those are checked too, set outside_replicas_checked = true on this resource and apply before destroying again.",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("detail lacks %q:\n%s", want, got)
		}
	}
	got = onlyDiag(t, keyRetireVerdict(r, true), diag.SeverityError, "Key In Use")
	if !strings.HasSuffix(got, "\n\noutside_replicas_checked = true takes the 1 bucket replication target outside the group as checked; it never lets a destroy past a use found here.") {
		t.Errorf("detail with outside_replicas_checked:\n%s", got)
	}
}

// TestKeyRetireVerdictAlone: a deployment in no group keeps the message of
// a single deployment, and its every bucket replication target counts.
func TestKeyRetireVerdictAlone(t *testing.T) {
	r := usage.SitesReport{Key: "old", Sites: []usage.SiteReport{siteReport("", true, finOnSiteB)}}
	got := onlyDiag(t, keyRetireVerdict(r, false), diag.SeverityError, "Key In Use")
	if want := keyInUseDetail(r.Sites[0].Report); got != want {
		t.Errorf("detail:\n%s\n\nwant the single deployment's:\n%s", got, want)
	}
	if diags := keyRetireVerdict(usage.SitesReport{Key: "old", Sites: []usage.SiteReport{siteReport("", true, idleA)}}, false); len(diags) != 0 {
		t.Errorf("nothing used and no target: %v", diags)
	}
	r = usage.SitesReport{Key: "old", Sites: []usage.SiteReport{siteReport("", true, idleA, drTarget)}}
	got = onlyDiag(t, keyRetireVerdict(r, false), diag.SeverityError, "Key May Be In Use At Replication Targets")
	want := `Key "old" was not deleted: nothing in this deployment uses it, but buckets are replicated to other deployments (bucket replication targets). ` +
		`The replicas there are sealed by each target deployment's own KMS under the key's name, which no scan here can see; where that KMS is this KES, ` +
		`deleting the key makes them unreadable for good. The 1 bucket replication target:
  - https://dr.example.com:9000/ops-dr (replica of bucket "ops", ARN arn:minio:replication::dr:ops-dr)

Check each of them`
	if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "The check listed every version of the 3 buckets the credentials can list (240 listing entries).") {
		t.Errorf("detail:\n%s\n\nwant it to start:\n%s", got, want)
	}
}

// Acceptance tests on a site-replication group of two sites and a
// deployment outside it, all on one KES.

// sitesAcc is what the multi-site tests need: the package's shared stack
// of two sites and an outside deployment, started by the first test that
// asks (teststack.Shared) and removed by TestMain.
type sitesAcc struct {
	t          *testing.T
	a, b, out  *teststack.Stack
	sa, sb, so *minio.Client
}

func newSitesAcc(t *testing.T) *sitesAcc {
	t.Helper()
	s := teststack.Shared(t, "sites", teststack.Options{Sites: 2, Outside: true})
	x := &sitesAcc{t: t, a: s.Sites[0], b: s.Sites[1], out: s.Outside}
	var err error
	for _, c := range []struct {
		dst  **minio.Client
		site *teststack.Stack
	}{{&x.sa, x.a}, {&x.sb, x.b}, {&x.so, x.out}} {
		if *c.dst, err = c.site.S3(0); err != nil {
			t.Fatal(err)
		}
	}
	return x
}

// stopReplicationAtEnd removes the replication of bucket on the outside
// deployment when the test ends: the deployment is shared, and a target
// left behind would show in the next test's key usage and retirement.
func stopReplicationAtEnd(t *testing.T, out *teststack.Stack, bucket string) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := out.StopReplication(ctx, bucket); err != nil {
			t.Error(err)
		}
	})
}

func (x *sitesAcc) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	x.t.Cleanup(cancel)
	return ctx
}

// provider is a provider block for deployment d of the stack (its KES,
// credentials and CA), with site_endpoints for the group's sites unless
// d is the outside deployment, and with siteB instead of site B's address
// when not empty.
func (x *sitesAcc) provider(d *teststack.Stack, siteB string) string {
	var eps strings.Builder
	if d != x.out {
		m := x.a.SiteEndpoints()
		if siteB != "" {
			m[x.b.SiteName] = siteB
		}
		eps.WriteString("  site_endpoints = {\n")
		for _, name := range slices.Sorted(maps.Keys(m)) {
			fmt.Fprintf(&eps, "    %q = %q\n", name, m[name])
		}
		eps.WriteString("  }\n")
	}
	return fmt.Sprintf(`
provider "minio" {
  endpoint   = %q
  access_key = %q
  secret_key = %q
  use_ssl    = %v
  ca_file    = %q
%s  kes {
    endpoint = %q
    api_key  = %q
    ca_file  = %q
  }
}
`, d.MinIOEndpoint, d.AccessKey, d.SecretKey, d.MinIOTLS, d.CAFile, eps.String(), d.KESEndpoint, d.KESAdminAPIKey, d.CAFile)
}

// checkKESKey asks the stack's KES whether key exists.
func (x *sitesAcc) checkKESKey(name string, want bool) resource.TestCheckFunc {
	return kesKeyCheck(x.a, name, want)
}

// under counts the data versions of bucket under key, as c's site lists
// them.
func (x *sitesAcc) under(c *minio.Client, bucket, key string) int {
	x.t.Helper()
	n := 0
	err := scan.Walk(x.ctx(), c, bucket, "", func(v scan.Version) error {
		if !v.IsDeleteMarker && v.Encryption.Key == key {
			n++
		}
		return nil
	})
	if err != nil {
		x.t.Fatal(err)
	}
	return n
}

// expectUnder fails unless c's site holds want versions of bucket under
// each key, waiting up to a minute for replication to get there.
func (x *sitesAcc) expectUnder(site string, c *minio.Client, bucket string, want map[string]int) {
	x.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		got := map[string]int{}
		for k := range want {
			got[k] = x.under(c, bucket, k)
		}
		if fmt.Sprint(got) == fmt.Sprint(want) {
			return
		}
		if time.Now().After(deadline) {
			x.t.Fatalf("%s: bucket %s holds %v versions by key, want %v", site, bucket, got, want)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// rawRotate rotates bucket on one site to key with a keyrotate job
// started through madmin (not the provider), and waits for its end.
func (x *sitesAcc) rawRotate(site *teststack.Stack, bucket, key string) {
	x.t.Helper()
	adm, err := site.Admin()
	if err != nil {
		x.t.Fatal(err)
	}
	job := fmt.Sprintf("keyrotate:\n  apiVersion: v1\n  bucket: %s\n  encryption:\n    type: sse-kms\n    key: %s\n", bucket, key)
	res, err := adm.StartBatchJob(x.ctx(), job)
	if err != nil {
		x.t.Fatalf("starting a keyrotate job on %s: %v", site.SiteName, err)
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		p, err := batchjob.Fetch(x.ctx(), adm, res.ID)
		switch {
		case err == nil && p.Status == batchjob.StatusComplete:
			x.t.Logf("keyrotate job %s on %s: %d objects rotated", res.ID, site.SiteName, p.Objects)
			return
		case err == nil && (p.Status == batchjob.StatusFailed || p.Status == batchjob.StatusCanceled):
			x.t.Fatalf("keyrotate job %s on %s ended %s: %+v", res.ID, site.SiteName, p.Status, p)
		case err != nil && !errors.Is(err, batchjob.ErrNoSuchJob):
			x.t.Fatalf("following keyrotate job %s on %s: %v", res.ID, site.SiteName, err)
		}
		if time.Now().After(deadline) {
			x.t.Fatalf("keyrotate job %s on %s did not complete: %+v %v", res.ID, site.SiteName, p, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func usageSite(name, endpoint string, versions, bytes int64, buckets []knownvalue.Check, serverDefault bool) knownvalue.Check {
	return knownvalue.ObjectPartial(map[string]knownvalue.Check{
		"name": knownvalue.StringExact(name), "endpoint": knownvalue.StringExact(endpoint),
		"versions": knownvalue.Int64Exact(versions), "bytes": knownvalue.Int64Exact(bytes),
		"buckets": knownvalue.ListExact(buckets), "server_default": knownvalue.Bool(serverDefault),
		"in_use":          knownvalue.Bool(versions > 0 || len(buckets) > 0 || serverDefault),
		"buckets_scanned": knownvalue.Int64Func(func(v int64) error { return positive(v) }),
	})
}

func positive(v int64) error {
	if v < 1 {
		return fmt.Errorf("%d, want at least 1", v)
	}
	return nil
}

// TestAccKESKey_retireSites: two sites on one KES; a versioned bucket of
// 20 objects x 2 versions under key old, written on site A and replicated
// to site B. A raw keyrotate job on site A alone re-seals site A's copies
// only, so site B still holds all 40 under old. minio_kms_key_usage
// reports both sites apart (site B: 40 versions; site A: none), and
// MinIO's default key as the default of both. Destroying old with
// allow_destroy = true is refused, naming site B and its count; with site
// B unreachable the destroy is refused too, naming site B. Once site B is
// rotated too (another raw job) the destroy deletes the key from KES.
func TestAccKESKey_retireSites(t *testing.T) {
	x := newSitesAcc(t)
	old, target := randomName("tf-old-"), x.a.NewKey(t)
	bucket := x.a.NewBucket(t)
	names := inventory.Names("o-", 20)
	const size = 16
	withKey := x.provider(x.a, "") + kesKeyConfig(old, "allow_destroy = true")

	refused := regexp.MustCompile(`(?s)Error: Key In Use.*` +
		says(fmt.Sprintf(`Key %q was not deleted: deleting it would make what is sealed under it unreadable for good. `+
			`It is in use on site site-b (1 of the 2 sites of the site-replication group;`, old)) +
		`.*` + says(`On site site-b, 40 object versions (640 bytes) in 1 bucket are sealed under it:`) +
		`.*` + says(fmt.Sprintf(`- bucket %q: 40 versions (640 bytes), such as "o-0000" (version`, bucket)) +
		`.*` + says(`Nothing on site site-a uses it.`) +
		`.*` + says(`To retire the key: rotate those versions to another key on every site named`))

	noTargets := knownvalue.ListSizeExact(0)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             x.checkKESKey(old, false),
		Steps: []resource.TestStep{
			{Config: withKey, Check: x.checkKESKey(old, true)},
			{
				// Written on A, replicated to B; then A alone rotated.
				PreConfig: func() {
					ctx := x.ctx()
					for v := range 2 {
						if err := inventory.Put(ctx, x.sa, inventory.Seed{Bucket: bucket, Names: names, KMSKey: old, Size: size}); err != nil {
							t.Fatalf("version %d: %v", v, err)
						}
					}
					x.expectUnder("site A", x.sa, bucket, map[string]int{old: 40})
					x.expectUnder("site B", x.sb, bucket, map[string]int{old: 40})
					x.rawRotate(x.a, bucket, target)
					x.expectUnder("site A", x.sa, bucket, map[string]int{old: 0, target: 40})
					x.expectUnder("site B", x.sb, bucket, map[string]int{old: 40, target: 0})
				},
				Config: withKey + usageConfig("old", old, "") + usageConfig("minio", x.a.DefaultKey, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					usageValue("old", "sites", knownvalue.ListExact([]knownvalue.Check{
						usageSite("site-a", x.a.PeerURL, 0, 0, []knownvalue.Check{}, false),
						usageSite("site-b", x.b.PeerURL, 40, 640, []knownvalue.Check{usageBucket(bucket, 40, 640, false)}, false),
					})),
					usageValue("old", "versions", knownvalue.Int64Exact(40)),
					usageValue("old", "bytes", knownvalue.Int64Exact(640)),
					usageValue("old", "buckets", knownvalue.ListExact([]knownvalue.Check{usageBucket(bucket, 40, 640, false)})),
					usageValue("old", "in_use", knownvalue.Bool(true)),
					usageValue("old", "minio_default_key", knownvalue.Bool(false)),
					// Site replication's own targets are not outside ones.
					usageValue("old", "outside_targets", noTargets),
					usageValue("minio", "minio_default_key", knownvalue.Bool(true)),
					usageValue("minio", "in_use", knownvalue.Bool(true)),
					usageValue("minio", "sites", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("site-a"), "server_default": knownvalue.Bool(true)}),
						knownvalue.ObjectPartial(map[string]knownvalue.Check{"name": knownvalue.StringExact("site-b"), "server_default": knownvalue.Bool(true)}),
					})),
				},
			},
			{Config: x.provider(x.a, "") + noResources, ExpectError: refused},
			{
				// The refused destroy left the key in KES and in state.
				Config: withKey,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: x.checkKESKey(old, true),
			},
			{
				// Site B out of reach: never deleted on doubt.
				Config: x.provider(x.a, teststack.ClosedAddr(t)) + noResources,
				ExpectError: regexp.MustCompile(`(?s)Error: Cannot Reach MinIO.*` +
					says(fmt.Sprintf(`Key %q was not deleted: the check of what still uses it did not finish on site site-b, and the provider does not delete a key it could not check.`, old)) +
					`.*site_endpoints\["site-b"\]`),
			},
			{
				PreConfig: func() {
					x.rawRotate(x.b, bucket, target)
					x.expectUnder("site B", x.sb, bucket, map[string]int{old: 0, target: 40})
				},
				Config: x.provider(x.a, "") + noResources,
				Check:  x.checkKESKey(old, false),
			},
		},
	})
}

// TestAccKESKey_retireOutsideTarget: a deployment in no group replicates a
// bucket to another deployment (site A of the group, through ordinary
// bucket replication). Nothing on it uses the key, but the copies at the
// target are sealed there, out of its sight: minio_kms_key_usage names
// the target, and the destroy is refused, naming it, until
// outside_replicas_checked = true says it was checked; then the key goes.
//
// The source is the outside deployment because the pinned MinIO refuses
// a new remote target on a site of a group (XMinioAdminRemoteTargetDenyAdd,
// see teststack.ReplicateBucket): a site only has outside targets that
// existed before it joined, which the unit tests cover.
func TestAccKESKey_retireOutsideTarget(t *testing.T) {
	x := newSitesAcc(t)
	name := randomName("tf-outside-")
	bucket := x.out.NewBucket(t)
	if err := x.so.EnableVersioning(x.ctx(), bucket); err != nil {
		t.Fatal(err)
	}
	if err := x.out.ReplicateBucket(x.ctx(), bucket, x.a); err != nil {
		t.Fatal(err)
	}
	stopReplicationAtEnd(t, x.out, bucket)
	target := strings.TrimSuffix(x.a.PeerURL, "/") + "/" + bucket
	scheme := "http://"
	if x.out.MinIOTLS {
		scheme = "https://"
	}
	p := x.provider(x.out, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             x.checkKESKey(name, false),
		Steps: []resource.TestStep{
			{
				Config: p + kesKeyConfig(name, "allow_destroy = true") + usageConfig("k", name, "depends_on = [minio_kes_key.test]"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(kesKeyAddr, tfjsonpath.New("outside_replicas_checked"), knownvalue.Bool(false)),
					usageValue("k", "in_use", knownvalue.Bool(false)),
					usageValue("k", "sites", knownvalue.ListExact([]knownvalue.Check{
						usageSite("", scheme+x.out.MinIOEndpoint, 0, 0, []knownvalue.Check{}, false),
					})),
					usageValue("k", "outside_targets", knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
						"bucket": knownvalue.StringExact(bucket), "target_bucket": knownvalue.StringExact(bucket),
						"endpoint":    knownvalue.StringExact(strings.TrimSuffix(x.a.PeerURL, "/")),
						"arn":         knownvalue.StringRegexp(regexp.MustCompile(`^arn:minio:replication:`)),
						"sites":       knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("")}),
						"description": knownvalue.StringRegexp(regexp.MustCompile(`^` + regexp.QuoteMeta(target+` (replica of bucket "`+bucket+`", ARN arn:minio:replication:`))),
					})})),
				},
				Check: x.checkKESKey(name, true),
			},
			{
				Config: p + noResources,
				ExpectError: regexp.MustCompile(`(?s)Error: Key May Be In Use At Replication Targets.*` +
					says(fmt.Sprintf(`Key %q was not deleted: nothing in this deployment uses it, but buckets are replicated to other deployments (bucket replication targets).`, name)) +
					`.*` + says(fmt.Sprintf(`- %s (replica of bucket %q, ARN arn:minio:replication:`, target, bucket)) +
					`.*` + says(`set outside_replicas_checked = true on this resource, apply, then destroy again.`)),
			},
			{
				Config: p + kesKeyConfig(name, "allow_destroy = true\n  outside_replicas_checked = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(kesKeyAddr, plancheck.ResourceActionUpdate)},
				},
				Check: x.checkKESKey(name, true),
			},
			{Config: p + noResources, Check: x.checkKESKey(name, false)},
		},
	})
}

// TestKeyUsageFailureSiteSteps: the steps ScanSites adds to a scan's own
// are worded as before: the KMS default key with its permission, the
// replication targets as what the check was doing.
func TestKeyUsageFailureSiteSteps(t *testing.T) {
	boom := errors.New("boom")
	var diags diag.Diagnostics
	(&clients{}).keyUsageFailure("k", usage.Report{Key: "k"}, &usage.Error{Doing: usage.DoingDefaultKey, Err: boom}, "NOT DONE on site site-b.", "", &diags)
	want := "NOT DONE on site site-b. Before anything else the check asks MinIO which key is its KMS default key (the one SSE-S3 objects depend on), " +
		"and that failed. Check that the credentials may read MinIO's KMS status (kms:Status).\n\nboom"
	if d := onlyDiag(t, diags, diag.SeverityError, "Cannot Check Key Usage"); d != want {
		t.Errorf("detail:\n%s\n\nwant:\n%s", d, want)
	}
	diags = nil
	(&clients{}).keyUsageFailure("k", usage.Report{Key: "k"}, &usage.Error{Doing: usage.DoingTargets, Err: boom}, "NOT DONE.", "", &diags)
	if d := onlyDiag(t, diags, diag.SeverityError, "Cannot Check Key Usage"); d != "NOT DONE. The check failed while listing the bucket replication targets.\n\nlisting the bucket replication targets: boom" {
		t.Errorf("detail:\n%s", d)
	}
}
