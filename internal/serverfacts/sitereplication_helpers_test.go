package serverfacts

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// setupSites returns fixtures for site A and site B of the package's
// two-site stack (both on one KES), which the first site-replication fact
// starts and the package's TestMain removes. Every fact works in buckets
// and keys of its own.
func setupSites(t *testing.T) (a, b *fixture) {
	t.Helper()
	s := teststack.Shared(t, "two-sites", teststack.Options{Sites: 2})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	on := func(site *teststack.Stack) *fixture {
		admin, err := site.Admin()
		if err != nil {
			t.Fatal(err)
		}
		s3, err := site.S3(0)
		if err != nil {
			t.Fatal(err)
		}
		return &fixture{t: t, ctx: ctx, stack: site, admin: admin, s3: s3}
	}
	return on(s.Sites[0]), on(s.Sites[1])
}

// siteVersion is one version or delete marker as a site lists it.
type siteVersion struct {
	Name     string
	Marker   bool
	Key      string // KMS key name; "" for a delete marker
	Status   string // X-Amz-Replication-Status
	Tags     map[string]string
	Modified time.Time
}

// siteVersions lists every version and delete marker of bucket on f's
// site, by version ID.
func (f *fixture) siteVersions(bucket string) map[string]siteVersion {
	f.t.Helper()
	out := map[string]siteVersion{}
	for _, o := range f.versions(bucket) {
		v := siteVersion{Name: o.Key, Marker: o.IsDeleteMarker, Key: listedKey(o), Status: o.ReplicationStatus, Tags: o.UserTags, Modified: o.LastModified}
		for k, val := range o.UserMetadata {
			if strings.EqualFold(k, "X-Amz-Replication-Status") {
				v.Status = val
			}
		}
		out[o.VersionID] = v
	}
	return out
}

// tally counts versions by what the facts are about, with KMS key names
// written as their labels: "old COMPLETED", "new REPLICA tagged", "no key
// REPLICA" (a data version under no KMS key), "marker" and so on.
func tally(vs map[string]siteVersion, labels map[string]string) map[string]int {
	n := map[string]int{}
	for _, v := range vs {
		what := "marker"
		if !v.Marker {
			switch what = labels[v.Key]; {
			case v.Key == "":
				what = "no key"
			case what == "":
				what = "key " + v.Key
			}
			what += " " + v.Status
		}
		if len(v.Tags) > 0 {
			what += " tagged"
		}
		n[what]++
	}
	return n
}

// seedVersions writes versions versions of each object of names on f's
// site, under key, the bodies telling them apart, and returns each
// object's version IDs, oldest first.
func (f *fixture) seedVersions(bucket, key string, names []string, versions int, opts minio.PutObjectOptions) map[string][]string {
	f.t.Helper()
	ids := map[string][]string{}
	for _, n := range names {
		for v := range versions {
			ids[n] = append(ids[n], f.putKMS(bucket, n, key, []byte(fmt.Sprintf("%s version %d", n, v)), opts).VersionID)
		}
	}
	return ids
}

// replicationWait bounds every wait for replication between the sites.
const replicationWait = 60 * time.Second

// converge polls check every 250 ms until it reports done, for up to
// replicationWait, and fails the test with what check saw last.
func (f *fixture) converge(what string, check func() (done bool, seen string)) {
	f.t.Helper()
	began := time.Now()
	for {
		done, seen := check()
		if done {
			f.t.Logf("%s after %s: %s", what, time.Since(began).Round(10*time.Millisecond), seen)
			return
		}
		if time.Since(began) > replicationWait {
			f.t.Fatalf("%s: not within %s; last seen: %s", what, replicationWait, seen)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// waitReplicated waits until site b lists exactly the versions and delete
// markers that f's site lists in bucket, and f's site reports every data
// version it wrote as COMPLETED. It returns both listings.
func (f *fixture) waitReplicated(b *fixture, bucket string) (onA, onB map[string]siteVersion) {
	f.t.Helper()
	f.converge("site B holds every version of site A", func() (bool, string) {
		onA, onB = f.siteVersions(bucket), b.siteVersions(bucket)
		ids := slices.Sorted(maps.Keys(onA))
		done := slices.Equal(ids, slices.Sorted(maps.Keys(onB)))
		for _, v := range onA {
			done = done && (v.Marker || v.Status == "COMPLETED")
		}
		return done, fmt.Sprintf("site A %v, site B %v", tally(onA, nil), tally(onB, nil))
	})
	return onA, onB
}

// version reads the bytes of one version of an object.
func (f *fixture) version(bucket, name, versionID string) []byte {
	f.t.Helper()
	obj, err := f.s3.GetObject(f.ctx, bucket, name, minio.GetObjectOptions{VersionID: versionID})
	if err == nil {
		defer obj.Close()
		var body []byte
		if body, err = io.ReadAll(obj); err == nil {
			return body
		}
	}
	f.t.Fatalf("GET %s/%s %s: %v", bucket, name, versionID, err)
	return nil
}
