// Package sites finds the deployments a rotation has to reach. MinIO site
// replication joins deployments into a group whose buckets, objects and
// IAM are replicated, but a keyrotate job re-seals the versions of the
// deployment it runs on only (MinIO's KeyRotate writes through the object
// layer and never schedules replication): every site of the group needs a
// job of its own, and a key may be retired only when no site uses it.
//
// Sites are discovered, not configured: the deployment the provider is
// configured with is asked for its site-replication info. Credentials are
// replicated across the group, so the provider's own credentials and TLS
// settings serve every site; only the address may differ for the machine
// the provider runs on, which Overrides give.
package sites

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/minio/madmin-go/v3"
)

// Site is one deployment of a group.
type Site struct {
	// Name is the site's name in the group ("site-b"); empty for a
	// deployment that belongs to no group.
	Name         string
	DeploymentID string
	// Endpoint is the URL the group knows the site by.
	Endpoint string
	// Dial is where the provider reaches the site: the override for its
	// name, else Endpoint. Empty for the local site, which is reached at
	// the provider's own endpoint.
	Dial string
	// Overridden is set when Dial came from an override.
	Overridden bool
	// Local is the deployment the provider is configured with.
	Local bool
}

// Label names the site in messages: its name, or "this deployment" for a
// deployment outside any group.
func (s Site) Label() string {
	if s.Name == "" {
		return "this deployment"
	}
	return "site " + s.Name
}

// Group is the deployments a rotation must cover.
type Group struct {
	// Replicated is set when the deployment belongs to a site-replication
	// group; Sites then lists every site.
	Replicated bool
	// Name is the group's name as MinIO reports it.
	Name string
	// Sites are the local site first, then the others by name.
	Sites []Site
}

// Local is the site the provider is configured with.
func (g Group) Local() Site { return g.Sites[0] }

// Names lists the sites' names, for messages.
func (g Group) Names() string {
	names := make([]string, len(g.Sites))
	for i, s := range g.Sites {
		names[i] = s.Name
	}
	return strings.Join(names, ", ")
}

// Admin is what Discover needs of *madmin.AdminClient.
type Admin interface {
	SiteReplicationInfo(ctx context.Context) (madmin.SiteReplicationInfo, error)
	ServerInfo(ctx context.Context, opts ...func(*madmin.ServerInfoOpts)) (madmin.InfoMessage, error)
}

var _ Admin = (*madmin.AdminClient)(nil)

// UnknownSiteError is an override naming a site the group does not have.
type UnknownSiteError struct {
	Name  string
	Group Group
}

func (e *UnknownSiteError) Error() string {
	if !e.Group.Replicated {
		return fmt.Sprintf("an endpoint is given for site %q, but the deployment belongs to no site-replication group", e.Name)
	}
	return fmt.Sprintf("an endpoint is given for site %q, but the site-replication group has no such site (its sites: %s)", e.Name, e.Group.Names())
}

// Discover asks the deployment behind admin whether it belongs to a
// site-replication group. overrides map site names to the endpoint to
// dial instead of the one the group knows; an override for a site the
// group does not have is an *UnknownSiteError, since a misspelt name would
// otherwise leave the runner dialling an address it cannot reach.
func Discover(ctx context.Context, admin Admin, overrides map[string]string) (Group, error) {
	info, err := admin.SiteReplicationInfo(ctx)
	if err != nil {
		return Group{}, fmt.Errorf("reading the site-replication info: %w", err)
	}
	if !info.Enabled || len(info.Sites) < 2 {
		g := Group{Sites: []Site{{Local: true}}}
		for name := range overrides {
			return g, &UnknownSiteError{Name: name, Group: g}
		}
		return g, nil
	}
	// The site list does not say which site answered; the deployment ID
	// does. The drive metrics are left out: they cost a round trip to
	// every drive of every node.
	srv, err := admin.ServerInfo(ctx, madmin.WithDriveMetrics(false))
	if err != nil {
		return Group{}, fmt.Errorf("reading the deployment ID: %w", err)
	}
	g := Group{Replicated: true, Name: info.Name}
	for _, p := range info.Sites {
		s := Site{Name: p.Name, DeploymentID: p.DeploymentID, Endpoint: p.Endpoint, Local: p.DeploymentID == srv.DeploymentID}
		if d, ok := overrides[p.Name]; ok && !s.Local {
			s.Dial, s.Overridden = d, true
		} else if !s.Local {
			s.Dial = p.Endpoint
		}
		g.Sites = append(g.Sites, s)
	}
	slices.SortFunc(g.Sites, func(a, b Site) int {
		if a.Local != b.Local {
			if a.Local {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Name, b.Name)
	})
	if !g.Sites[0].Local {
		return Group{}, fmt.Errorf("the deployment's ID %s is not among the sites of its own site-replication group (%s)", srv.DeploymentID, g.Names())
	}
	for name := range overrides {
		if !slices.ContainsFunc(g.Sites, func(s Site) bool { return s.Name == name }) {
			return g, &UnknownSiteError{Name: name, Group: g}
		}
	}
	return g, nil
}

// InGroup reports whether a deployment ID is one of the group's sites.
func (g Group) InGroup(deploymentID string) bool {
	return deploymentID != "" && slices.ContainsFunc(g.Sites, func(s Site) bool { return s.DeploymentID == deploymentID })
}
