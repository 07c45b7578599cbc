package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/minio/madmin-go/v3"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/conn"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/sites"
)

// site is one deployment a rotation, a key-usage check or a preview must
// reach, with clients of its own: the provider's deployment, and under
// site replication every other site of its group.
type site struct {
	sites.Site
	*clients
}

// siteEndpointsOf reads site_endpoints, else MINIO_SITE_ENDPOINTS, and
// checks that every endpoint is one the clients can dial.
func siteEndpointsOf(ctx context.Context, v types.Map, base conn.Resolved, diags *diag.Diagnostics) (map[string]string, string) {
	at := path.Root("site_endpoints")
	m, from := map[string]string{}, "site_endpoints"
	if !v.IsNull() {
		diags.Append(v.ElementsAs(ctx, &m, false)...)
	} else if raw, ok := os.LookupEnv(conn.SiteEndpointsEnv); ok && strings.TrimSpace(raw) != "" {
		from = conn.SiteEndpointsEnv
		var err error
		if m, err = conn.ParseSiteEndpoints(raw); err != nil {
			diags.AddAttributeError(at, "Invalid "+conn.SiteEndpointsEnv, err.Error())
		}
	}
	for name, ep := range m {
		if _, err := base.ForSite(ep, siteSetting(from, name)); err != nil {
			diags.AddAttributeError(at.AtMapKey(name), "Invalid Site Endpoint",
				fmt.Sprintf("The endpoint given for site %q cannot be used. Use host:port or http(s)://host:port.\n\n%v", name, err))
		}
	}
	return m, from
}

// siteSetting names where the address of site name came from.
func siteSetting(from, name string) string {
	if from == conn.SiteEndpointsEnv {
		return fmt.Sprintf("the %s entry of %s (in the environment)", name, from)
	}
	return fmt.Sprintf("site_endpoints[%q]", name)
}

// sites are the deployments the provider's work covers: this one alone, or
// every site of its site-replication group, this one first. The group is
// asked once per provider instance; a failure is not kept, so a later
// call tries again. consequence opens every error: what was not done
// because the sites are not known ("No job was started.").
func (c *clients) sites(ctx context.Context, consequence string, diags *diag.Diagnostics) ([]*site, bool) {
	c.groupMu.Lock()
	defer c.groupMu.Unlock()
	if c.group != nil {
		return c.group, true
	}
	g, err := sites.Discover(ctx, c.admin, c.siteEndpoints)
	var unknown *sites.UnknownSiteError
	switch {
	case errors.As(err, &unknown):
		diags.AddError("Unknown Site In "+c.siteEndpointsFrom,
			fmt.Sprintf(opening(consequence)+"%s gives an endpoint for site %q, which the deployment at %s does not know. Name only sites of its group (its sites: %s), or remove the entry.\n\n%v",
				c.siteEndpointsFrom, unknown.Name, c.minio.Host, orNone(unknown.Group), err))
		return nil, false
	case err != nil:
		doing := opening(consequence) + "The provider could not ask the deployment whether it belongs to a site-replication group, whose other sites hold copies that a rotation must reach and a retired key must not leave unreadable."
		if !c.explain(err, doing, diags) {
			diags.AddError("Cannot Read Site Replication",
				doing+" Check that the credentials may read it (admin:SiteReplicationInfo, and admin:ServerInfo).\n\n"+err.Error())
		}
		return nil, false
	}
	group := []*site{{Site: g.Local(), clients: c}}
	for _, s := range g.Sites[1:] {
		setting := siteSetting(c.siteEndpointsFrom, s.Name)
		if !s.Overridden {
			setting = fmt.Sprintf("the endpoint site replication knows site %s by (%s; where this machine reaches it at another address, set site_endpoints = { %q = \"host:port\" } in the provider)",
				s.Name, s.Endpoint, s.Name)
		}
		r, err := c.minio.ForSite(s.Dial, setting)
		if err != nil {
			diags.AddError("Unusable Site Endpoint", fmt.Sprintf(opening(consequence)+"Site %s of the group cannot be reached at %q, %s.\n\n%v", s.Name, s.Dial, setting, err))
			return nil, false
		}
		sc, err := newClients(r)
		if err != nil {
			diags.AddError("Cannot Create MinIO Clients", fmt.Sprintf("No client could be built for site %s. This is a bug in the provider.\n\n%v", s.Name, err))
			return nil, false
		}
		sc.kes, sc.version, sc.site = c.kes, c.version, s.Name
		if !sc.isSite(ctx, s, setting, consequence, diags) {
			return nil, false
		}
		group = append(group, &site{Site: s, clients: sc})
	}
	if g.Replicated {
		group[0].clients = c.withSite(g.Local().Name)
	}
	c.group = group
	return group, true
}

// withSite is c naming itself as site name in messages; it shares c's
// clients.
func (c *clients) withSite(name string) *clients {
	return &clients{admin: c.admin, s3: c.s3, kes: c.kes, minio: c.minio, version: c.version, site: name}
}

func orNone(g sites.Group) string {
	if !g.Replicated {
		return "none: it belongs to no group"
	}
	return g.Names()
}

// groupOf is the group of sites list, for the sites package.
func groupOf(list []*site) sites.Group {
	g := sites.Group{Replicated: len(list) > 1}
	for _, s := range list {
		g.Sites = append(g.Sites, s.Site)
	}
	return g
}

// outsideTargets lists, from every site, the replication targets of
// bucket ("" for every bucket) outside the group, each once.
func outsideTargets(ctx context.Context, group []*site, bucket string) ([]sites.Target, *site, error) {
	g := groupOf(group)
	seen := map[string]bool{}
	var out []sites.Target
	for _, s := range group {
		ts, err := sites.OutsideTargets(ctx, s.admin, g, bucket)
		if err != nil {
			return nil, s, err
		}
		for _, t := range ts {
			if k := t.Bucket + "\x00" + t.ARN + "\x00" + t.Endpoint; !seen[k] {
				seen[k] = true
				out = append(out, t)
			}
		}
	}
	return out, nil, nil
}

// opening is consequence as the first sentence of a detail.
func opening(consequence string) string {
	if consequence == "" {
		return ""
	}
	return consequence + " "
}

// isSite checks that sc reaches site s itself: an address that reaches
// another deployment (a typo in site_endpoints, a load balancer in front of
// the wrong site) would have a rotation, a verification or a key check
// look at the wrong data and call the site done or unused. The deployment
// ID tells; the drive metrics are left out of the call.
func (sc *clients) isSite(ctx context.Context, s sites.Site, setting, consequence string, diags *diag.Diagnostics) bool {
	ctx, cancel := context.WithTimeout(ctx, jobUserTimeout)
	defer cancel()
	info, err := sc.admin.ServerInfo(ctx, madmin.WithDriveMetrics(false))
	if err != nil {
		// A site that does not answer cannot give wrong answers either: the
		// work that needs it fails there, naming the site.
		tflog.Warn(ctx, "could not check which deployment a site's address reaches", map[string]any{"site": s.Name, "error": err.Error()})
		return true
	}
	if info.DeploymentID != s.DeploymentID {
		diags.AddError("Wrong Site Endpoint",
			opening(consequence)+fmt.Sprintf("On site %s: the server at %s is deployment %s, but site %s of the group is deployment %s: the address reaches another deployment. "+
				"Correct %s so that it reaches site %s.", s.Name, sc.minio.Host, info.DeploymentID, s.Name, s.DeploymentID, setting, s.Name))
		return false
	}
	return true
}
