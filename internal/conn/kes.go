package conn

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"

	"github.com/minio/kes-go"
)

// KESSettings are the provider's kes block as written; empty means unset.
type KESSettings struct {
	Endpoint       string
	APIKey         string
	ClientCertFile string
	ClientKeyFile  string
	CAFile         string
	// The PEM twins of the files above, for runs without files.
	ClientCertPEM string
	ClientKeyPEM  string
	CAPEM         string
	Insecure      bool
}

// kesEnv names the variables that set KES arguments not set in
// configuration; the field names are the kes block's, prefixed "kes.".
var kesEnv = map[string]string{
	"kes.endpoint":         "KES_SERVER",
	"kes.api_key":          "KES_API_KEY",
	"kes.client_cert_file": "KES_CLIENT_CERT",
	"kes.client_key_file":  "KES_CLIENT_KEY",
	"kes.ca_file":          "KES_CACERT_FILE",
	"kes.client_cert_pem":  "KES_CLIENT_CERT_PEM",
	"kes.client_key_pem":   "KES_CLIENT_KEY_PEM",
	"kes.ca_pem":           "KES_CACERT_PEM",
}

// KESEnvName is the variable that can set a kes block field, for docs.
func KESEnvName(field string) string { return kesEnv["kes."+field] }

// KESConfigured reports whether a KES connection is asked for: a kes
// block, or KES_SERVER in the environment.
func KESConfigured(block bool, lookup func(string) (string, bool)) bool {
	v, _ := lookup("KES_SERVER")
	return block || v != ""
}

// KESConn is a KES client with what it takes to explain its failures.
type KESConn struct {
	Client   *kes.Client
	Endpoint string // as resolved: https://host[:port]

	identity kes.Identity      // the client certificate's, which KES policies name
	auth     string            // "kes.api_key", "kes.client_cert_file" or "kes.client_cert_pem"
	secret   string            // the API key, kept out of every message
	sources  map[string]string // field -> field, or the variable that set it
}

// Source says where a kes setting came from: the field's name (e.g.
// "kes.ca_file") when set in the kes block, the environment variable that
// supplied it (e.g. "KES_CACERT_FILE"), or "" when it is unset.
func (k *KESConn) Source(field string) string { return k.sources[field] }

