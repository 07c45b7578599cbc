package conn

import (
	"strings"
	"testing"
)

func TestForSiteKeepsCredentialsAndTLSAtAnotherAddress(t *testing.T) {
	r, problems := Settings{Endpoint: "https://a.example.com:9000", AccessKey: "ak", SecretKey: "sk"}.Resolve(func(string) (string, bool) { return "", false })
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	for _, tc := range []struct {
		endpoint, host string
		secure         bool
	}{
		{"http://minio-b:9000", "minio-b:9000", false},
		{"127.0.0.1:9100", "127.0.0.1:9100", true}, // a bare host:port keeps the provider's scheme
		{"https://b.example.com", "b.example.com", true},
	} {
		s, err := r.ForSite(tc.endpoint, `site_endpoints["site-b"]`)
		if err != nil {
			t.Fatalf("%s: %v", tc.endpoint, err)
		}
		if s.Host != tc.host || s.Secure != tc.secure || s.AccessKey != "ak" || s.SecretKey != "sk" || s.TLS != r.TLS {
			t.Errorf("%s: got host %s secure %t", tc.endpoint, s.Host, s.Secure)
		}
		if got := s.setting("endpoint"); got != `site_endpoints["site-b"]` {
			t.Errorf("%s: messages must name the site's setting, got %q", tc.endpoint, got)
		}
	}
	if r.setting("endpoint") == `site_endpoints["site-b"]` {
		t.Error("ForSite changed the provider's own Resolved")
	}
	if _, err := r.ForSite("ftp://b:21", "x"); err == nil || !strings.Contains(err.Error(), "only http and https") {
		t.Errorf("a bad endpoint: %v", err)
	}
}

func TestParseSiteEndpoints(t *testing.T) {
	got, err := ParseSiteEndpoints(" site-b=127.0.0.1:9100 , site-c=https://c:9000,")
	if err != nil || len(got) != 2 || got["site-b"] != "127.0.0.1:9100" || got["site-c"] != "https://c:9000" {
		t.Fatalf("got %v, %v", got, err)
	}
	for _, bad := range []string{"site-b", "=x:1", "site-b=", "a=x:1,a=y:2"} {
		if _, err := ParseSiteEndpoints(bad); err == nil || !strings.Contains(err.Error(), SiteEndpointsEnv) {
			t.Errorf("%q: got %v", bad, err)
		}
	}
}
