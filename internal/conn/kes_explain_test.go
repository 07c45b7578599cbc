package conn

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/minio/kes-go"
)

// kesFailure resolves s against vars, asks the real kes-go client about
// a key and explains the error it gets.
func kesFailure(t *testing.T, s KESSettings, vars map[string]string) (*KESConn, Failure, bool, error) {
	t.Helper()
	k, problems := s.ResolveKES(env(vars))
	if len(problems) > 0 {
		t.Fatalf("settings: %+v", problems)
	}
	_, err := k.Client.DescribeKey(context.Background(), "my-key")
	if err == nil {
		t.Fatal("the request succeeded")
	}
	f, ok := k.Explain(err)
	return k, f, ok, err
}

func TestExplainKES(t *testing.T) {
	key, err := kes.GenerateAPIKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	apiKey := key.String()
	closed := closedAddr(t)
	plain := plainServer(t, ok)
	tlsHost, _ := tlsServer(t, ok)
	forbidden, forbiddenCA := tlsServer(t, kesError(http.StatusForbidden, "not authorized: insufficient permissions"))
	// A KES with tls.auth on verifies client certificates against its CAs;
	// an API key's self-signed certificate fails that.
	verifying, verifyingCA := tlsServerWith(t, ok, &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: x509.NewCertPool()})
	_, port, _ := net.SplitHostPort(tlsHost)
	strangerCA := otherCA(t)

	for _, tc := range []struct {
		name           string
		s              KESSettings
		env            map[string]string
		summary, field string
		phrases        []string
	}{
		{"connection refused", KESSettings{Endpoint: "https://" + closed, APIKey: apiKey}, nil, "Cannot Reach KES", "kes.endpoint",
			[]string{"Nothing answered at " + closed, "kes.endpoint (or KES_SERVER)"}},
		{"connection refused, endpoint from the environment", KESSettings{}, map[string]string{"KES_SERVER": "https://" + closed, "KES_API_KEY": apiKey},
			"Cannot Reach KES", "kes.endpoint", []string{"KES_SERVER (in the environment)"}},
		{"plain HTTP server", KESSettings{Endpoint: "https://" + plain, APIKey: apiKey}, nil, "Cannot Reach KES", "kes.endpoint",
			[]string{"KES speaks only HTTPS"}},
		{"certificate of an unknown CA", KESSettings{Endpoint: "https://" + tlsHost, APIKey: apiKey}, nil, "KES Certificate Not Trusted", "kes.ca_file",
			[]string{"does not trust", "kes.ca_file (or KES_CACERT_FILE)", "only for tests"}},
		{"another CA from the environment", KESSettings{Endpoint: "https://" + tlsHost, APIKey: apiKey}, map[string]string{"KES_CACERT_FILE": strangerCA},
			"KES Certificate Not Trusted", "kes.ca_file", []string{"The CA file set by KES_CACERT_FILE did not sign it"}},
		{"certificate for other names", KESSettings{Endpoint: "https://localhost:" + port, APIKey: apiKey, CAFile: forbiddenCA}, nil,
			"KES Certificate Not Trusted", "kes.endpoint", []string{"not valid for localhost", "example.com"}},
		{"identity not allowed", KESSettings{Endpoint: "https://" + forbidden, APIKey: apiKey, CAFile: forbiddenCA}, nil,
			"KES Refused The Credentials", "kes.api_key", []string{key.Identity().String(), "kes.api_key (or KES_API_KEY)"}},
		{"identity from the environment not allowed", KESSettings{Endpoint: "https://" + forbidden, CAFile: forbiddenCA}, map[string]string{"KES_API_KEY": apiKey},
			"KES Refused The Credentials", "kes.api_key", []string{"KES_API_KEY (in the environment)"}},
		{"client certificate refused in the handshake", KESSettings{Endpoint: "https://" + verifying, APIKey: apiKey, CAFile: verifyingCA}, nil,
			"KES Refused The Credentials", "kes.api_key", []string{"ended the TLS handshake", key.Identity().String(), "kes.client_cert_file (or KES_CLIENT_CERT)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel() // kes-go waits up to a second before each retry
			_, f, ok, err := kesFailure(t, tc.s, tc.env)
			if !ok {
				t.Fatalf("not explained: %v (%T)", err, err)
			}
			checkFailure(t, f, err, tc.summary, tc.field, tc.phrases...)
			if strings.Contains(f.Detail, apiKey) {
				t.Errorf("detail shows the API key:\n%s", f.Detail)
			}
		})
	}
}

func TestExplainKESLeavesOtherErrorsAlone(t *testing.T) {
	key, err := kes.GenerateAPIKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	host, ca := tlsServer(t, kesError(http.StatusNotFound, "key does not exist"))
	_, f, ok, err := kesFailure(t, KESSettings{Endpoint: "https://" + host, APIKey: key.String(), CAFile: ca}, nil)
	if ok {
		t.Errorf("%v explained as %+v", err, f)
	}
}

// An API key never shows, even when an error carries it.
func TestExplainKESRedactsTheAPIKey(t *testing.T) {
	key, err := kes.GenerateAPIKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	host, ca := tlsServer(t, kesError(http.StatusForbidden, "no access for "+key.String()))
	_, f, ok, err := kesFailure(t, KESSettings{Endpoint: "https://" + host, APIKey: key.String(), CAFile: ca}, nil)
	if !ok || strings.Contains(f.Detail, key.String()) || !strings.Contains(f.Detail, "**REDACTED**") {
		t.Fatalf("ok %t, detail:\n%s\n(error %v)", ok, f.Detail, err)
	}
}

// An endpoint without a port dials 443, not KES's 7373; the message says so.
func TestExplainKESDefaultPort(t *testing.T) {
	if c, err := net.DialTimeout("tcp", "127.0.0.1:443", time.Second); err == nil {
		c.Close()
		t.Skip("something listens on 127.0.0.1:443")
	}
	_, f, ok, err := kesFailure(t, KESSettings{Endpoint: "https://127.0.0.1", APIKey: mustAPIKey(t)}, nil)
	if !ok {
		t.Fatalf("not explained: %v", err)
	}
	checkFailure(t, f, err, "Cannot Reach KES", "kes.endpoint", "127.0.0.1:443", "names no port", "7373")
}

func mustAPIKey(t *testing.T) string {
	t.Helper()
	key, err := kes.GenerateAPIKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return key.String()
}

// A refusal of a call whose path the caller gives names the path and the
// features that need it.
func TestExplainKESCallNamesThePath(t *testing.T) {
	key, err := kes.GenerateAPIKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	host, ca := tlsServer(t, kesError(http.StatusForbidden, "not authorized: insufficient permissions"))
	k, _, _, err := kesFailure(t, KESSettings{Endpoint: "https://" + host, APIKey: key.String(), CAFile: ca}, nil)
	f, ok := k.ExplainCall(err, KESDescribeKey)
	if !ok {
		t.Fatalf("not explained: %v", err)
	}
	checkFailure(t, f, err, "KES Refused The Credentials", "kes.api_key", key.Identity().String(),
		"the API path /v1/key/describe/*, which minio_kes_key needs to read a key", "add it to that policy's allow list")
}