// ResolveKES fills unset settings from the environment and builds a
// kes-go client, authenticated by an API key or a client certificate.
// Nothing is contacted.
func (s KESSettings) ResolveKES(lookup func(string) (string, bool)) (*KESConn, []Problem) {
	sources := map[string]string{}
	texts := map[string]*string{"kes.endpoint": &s.Endpoint, "kes.api_key": &s.APIKey,
		"kes.client_cert_file": &s.ClientCertFile, "kes.client_key_file": &s.ClientKeyFile, "kes.ca_file": &s.CAFile,
		"kes.client_cert_pem": &s.ClientCertPEM, "kes.client_key_pem": &s.ClientKeyPEM, "kes.ca_pem": &s.CAPEM}
	inConfig := map[string]bool{}
	for field, v := range texts {
		inConfig[field] = *v != ""
	}
	// The credential is one choice too: an API key in the configuration
	// hides a client certificate in the environment, and the reverse, so a
	// runner's leftover KES_API_KEY does not clash with the certificate the
	// configuration names.
	certInConfig := inConfig["kes.client_cert_file"] || inConfig["kes.client_key_file"] ||
		inConfig["kes.client_cert_pem"] || inConfig["kes.client_key_pem"]
	hidden := func(field string) bool {
		switch field {
		case "kes.api_key":
			return certInConfig
		case "kes.client_cert_file", "kes.client_key_file", "kes.client_cert_pem", "kes.client_key_pem":
			return inConfig["kes.api_key"] || inConfig[twins[field]]
		}
		return inConfig[twins[field]]
	}
	for field, v := range texts {
		switch {
		case *v != "":
			sources[field] = field
		case hidden(field):
		default:
			if *v, _ = lookup(kesEnv[field]); *v != "" {
				sources[field] = kesEnv[field]
			}
		}
	}
	for _, pair := range [][2]string{{"kes.client_cert_file", "kes.client_cert_pem"}, {"kes.client_key_file", "kes.client_key_pem"}, {"kes.ca_file", "kes.ca_pem"}} {
		if sources[pair[0]] != "" && sources[pair[1]] != "" {
			return nil, []Problem{bothSet("Conflicting KES Settings", pair[0], pair[1], sources, kesEnv[pair[1]])}
		}
	}
	problem := func(field, summary, detail string) []Problem {
		return []Problem{{Field: field, Env: kesEnv[field], Summary: summary, Detail: detail}}
	}
	if s.Endpoint == "" {
		return nil, problem("kes.endpoint", "Missing KES Endpoint", "Set kes.endpoint (or KES_SERVER) to the KES server's URL, e.g. https://kes.example.com:7373.")
	}
	if u, err := url.Parse(s.Endpoint); err != nil || u.Scheme != "https" || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return nil, problem("kes.endpoint", "Invalid KES Endpoint",
			fmt.Sprintf("%q is not a KES endpoint. KES speaks only HTTPS: use https://host:port, e.g. https://kes.example.com:7373.", s.Endpoint))
	}
	byKey := s.APIKey != ""
	byCert := s.ClientCertFile != "" || s.ClientKeyFile != "" || s.ClientCertPEM != "" || s.ClientKeyPEM != ""
	var cert tls.Certificate
	switch {
	case byKey && byCert:
		return nil, problem("kes.api_key", "Conflicting KES Credentials",
			"Set either api_key (KES_API_KEY) or a client certificate (client_cert_file and client_key_file, or their PEM twins client_cert_pem and client_key_pem), not both.")
	case !byKey && !byCert:
		return nil, problem("kes.api_key", "Missing KES Credentials",
			"KES authenticates clients by an API key (kes:v1:..., from `kes identity new`) or a client certificate. Set api_key (KES_API_KEY), or client_cert_file and client_key_file (or their PEM twins client_cert_pem and client_key_pem).")
	case byKey:
		key, err := kes.ParseAPIKey(s.APIKey)
		if err != nil {
			name := "api_key"
			if env := kesEnv["kes.api_key"]; sources["kes.api_key"] == env {
				name = env + " (in the environment, read for api_key)"
			}
			return nil, problem("kes.api_key", "Invalid KES API Key", name+" must be a KES API key as `kes identity new` prints it (kes:v1:...).")
		}
		if cert, err = kes.GenerateCertificate(key); err != nil {
			return nil, problem("kes.api_key", "Invalid KES API Key", "No client certificate could be made from api_key.\n\n"+err.Error())
		}
	default:
		var p *Problem
		if cert, p = clientCertificate(s); p != nil {
			return nil, []Problem{*p}
		}
	}
	cfg, p := tlsConfig(caSource{file: s.CAFile, pem: s.CAPEM, fileField: "kes.ca_file", pemField: "kes.ca_pem"}, s.Insecure)
	if p != nil {
		p.Env = kesEnv[p.Field]
		return nil, []Problem{*p}
	}
	cfg.Certificates = []tls.Certificate{cert}
	k := &KESConn{Client: kes.NewClientWithConfig(s.Endpoint, cfg), Endpoint: s.Endpoint,
		auth: "kes.client_cert_file", secret: s.APIKey, sources: sources}
	switch {
	case byKey:
		k.auth = "kes.api_key"
	case s.ClientCertFile == "":
		k.auth = "kes.client_cert_pem"
	}
	if leaf, err := x509.ParseCertificate(cert.Certificate[0]); err == nil {
		k.identity = kes.Identity(identityOf(leaf))
	}
	return k, nil
}

// clientCertificate loads the client certificate and its key, each from
// its file or its PEM twin.
func clientCertificate(s KESSettings) (tls.Certificate, *Problem) {
	bad := func(field, summary, detail string) (tls.Certificate, *Problem) {
		return tls.Certificate{}, &Problem{Field: field, Env: kesEnv[field], Summary: summary, Detail: detail}
	}
	certPEM, keyPEM := []byte(s.ClientCertPEM), []byte(s.ClientKeyPEM)
	var err error
	if s.ClientCertFile != "" {
		if certPEM, err = os.ReadFile(s.ClientCertFile); err != nil {
			return bad("kes.client_cert_file", "Unusable KES Client Certificate", "client_cert_file could not be read.\n\n"+err.Error())
		}
	}
	if s.ClientKeyFile != "" {
		if keyPEM, err = os.ReadFile(s.ClientKeyFile); err != nil {
			return bad("kes.client_key_file", "Unusable KES Client Certificate", "client_key_file could not be read.\n\n"+err.Error())
		}
	}
	if len(certPEM) == 0 || len(keyPEM) == 0 {
		field := "kes.client_cert_file"
		if s.ClientCertPEM != "" || s.ClientKeyPEM != "" {
			field = "kes.client_cert_pem"
		}
		return bad(field, "Incomplete KES Client Certificate",
			"Set the certificate (client_cert_file or client_cert_pem) and its private key (client_key_file or client_key_pem).")
	}
	cert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		field := "kes.client_cert_file"
		if s.ClientCertFile == "" {
			field = "kes.client_cert_pem"
		}
		// X509KeyPair names only the kinds of PEM block it found, never their content.
		return bad(field, "Unusable KES Client Certificate",
			"The client certificate and key must be a PEM certificate and its private key.\n\n"+err.Error())
	}
	return cert, nil
}

// identityOf is KES's identity of a client certificate: the hex SHA-256 of
// its public key (kes auth.go, identifyRequest).
func identityOf(c *x509.Certificate) string {
	h := sha256.Sum256(c.RawSubjectPublicKeyInfo)
	return hex.EncodeToString(h[:])
}
