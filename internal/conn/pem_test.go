package conn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/kes-go"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// pemPair is a certificate and its key as PEM text, made from a KES API
// key so that the identity KES would see is known.
func pemPair(t *testing.T) (key kes.APIKey, certPEM, keyPEM string) {
	t.Helper()
	key, err := kes.GenerateAPIKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	if certPEM, keyPEM, err = teststack.ClientPEM(key); err != nil {
		t.Fatal(err)
	}
	return key, certPEM, keyPEM
}

func TestCAPEM(t *testing.T) {
	_, ca, _ := pemPair(t)
	base := Settings{Endpoint: "https://m:1", AccessKey: "a", SecretKey: "s"}
	withPEM := base
	withPEM.CAPEM = ca
	r, problems := withPEM.Resolve(env(nil))
	if len(problems) > 0 || r.TLS.RootCAs == nil || r.Source("ca_pem") != "ca_pem" {
		t.Fatalf("a CA given as PEM must be trusted: problems %+v, source %q", problems, r.Source("ca_pem"))
	}
	r, problems = base.Resolve(env(map[string]string{"MINIO_CACERT_PEM": ca}))
	if len(problems) > 0 || r.TLS.RootCAs == nil || r.Source("ca_pem") != "MINIO_CACERT_PEM" {
		t.Fatalf("MINIO_CACERT_PEM must set the CA: problems %+v, source %q", problems, r.Source("ca_pem"))
	}

	junk := base
	junk.CAPEM = "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"
	_, problems = junk.Resolve(env(nil))
	if len(problems) != 1 || problems[0].Field != "ca_pem" || problems[0].Summary != "Unusable CA Certificate" ||
		!strings.Contains(problems[0].Detail, "ca_pem holds no PEM certificate") {
		t.Fatalf("junk ca_pem: got %+v", problems)
	}
}

// The file and its content are one choice: both in configuration is an
// error, while one in configuration hides the other from the environment.
func TestCAFileAndPEMAreOneChoice(t *testing.T) {
	_, ca, _ := pemPair(t)
	file := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(file, []byte(ca), 0o600); err != nil {
		t.Fatal(err)
	}
	both := Settings{Endpoint: "https://m:1", AccessKey: "a", SecretKey: "s", CAFile: file, CAPEM: ca}
	_, problems := both.Resolve(env(nil))
	if len(problems) != 1 || problems[0].Field != "ca_pem" || problems[0].Summary != "Conflicting CA Settings" {
		t.Fatalf("both set: got %+v", problems)
	}
	_, problems = Settings{Endpoint: "https://m:1", AccessKey: "a", SecretKey: "s"}.Resolve(env(map[string]string{"MINIO_CACERT_FILE": file, "MINIO_CACERT_PEM": ca}))
	if len(problems) != 1 || !strings.Contains(problems[0].Detail, "by MINIO_CACERT_FILE and MINIO_CACERT_PEM") {
		t.Fatalf("both in the environment: got %+v", problems)
	}
	r, problems := Settings{Endpoint: "https://m:1", AccessKey: "a", SecretKey: "s", CAPEM: ca}.Resolve(env(map[string]string{"MINIO_CACERT_FILE": "/absent"}))
	if len(problems) > 0 || r.Source("ca_file") != "" {
		t.Fatalf("ca_pem in configuration must hide MINIO_CACERT_FILE: problems %+v, ca_file from %q", problems, r.Source("ca_file"))
	}
}

func TestKESCredentialsAsPEM(t *testing.T) {
	const endpoint = "https://kes.example.com:7373"
	key, certPEM, keyPEM := pemPair(t)
	_, ca, _ := pemPair(t)
	k, problems := KESSettings{Endpoint: endpoint, ClientCertPEM: certPEM, ClientKeyPEM: keyPEM, CAPEM: ca}.ResolveKES(env(nil))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if k.identity != key.Identity() || k.auth != "kes.client_cert_pem" {
		t.Fatalf("identity %s via %s, want %s via kes.client_cert_pem", k.identity, k.auth, key.Identity())
	}
	k, problems = KESSettings{}.ResolveKES(env(map[string]string{"KES_SERVER": endpoint,
		"KES_CLIENT_CERT_PEM": certPEM, "KES_CLIENT_KEY_PEM": keyPEM, "KES_CACERT_PEM": ca}))
	if len(problems) > 0 || k.identity != key.Identity() || k.Source("kes.ca_pem") != "KES_CACERT_PEM" {
		t.Fatalf("from the environment: problems %+v, identity %s, CA from %q", problems, k.identity, k.Source("kes.ca_pem"))
	}

	_, otherKey, _ := pemPair(t)
	for name, tc := range map[string]struct {
		s       KESSettings
		env     map[string]string
		field   string
		summary string
	}{
		"certificate without key": {s: KESSettings{Endpoint: endpoint, ClientCertPEM: certPEM}, field: "kes.client_cert_pem", summary: "Incomplete KES Client Certificate"},
		"key of another certificate": {s: KESSettings{Endpoint: endpoint, ClientCertPEM: certPEM, ClientKeyPEM: otherKey},
			field: "kes.client_cert_pem", summary: "Unusable KES Client Certificate"},
		"file and PEM": {s: KESSettings{Endpoint: endpoint, ClientCertPEM: certPEM, ClientKeyPEM: keyPEM, CAPEM: ca},
			env: map[string]string{"KES_CACERT_FILE": "/absent", "KES_CACERT_PEM": "ignored too"}},
		"both in the environment": {s: KESSettings{Endpoint: endpoint, ClientKeyPEM: keyPEM},
			env:   map[string]string{"KES_CLIENT_CERT": "/absent", "KES_CLIENT_CERT_PEM": certPEM},
			field: "kes.client_cert_pem", summary: "Conflicting KES Settings"},
		"api key and PEM certificate": {s: KESSettings{Endpoint: endpoint, APIKey: key.String(), ClientCertPEM: certPEM, ClientKeyPEM: keyPEM},
			field: "kes.api_key", summary: "Conflicting KES Credentials"},
		"certificate in configuration, API key in the environment": {s: KESSettings{Endpoint: endpoint, ClientCertPEM: certPEM, ClientKeyPEM: keyPEM},
			env: map[string]string{"KES_API_KEY": key.String()}},
		"API key in configuration, certificate in the environment": {s: KESSettings{Endpoint: endpoint, APIKey: key.String()},
			env: map[string]string{"KES_CLIENT_CERT_PEM": certPEM, "KES_CLIENT_KEY": "/absent"}},
		"both in the environment, API key and certificate": {s: KESSettings{Endpoint: endpoint},
			env:   map[string]string{"KES_API_KEY": key.String(), "KES_CLIENT_CERT_PEM": certPEM, "KES_CLIENT_KEY_PEM": keyPEM},
			field: "kes.api_key", summary: "Conflicting KES Credentials"},
	} {
		t.Run(name, func(t *testing.T) {
			_, problems := tc.s.ResolveKES(env(tc.env))
			if tc.field == "" {
				if len(problems) > 0 {
					t.Fatalf("want no problem, got %+v", problems)
				}
				return
			}
			if len(problems) != 1 || problems[0].Field != tc.field || problems[0].Summary != tc.summary {
				t.Fatalf("want %s on %s, got %+v", tc.summary, tc.field, problems)
			}
			if strings.Contains(problems[0].Detail, "PRIVATE KEY") || strings.Contains(problems[0].Detail, key.String()) {
				t.Fatalf("a diagnostic shows a secret: %s", problems[0].Detail)
			}
		})
	}
}
