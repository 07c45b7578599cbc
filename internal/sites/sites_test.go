package sites

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/minio/madmin-go/v3"
)

type fakeAdmin struct {
	info    madmin.SiteReplicationInfo
	infoErr error
	id      string
	targets []madmin.BucketTarget
}

func (f fakeAdmin) SiteReplicationInfo(context.Context) (madmin.SiteReplicationInfo, error) {
	return f.info, f.infoErr
}

func (f fakeAdmin) ServerInfo(context.Context, ...func(*madmin.ServerInfoOpts)) (madmin.InfoMessage, error) {
	return madmin.InfoMessage{DeploymentID: f.id}, nil
}

func (f fakeAdmin) ListRemoteTargets(_ context.Context, bucket, _ string) ([]madmin.BucketTarget, error) {
	var out []madmin.BucketTarget
	for _, t := range f.targets {
		if bucket == "" || t.SourceBucket == bucket {
			out = append(out, t)
		}
	}
	return out, nil
}

func twoSites(local string) fakeAdmin {
	return fakeAdmin{id: local, info: madmin.SiteReplicationInfo{Enabled: true, Name: "g", Sites: []madmin.PeerInfo{
		{Name: "site-b", DeploymentID: "id-b", Endpoint: "http://minio-b:9000"},
		{Name: "site-a", DeploymentID: "id-a", Endpoint: "http://minio-a:9000"},
	}}}
}

func TestDiscoverAlone(t *testing.T) {
	g, err := Discover(context.Background(), fakeAdmin{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if g.Replicated || len(g.Sites) != 1 || !g.Local().Local || g.Local().Label() != "this deployment" {
		t.Fatalf("a deployment outside any group: got %+v", g)
	}
}

func TestDiscoverOrdersLocalFirstAndAppliesOverrides(t *testing.T) {
	g, err := Discover(context.Background(), twoSites("id-b"), map[string]string{"site-a": "127.0.0.1:9100", "site-b": "127.0.0.1:9200"})
	if err != nil {
		t.Fatal(err)
	}
	if !g.Replicated || len(g.Sites) != 2 {
		t.Fatalf("got %+v", g)
	}
	local, peer := g.Sites[0], g.Sites[1]
	if local.Name != "site-b" || !local.Local || local.Dial != "" {
		t.Errorf("the local site must come first and be dialled at the provider's endpoint: %+v", local)
	}
	if peer.Name != "site-a" || peer.Dial != "127.0.0.1:9100" || !peer.Overridden || peer.Endpoint != "http://minio-a:9000" {
		t.Errorf("the peer must be dialled at its override: %+v", peer)
	}
	if g.Names() != "site-b, site-a" {
		t.Errorf("Names: %q", g.Names())
	}
}

func TestDiscoverPeerWithoutOverrideDialsItsEndpoint(t *testing.T) {
	g, err := Discover(context.Background(), twoSites("id-a"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := g.Sites[1]; p.Dial != "http://minio-b:9000" || p.Overridden {
		t.Errorf("got %+v", p)
	}
}

func TestDiscoverRefusesAnOverrideForNoSite(t *testing.T) {
	_, err := Discover(context.Background(), twoSites("id-a"), map[string]string{"site-c": "x:1"})
	var unknown *UnknownSiteError
	if !errors.As(err, &unknown) || !strings.Contains(err.Error(), `"site-c"`) || !strings.Contains(err.Error(), "site-a, site-b") {
		t.Fatalf("got %v", err)
	}
	_, err = Discover(context.Background(), fakeAdmin{}, map[string]string{"site-b": "x:1"})
	if !errors.As(err, &unknown) || !strings.Contains(err.Error(), "no site-replication group") {
		t.Fatalf("alone: got %v", err)
	}
}

func TestDiscoverRefusesAGroupWithoutItself(t *testing.T) {
	if _, err := Discover(context.Background(), twoSites("id-z"), nil); err == nil || !strings.Contains(err.Error(), "id-z") {
		t.Fatalf("got %v", err)
	}
}

func TestDiscoverPassesErrorsOn(t *testing.T) {
	boom := errors.New("boom")
	if _, err := Discover(context.Background(), fakeAdmin{infoErr: boom}, nil); !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
}

func TestOutsideTargetsLeavesTheGroupsOwnOut(t *testing.T) {
	f := twoSites("id-a")
	f.targets = []madmin.BucketTarget{
		{SourceBucket: "fin", Endpoint: "minio-b:9000", TargetBucket: "fin", Arn: "arn:b", DeploymentID: "id-b"},
		{SourceBucket: "fin", Endpoint: "minio-b:9000", TargetBucket: "fin", Arn: "arn:b2"},
		{SourceBucket: "fin", Endpoint: "dr.example.com:9000", TargetBucket: "fin-dr", Arn: "arn:dr", Secure: true, DeploymentID: "id-dr"},
		{SourceBucket: "ops", Endpoint: "backup:9000", TargetBucket: "ops", Arn: "arn:ops"},
	}
	g, err := Discover(context.Background(), f, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := OutsideTargets(context.Background(), f, g, "fin")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].String() != `https://dr.example.com:9000/fin-dr (replica of bucket "fin", ARN arn:dr)` {
		t.Fatalf("got %v", got)
	}
	all, _ := OutsideTargets(context.Background(), f, g, "")
	if len(all) != 2 || all[1].Bucket != "ops" {
		t.Fatalf("every bucket: got %v", all)
	}
}
