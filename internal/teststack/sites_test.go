package teststack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"
)

// TestSplitLinksDeployments checks, without servers, how a stack of three
// sites and an outside deployment is laid out: the stack Start returns is
// site A, every site knows the group and the outside deployment, and Env
// names every deployment's endpoint.
func TestSplitLinksDeployments(t *testing.T) {
	o := Options{Sites: 3, Outside: true}
	s := &Stack{ID: "tpmx", Nodes: 1, AccessKey: "root"}
	ds := s.split(o, o.deployments())
	for i, d := range ds {
		d.MinIOEndpoint = "127.0.0.1:" + string(rune('1'+i))
	}
	if len(ds) != 4 || ds[0] != s || len(s.Sites) != 3 || s.Sites[0] != s || s.Outside != ds[3] {
		t.Fatalf("deployments %d, sites %d, site A is the stack: %v, outside is the last: %v", len(ds), len(s.Sites), s.Sites[0] == s, s.Outside == ds[3])
	}
	var names, hosts []string
	for _, d := range ds {
		names = append(names, d.SiteName)
		hosts = append(hosts, d.hosts...)
		if d.AccessKey != "root" || d.Nodes != 1 || d.member != (d != s) {
			t.Errorf("%s: credentials %q, %d nodes, member %v", d.hosts[0], d.AccessKey, d.Nodes, d.member)
		}
	}
	if d := cmp.Diff([]string{"site-a", "site-b", "site-c", ""}, names); d != "" {
		t.Errorf("site names (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"tpmx-site-a-minio1", "tpmx-site-b-minio1", "tpmx-site-c-minio1", "tpmx-outside-minio1"}, hosts); d != "" {
		t.Errorf("node hosts (-want +got):\n%s", d)
	}
	for _, site := range s.Sites {
		if len(site.Sites) != 3 || site.Sites[2] != s.Sites[2] || site.Outside != s.Outside {
			t.Errorf("%s does not lead to the group and the outside deployment", site.SiteName)
		}
	}
	if s.Outside.Sites != nil || s.Outside.Outside != nil {
		t.Error("the outside deployment leads to the group")
	}
	wantSites := map[string]string{"site-a": "127.0.0.1:1", "site-b": "127.0.0.1:2", "site-c": "127.0.0.1:3"}
	if d := cmp.Diff(wantSites, s.Sites[1].SiteEndpoints()); d != "" {
		t.Errorf("SiteEndpoints (-want +got):\n%s", d)
	}
	env := s.Env()
	for k, v := range map[string]string{
		"MINIO_ENDPOINT":         "127.0.0.1:1",
		"MINIO_SITE_A_ENDPOINT":  "127.0.0.1:1",
		"MINIO_SITE_B_ENDPOINT":  "127.0.0.1:2",
		"MINIO_SITE_C_ENDPOINT":  "127.0.0.1:3",
		"MINIO_SITE_ENDPOINTS":   "site-a=127.0.0.1:1,site-b=127.0.0.1:2,site-c=127.0.0.1:3",
		"MINIO_OUTSIDE_ENDPOINT": "127.0.0.1:4",
	} {
		if env[k] != v {
			t.Errorf("Env %s=%q, want %q", k, env[k], v)
		}
	}
	if plain := (&Stack{MinIOEndpoint: "127.0.0.1:1"}).Env(); len(plain) != 8 || plain["MINIO_SITE_ENDPOINTS"] != "" {
		t.Errorf("a stack without sites has env %v", plain)
	}
}

func TestStartRefusesBadSites(t *testing.T) {
	for _, o := range []Options{{Sites: 1}, {Sites: -1}, {Sites: 27}, {Sites: 2, Topology: Distributed}} {
		s, err := Start(context.Background(), o)
		if err == nil {
			s.Close()
			t.Errorf("Start with %d sites, topology %d: no error", o.Sites, o.Topology)
		} else if !strings.Contains(err.Error(), "sites") {
			t.Errorf("Start with %d sites, topology %d: %v", o.Sites, o.Topology, err)
		}
	}
}

// waitFor polls check for up to a minute.
func waitFor(t *testing.T, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// readVersion reads one version of an object: its bytes and KMS key id.
func readVersion(ctx context.Context, c *minio.Client, bucket, object, versionID string) ([]byte, string, error) {
	obj, err := c.GetObject(ctx, bucket, object, minio.GetObjectOptions{VersionID: versionID})
	if err != nil {
		return nil, "", err
	}
	defer obj.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(obj); err != nil {
		return nil, "", err
	}
	info, err := obj.Stat()
	if err != nil {
		return nil, "", err
	}
	return buf.Bytes(), info.Metadata.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"), nil
}

// TestSitesAndOutside starts two sites and an outside deployment on one
// KES: both sites report the group enabled at their PeerURLs, a versioned
// bucket and an SSE-KMS object made on site A appear on site B, the
// outside deployment is in no group and MinIO refuses bucket replication
// from a site to it. Site B is then stopped and started again through its
// own Stack, site A serving meanwhile, and replication resumes; Close
// removes every server.
func TestSitesAndOutside(t *testing.T) {
	pkg := Live(t)
	ctx := testContext(t)
	s, err := Start(ctx, Options{Sites: 2, Outside: true, Backend: pkg.Backend, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	a, b := s.Sites[0], s.Sites[1]
	if a != s || b.SiteName != "site-b" || s.Outside == nil {
		t.Fatalf("Start returned %s (want site A), sites %q and %q, outside %v", s.SiteName, a.SiteName, b.SiteName, s.Outside)
	}
	for _, d := range []*Stack{a, b, s.Outside} {
		if !strings.HasPrefix(d.MinIOEndpoint, "127.0.0.1:") || d.KESEndpoint != s.KESEndpoint || d.CAFile != s.CAFile || d.SecretKey != s.SecretKey {
			t.Fatalf("deployment %q: endpoint %s, KES %s, CA %s; want 127.0.0.1 and the shared KES, CA and credentials", d.SiteName, d.MinIOEndpoint, d.KESEndpoint, d.CAFile)
		}
	}
	if d := cmp.Diff(map[string]string{"site-a": a.MinIOEndpoint, "site-b": b.MinIOEndpoint}, s.SiteEndpoints()); d != "" {
		t.Fatalf("SiteEndpoints (-want +got):\n%s", d)
	}

	// Every site reports the group, at the endpoints the backend documents.
	for _, site := range s.Sites {
		adm, err := site.Admin()
		if err != nil {
			t.Fatal(err)
		}
		info, err := adm.SiteReplicationInfo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, p := range info.Sites {
			got[p.Name] = p.Endpoint
		}
		want := map[string]string{"site-a": "http://" + a.MinIOEndpoint, "site-b": "http://" + b.MinIOEndpoint}
		if s.Backend == BackendDocker {
			want = map[string]string{"site-a": "http://" + a.hosts[0] + ":9000", "site-b": "http://" + b.hosts[0] + ":9000"}
		}
		if !info.Enabled || !cmp.Equal(got, want) {
			t.Fatalf("%s reports site replication enabled=%v with %v, want enabled with %v", site.SiteName, info.Enabled, got, want)
		}
	}
	outAdm, err := s.Outside.Admin()
	if err != nil {
		t.Fatal(err)
	}
	if info, err := outAdm.SiteReplicationInfo(ctx); err != nil || info.Enabled || len(info.Sites) > 0 {
		t.Fatalf("the outside deployment reports site replication %+v (%v), want none", info, err)
	}

	// A versioned bucket and an SSE-KMS object made on A reach B.
	ca, err := a.S3(0)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := b.S3(0)
	if err != nil {
		t.Fatal(err)
	}
	key := a.NewKey(t)
	bucket := makeBucket(ctx, t, ca)
	if err := ca.EnableVersioning(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "bucket "+bucket+" versioned on site B", func() error {
		v, err := cb.GetBucketVersioning(ctx, bucket)
		if err == nil && !v.Enabled() {
			err = fmt.Errorf("versioning %q", v.Status)
		}
		return err
	})
	replicated := func(object string, want []byte) {
		t.Helper()
		waitFor(t, object+" on site B", func() error {
			got, keyID, err := readVersion(ctx, cb, bucket, object, "")
			if err == nil && (!bytes.Equal(got, want) || keyID != "arn:aws:kms:"+key) {
				err = fmt.Errorf("%d bytes (equal: %v) under %q", len(got), bytes.Equal(got, want), keyID)
			}
			return err
		})
	}
	before := putKMSObject(ctx, t, ca, bucket, "before", key)
	replicated("before", before)

	// Bucket replication from a site is refused by the server.
	err = a.ReplicateBucket(ctx, bucket, s.Outside)
	var refusal madmin.ErrorResponse
	if !errors.As(err, &refusal) || refusal.Code != "XMinioAdminRemoteTargetDenyAdd" {
		t.Fatalf("bucket replication from site A to the outside deployment: %v; want MinIO's refusal XMinioAdminRemoteTargetDenyAdd", err)
	}

	// Site B's own Stack stops and starts site B's server; closing it
	// does nothing.
	if err := b.Close(); err != nil || healthy(ctx, b) != nil {
		t.Fatalf("Close on site B: %v; site B answers: %v", err, healthy(ctx, b))
	}
	if err := b.StopNode(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if err := healthy(ctx, b); err == nil {
		t.Fatal("site B still answers after StopNode on its Stack")
	}
	if err := healthy(ctx, a); err != nil {
		t.Fatalf("site A with site B stopped: %v", err)
	}
	if err := b.StartNode(ctx, 0); err != nil {
		t.Fatal(err)
	}
	replicated("before", before)
	replicated("after", putKMSObject(ctx, t, ca, bucket, "after", key))

	pids := serverPIDs(t, s)
	if s.Backend == BackendDocker {
		if n := len(stackContainers(t, s.ID)); n != 4 {
			t.Fatalf("%d containers for KES and three deployments, want 4", n)
		}
	} else if len(pids) != 4 {
		t.Fatalf("%d server processes for KES and three deployments, want 4", len(pids))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if left := leftovers(t, s, pids); len(left) > 0 {
		t.Fatalf("Close left %v running", left)
	}
}

// TestReplicateBucketToOutside sets up bucket replication from a stack
// without sites to its outside deployment: an SSE-KMS object written
// afterwards is read back there, under the same key (both deployments
// use the one KES), with the replication statuses COMPLETED and REPLICA,
// and the probe ReplicateBucket used is gone from both buckets.
func TestReplicateBucketToOutside(t *testing.T) {
	pkg := Live(t)
	ctx := testContext(t)
	s, err := Start(ctx, Options{Outside: true, Backend: pkg.Backend, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if len(s.Sites) != 0 || s.SiteEndpoints() != nil || s.Outside == nil {
		t.Fatalf("a stack with only an outside deployment has %d sites, site endpoints %v, outside %v", len(s.Sites), s.SiteEndpoints(), s.Outside)
	}
	src, err := s.S3(0)
	if err != nil {
		t.Fatal(err)
	}
	dst, err := s.Outside.S3(0)
	if err != nil {
		t.Fatal(err)
	}
	key := s.NewKey(t)
	bucket := makeBucket(ctx, t, src)
	if err := src.EnableVersioning(ctx, bucket); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplicateBucket(ctx, bucket, s.Outside); err != nil {
		t.Fatal(err)
	}
	want := putKMSObject(ctx, t, src, bucket, "replicated", key)
	status := func(c *minio.Client) string {
		info, err := c.StatObject(ctx, bucket, "replicated", minio.StatObjectOptions{})
		if err != nil {
			return err.Error()
		}
		return info.ReplicationStatus
	}
	waitFor(t, "replicated on the outside deployment", func() error {
		got, keyID, err := readVersion(ctx, dst, bucket, "replicated", "")
		if err == nil && (!bytes.Equal(got, want) || keyID != "arn:aws:kms:"+key) {
			err = fmt.Errorf("%d bytes (equal: %v) under %q", len(got), bytes.Equal(got, want), keyID)
		}
		if err == nil && (status(src) != "COMPLETED" || status(dst) != "REPLICA") {
			err = fmt.Errorf("replication status %s on the source, %s on the target", status(src), status(dst))
		}
		return err
	})
	for what, c := range map[string]*minio.Client{"source": src, "target": dst} {
		var names []string
		for o := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true, WithVersions: true}) {
			if o.Err != nil {
				t.Fatal(o.Err)
			}
			names = append(names, o.Key)
		}
		if !cmp.Equal(names, []string{"replicated"}) {
			t.Errorf("the %s bucket holds versions of %v, want only of replicated", what, names)
		}
	}
}

// healthy asks a deployment once whether it is live.
func healthy(ctx context.Context, s *Stack) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.MinIOURL()+"/minio/health/live", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("health answered %s", resp.Status)
	}
	return nil
}
