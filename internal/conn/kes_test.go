package conn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/kes-go"
)

func TestResolveKES(t *testing.T) {
	key, err := kes.GenerateAPIKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.pem")
	if err := os.WriteFile(junk, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	const endpoint = "https://kes.example.com:7373"
	for name, tc := range map[string]struct {
		s       KESSettings
		env     map[string]string
		field   string
		summary string
	}{
		"api key":            {s: KESSettings{Endpoint: endpoint, APIKey: key.String()}},
		"api key from env":   {env: map[string]string{"KES_SERVER": endpoint, "KES_API_KEY": key.String()}},
		"no endpoint":        {s: KESSettings{APIKey: key.String()}, field: "kes.endpoint", summary: "Missing KES Endpoint"},
		"http endpoint":      {s: KESSettings{Endpoint: "http://kes:7373", APIKey: key.String()}, field: "kes.endpoint", summary: "Invalid KES Endpoint"},
		"endpoint with path": {s: KESSettings{Endpoint: endpoint + "/v1", APIKey: key.String()}, field: "kes.endpoint", summary: "Invalid KES Endpoint"},
		"neither":            {s: KESSettings{Endpoint: endpoint}, field: "kes.api_key", summary: "Missing KES Credentials"},
		"both": {s: KESSettings{Endpoint: endpoint, APIKey: key.String(), ClientCertFile: junk, ClientKeyFile: junk},
			field: "kes.api_key", summary: "Conflicting KES Credentials"},
		"bad api key":       {s: KESSettings{Endpoint: endpoint, APIKey: "kes:v1:nope"}, field: "kes.api_key", summary: "Invalid KES API Key"},
		"cert without key":  {s: KESSettings{Endpoint: endpoint, ClientCertFile: junk}, field: "kes.client_cert_file", summary: "Incomplete KES Client Certificate"},
		"unreadable cert":   {s: KESSettings{Endpoint: endpoint, ClientCertFile: filepath.Join(dir, "absent.crt"), ClientKeyFile: junk}, field: "kes.client_cert_file", summary: "Unusable KES Client Certificate"},
		"junk cert":         {s: KESSettings{Endpoint: endpoint, ClientCertFile: junk, ClientKeyFile: junk}, field: "kes.client_cert_file", summary: "Unusable KES Client Certificate"},
		"unreadable CA":     {s: KESSettings{Endpoint: endpoint, APIKey: key.String(), CAFile: filepath.Join(dir, "absent.pem")}, field: "kes.ca_file", summary: "Unusable CA File"},
		"CA that is no PEM": {s: KESSettings{Endpoint: endpoint, APIKey: key.String(), CAFile: junk}, field: "kes.ca_file", summary: "Unusable CA File"},
	} {
		t.Run(name, func(t *testing.T) {
			client, problems := tc.s.ResolveKES(env(tc.env))
			if tc.field == "" {
				if len(problems) > 0 || client == nil {
					t.Fatalf("want a client, got %+v", problems)
				}
				return
			}
			if len(problems) != 1 || problems[0].Field != tc.field || problems[0].Summary != tc.summary {
				t.Fatalf("want %s on %s, got %+v", tc.summary, tc.field, problems)
			}
			if strings.Contains(problems[0].Detail, key.String()) {
				t.Fatal("a diagnostic shows the API key")
			}
		})
	}
}

func TestKESSource(t *testing.T) {
	key, err := kes.GenerateAPIKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	k, problems := KESSettings{Endpoint: "https://kes:7373"}.ResolveKES(env(map[string]string{"KES_API_KEY": key.String(), "KES_SERVER": "https://other:7373"}))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if k.Endpoint != "https://kes:7373" || k.Source("kes.endpoint") != "kes.endpoint" || k.Source("kes.api_key") != "KES_API_KEY" || k.Source("kes.ca_file") != "" {
		t.Fatalf("endpoint %q, sources %q %q %q", k.Endpoint, k.Source("kes.endpoint"), k.Source("kes.api_key"), k.Source("kes.ca_file"))
	}
}

// TestKESBadAPIKeyNamesWhereItCameFrom: an API key that is not one is
// named as the user set it: api_key in the configuration, KES_API_KEY in
// the environment.
func TestKESBadAPIKeyNamesWhereItCameFrom(t *testing.T) {
	const endpoint = "https://kes.example.com:7373"
	_, fromConfig := KESSettings{Endpoint: endpoint, APIKey: "kes:v1:nope"}.ResolveKES(env(nil))
	_, fromEnv := KESSettings{}.ResolveKES(env(map[string]string{"KES_SERVER": endpoint, "KES_API_KEY": "kes:v1:nope"}))
	for _, c := range []struct {
		problems []Problem
		want     string
	}{
		{fromConfig, "api_key must be a KES API key"},
		{fromEnv, "KES_API_KEY (in the environment, read for api_key) must be a KES API key"},
	} {
		if len(c.problems) != 1 || !strings.HasPrefix(c.problems[0].Detail, c.want) {
			t.Errorf("want a detail opening %q, got %+v", c.want, c.problems)
		}
	}
}
