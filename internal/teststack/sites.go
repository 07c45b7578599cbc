package teststack

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/minio/madmin-go/v3"
)

// outside is the name of the deployment in no group (Options.Outside).
const outside = "outside"

// maxSites keeps site names to one letter each: site-a to site-z.
const maxSites = 26

func siteName(i int) string { return "site-" + string(rune('a'+i)) }

func (o Options) validate() error {
	switch {
	case o.Sites < 0 || o.Sites == 1 || o.Sites > maxSites:
		return fmt.Errorf("teststack: %d sites: a site-replication group has 2 to %d sites (0 for none)", o.Sites, maxSites)
	case o.Sites > 0 && o.Topology != SingleNode:
		return errors.New("teststack: sites are single-node deployments; a distributed topology cannot have sites")
	}
	return nil
}

// deployments names the stack's MinIO deployments, the one Start returns
// first: the sites, or "" for a stack without sites, then the outside one.
func (o Options) deployments() []string {
	names := []string{""}
	if o.Sites > 0 {
		names = names[:0]
		for i := range o.Sites {
			names = append(names, siteName(i))
		}
	}
	if o.Outside {
		names = append(names, outside)
	}
	return names
}

// nodes is how many nodes deployment name has: only a stack's sole
// deployment follows the topology.
func (o Options) nodes(name string) int {
	if name == "" {
		return o.Topology.nodes()
	}
	return 1
}

// split makes s the first of the deployments named names and the others
// Stacks sharing its KES, credentials, CA, backend and files, and links
// them through Sites and Outside. It returns them all, s first.
func (s *Stack) split(o Options, names []string) []*Stack {
	ds := []*Stack{s}
	for _, name := range names[1:] {
		c := *s
		c.Nodes, c.member = o.nodes(name), true
		ds = append(ds, &c)
	}
	for i, d := range ds {
		d.hosts = nodeHosts(s.ID, names[i], d.Nodes)
		switch names[i] {
		case "":
		case outside:
			s.Outside = d
		default:
			d.SiteName = names[i]
			s.Sites = append(s.Sites, d)
		}
	}
	for _, site := range s.Sites {
		site.Sites, site.Outside = s.Sites, s.Outside
	}
	return ds
}

// joinSites joins the sites with site replication, asking site A, and
// waits until every site reports the whole group enabled.
func (s *Stack) joinSites(ctx context.Context) error {
	peers := make([]madmin.PeerSite, len(s.Sites))
	for i, site := range s.Sites {
		peers[i] = madmin.PeerSite{Name: site.SiteName, Endpoint: site.PeerURL, AccessKey: s.AccessKey, SecretKey: s.SecretKey}
	}
	adm, err := s.Admin()
	if err != nil {
		return err
	}
	st, err := adm.SiteReplicationAdd(ctx, peers, madmin.SRAddOptions{})
	if err == nil && !st.Success {
		err = fmt.Errorf("%s %s %s", st.Status, st.ErrDetail, st.InitialSyncErrorMessage)
	}
	if err != nil {
		return fmt.Errorf("joining %d sites with site replication: %w", len(peers), err)
	}
	for _, site := range s.Sites {
		adm, err := site.Admin()
		if err != nil {
			return err
		}
		err = poll(ctx, "site replication on "+site.SiteName, func(ctx context.Context) error {
			info, err := adm.SiteReplicationInfo(ctx)
			if err != nil {
				return err
			}
			return s.checkGroup(info)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// checkGroup says how info, one site's SiteReplicationInfo, differs from
// the stack's group: enabled, and every site by name at its PeerURL.
func (s *Stack) checkGroup(info madmin.SiteReplicationInfo) error {
	var want, got []string
	for _, site := range s.Sites {
		want = append(want, site.SiteName+"="+site.PeerURL)
	}
	for _, p := range info.Sites {
		got = append(got, p.Name+"="+p.Endpoint)
	}
	slices.Sort(got)
	if !info.Enabled || !slices.Equal(got, want) {
		return fmt.Errorf("site replication enabled=%v with %v, want enabled with %v", info.Enabled, got, want)
	}
	return nil
}

// SiteEndpoints maps the name of every site of the group to the host:port
// on 127.0.0.1 at which this machine reaches it: what a client here must
// use instead of the endpoints MinIO reports (PeerURL), the provider's
// override of site endpoints. It is nil for a stack without sites.
func (s *Stack) SiteEndpoints() map[string]string {
	if len(s.Sites) == 0 {
		return nil
	}
	m := make(map[string]string, len(s.Sites))
	for _, site := range s.Sites {
		m[site.SiteName] = site.MinIOEndpoint
	}
	return m
}

// siteEnv are the environment variables of the deployments besides the
// one Env describes: MINIO_SITE_B_ENDPOINT and so on for every site, the
// group as MINIO_SITE_ENDPOINTS=site-a=127.0.0.1:PORT,site-b=... (the
// override the provider reads), and MINIO_OUTSIDE_ENDPOINT. Every
// deployment has the same credentials and CA.
func (s *Stack) siteEnv() map[string]string {
	env := map[string]string{}
	var pairs []string
	for _, site := range s.Sites {
		env[envName(site.SiteName)] = site.MinIOEndpoint
		pairs = append(pairs, site.SiteName+"="+site.MinIOEndpoint)
	}
	if len(pairs) > 0 {
		env["MINIO_SITE_ENDPOINTS"] = strings.Join(pairs, ",")
	}
	if s.Outside != nil {
		env[envName(outside)] = s.Outside.MinIOEndpoint
	}
	return env
}

// envName is the variable holding deployment name's endpoint.
func envName(name string) string {
	return "MINIO_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_")) + "_ENDPOINT"
}

// describeExtra is the log's word on the deployments besides the first.
func (s *Stack) describeExtra() string {
	var b strings.Builder
	if len(s.Sites) > 0 {
		fmt.Fprintf(&b, " sites=%s", s.siteEnv()["MINIO_SITE_ENDPOINTS"])
	}
	if s.Outside != nil {
		fmt.Fprintf(&b, " outside=%s", s.Outside.MinIOEndpoint)
	}
	return b.String()
}
