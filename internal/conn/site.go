package conn

import (
	"fmt"
	"strings"
)

// ForSite is r for another site of a site-replication group: the same
// credentials and TLS settings, since MinIO replicates IAM across the group
// and one CA usually signs every site, at another address. endpoint is a URL
// as the group reports it, or host:port or a URL from the provider's
// site_endpoints; a bare host:port keeps r's scheme. setting names where
// the address came from, for messages that tell the user what to change.
func (r Resolved) ForSite(endpoint, setting string) (Resolved, error) {
	var useSSL *bool
	if !strings.Contains(endpoint, "://") {
		useSSL = &r.Secure
	}
	ep, p := parseEndpoint(endpoint, useSSL, "")
	if p != nil {
		return Resolved{}, fmt.Errorf("%s: %s", setting, p.Detail)
	}
	site := r
	site.Host, site.Secure, site.ExplicitPort, site.scheme = ep.hostPort, ep.secure, ep.explicitPort, ep.scheme
	site.siteSetting = setting
	return site, nil
}

// SiteEndpointsEnv holds site_endpoints when the provider block does not.
const SiteEndpointsEnv = "MINIO_SITE_ENDPOINTS"

// ParseSiteEndpoints reads SiteEndpointsEnv's value: comma-separated
// `name=endpoint` pairs, e.g. `site-b=10.0.0.2:9000,site-c=https://c:9000`.
func ParseSiteEndpoints(raw string) (map[string]string, error) {
	out := map[string]string{}
	for _, pair := range strings.Split(raw, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		name, ep, ok := strings.Cut(pair, "=")
		name, ep = strings.TrimSpace(name), strings.TrimSpace(ep)
		if !ok || name == "" || ep == "" {
			return nil, fmt.Errorf("%q is not name=endpoint; write %s as site-b=host:port,site-c=https://host:port", pair, SiteEndpointsEnv)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("site %q is named twice in %s", name, SiteEndpointsEnv)
		}
		out[name] = ep
	}
	return out, nil
}
