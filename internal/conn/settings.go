package conn

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
)

// Settings are the provider's connection arguments as written; an empty
// string or nil means "not set", so the environment may supply it.
type Settings struct {
	Endpoint     string
	AccessKey    string
	SecretKey    string
	SessionToken string
	Region       string
	CAFile       string
	CAPEM        string // the CA certificate itself: ca_file's twin for runs without files
	UseSSL       *bool
	Insecure     *bool
}

// Problem is a setting that cannot be used. Field is the argument's name
// in configuration, Env the environment variable that can also set it.
type Problem struct {
	Field   string
	Env     string
	Summary string
	Detail  string
}

// Resolved settings are complete and valid; they build clients.
type Resolved struct {
	Host         string // host:port, or a bare host when ExplicitPort is false
	Secure       bool
	AccessKey    string
	SecretKey    string
	SessionToken string
	Region       string
	TLS          *tls.Config
	// ExplicitPort is false when the endpoint named no port, so the
	// scheme's default (80 or 443) is dialled, not MinIO's 9000.
	ExplicitPort bool

	scheme  string            // the endpoint's scheme as written; "" for host:port
	sources map[string]string // field -> field, or the variable that set it
	// siteSetting names where the address of another site came from (see
	// ForSite); empty for the provider's own endpoint.
	siteSetting string
}

// Source says where a setting's value came from: the argument's own name
// (e.g. "use_ssl") when set in configuration, the environment variable
// that supplied it (e.g. "MINIO_ENABLE_HTTPS"), or "" when it is unset.
// Messages use it to name the place the user has to change.
func (r Resolved) Source(field string) string { return r.sources[field] }

// envVars lists, for each argument, the variables read when it is not set
// in configuration, first match wins. The fallbacks are the names MinIO's
// own tools and other providers use.
var envVars = map[string][]string{
	"endpoint":      {"MINIO_ENDPOINT"},
	"access_key":    {"MINIO_ACCESS_KEY", "MINIO_USER", "MINIO_ROOT_USER"},
	"secret_key":    {"MINIO_SECRET_KEY", "MINIO_PASSWORD", "MINIO_ROOT_PASSWORD"},
	"session_token": {"MINIO_SESSION_TOKEN"},
	"region":        {"MINIO_REGION"},
	"use_ssl":       {"MINIO_ENABLE_HTTPS"},
	"ca_file":       {"MINIO_CACERT_FILE"},
	"ca_pem":        {"MINIO_CACERT_PEM"},
	"insecure":      {"MINIO_INSECURE"},
}

// EnvNames is the list of variables for a field, for documentation.
func EnvNames(field string) []string { return envVars[field] }

// twins pairs a file setting with the setting that holds the file's
// content, for runs that have variables but no files (Terraform Cloud, CI).
// The two are one choice: when configuration sets either, the environment
// supplies neither, so a CA in the configuration is never joined by one
// from the environment.
var twins = map[string]string{
	"ca_file": "ca_pem", "ca_pem": "ca_file",
	"kes.ca_file": "kes.ca_pem", "kes.ca_pem": "kes.ca_file",
	"kes.client_cert_file": "kes.client_cert_pem", "kes.client_cert_pem": "kes.client_cert_file",
	"kes.client_key_file": "kes.client_key_pem", "kes.client_key_pem": "kes.client_key_file",
}

// bothSet is the problem of a file setting and its twin both being set;
// source names where each came from.
func bothSet(summary, file, pem string, source map[string]string, env string) Problem {
	return Problem{Field: pem, Env: env, Summary: summary,
		Detail: fmt.Sprintf("%s and %s are both set (by %s and %s). Set one of them: the file's path, or the PEM content itself.",
			file, pem, source[file], source[pem])}
}

func fromEnv(field string, lookup func(string) (string, bool)) (value, name string) {
	for _, name := range envVars[field] {
		if v, ok := lookup(name); ok && v != "" {
			return v, name
		}
	}
	return "", ""
}

// Resolve fills unset settings from the environment (lookup is
// os.LookupEnv outside tests), validates them, and reads the CA file.
func (s Settings) Resolve(lookup func(string) (string, bool)) (Resolved, []Problem) {
	var problems []Problem
	sources := map[string]string{}
	texts := map[string]*string{"endpoint": &s.Endpoint, "access_key": &s.AccessKey, "secret_key": &s.SecretKey,
		"session_token": &s.SessionToken, "region": &s.Region, "ca_file": &s.CAFile, "ca_pem": &s.CAPEM}
	inConfig := map[string]bool{}
	for field, v := range texts {
		inConfig[field] = *v != ""
	}
	str := func(field string, v *string) {
		switch {
		case *v != "":
			sources[field] = field
		case !inConfig[twins[field]]:
			*v, sources[field] = fromEnv(field, lookup)
		}
	}
	boolean := func(field string, v **bool) {
		if *v != nil {
			sources[field] = field
			return
		}
		raw, name := fromEnv(field, lookup)
		if raw == "" {
			return
		}
		b, err := strconv.ParseBool(raw)
		if err != nil {
			problems = append(problems, Problem{Field: field, Env: name, Summary: "Invalid " + name,
				Detail: fmt.Sprintf("%s=%q is not a boolean; use true or false.", name, raw)})
			return
		}
		*v, sources[field] = &b, name
	}
	for field, v := range texts {
		str(field, v)
	}
	boolean("use_ssl", &s.UseSSL)
	boolean("insecure", &s.Insecure)

	for field, src := range sources {
		if src == "" {
			delete(sources, field)
		}
	}
	r := Resolved{AccessKey: s.AccessKey, SecretKey: s.SecretKey, SessionToken: s.SessionToken, Region: s.Region, sources: sources}
	for field, v := range map[string]string{"endpoint": s.Endpoint, "access_key": s.AccessKey, "secret_key": s.SecretKey} {
		if v == "" {
			problems = append(problems, missing(field))
		}
	}
	if s.Endpoint != "" {
		ep, p := parseEndpoint(s.Endpoint, s.UseSSL, sources["use_ssl"])
		if p != nil {
			problems = append(problems, *p)
		}
		r.Host, r.Secure, r.ExplicitPort, r.scheme = ep.hostPort, ep.secure, ep.explicitPort, ep.scheme
	}
	if s.CAFile != "" && s.CAPEM != "" {
		problems = append(problems, bothSet("Conflicting CA Settings", "ca_file", "ca_pem", sources, envVars["ca_pem"][0]))
	} else {
		tlsCfg, p := tlsConfig(caSource{file: s.CAFile, pem: s.CAPEM, fileField: "ca_file", pemField: "ca_pem"}, s.Insecure != nil && *s.Insecure)
		if p != nil {
			p.Env = envVars[p.Field][0]
			problems = append(problems, *p)
		}
		r.TLS = tlsCfg
	}
	return r, problems
}

func missing(field string) Problem {
	return Problem{Field: field, Env: envVars[field][0], Summary: "Missing MinIO " + strings.ReplaceAll(field, "_", " "),
		Detail: fmt.Sprintf("The provider needs %s to reach MinIO. Set it in the provider block or through %s.",
			field, strings.Join(envVars[field], ", else "))}
}

// endpoint is a parsed endpoint setting.
type endpoint struct {
	hostPort     string
	secure       bool
	scheme       string // as written; "" for host:port
	explicitPort bool
}

// parseEndpoint accepts host:port, or an http(s) URL without a path. The
// scheme of a URL decides TLS; use_ssl must not contradict it. sslSource
// names where use_ssl came from, so a conflict names the variable when the
// environment set it.
func parseEndpoint(raw string, useSSL *bool, sslSource string) (endpoint, *Problem) {
	bad := func(why string) (endpoint, *Problem) {
		return endpoint{}, &Problem{Field: "endpoint", Env: "MINIO_ENDPOINT", Summary: "Invalid MinIO Endpoint",
			Detail: fmt.Sprintf("%q %s. Use host:port (for example minio.example.com:9000) or http(s)://host:port.", raw, why)}
	}
	secure := useSSL != nil && *useSSL
	scheme, hostPort := "", raw
	if strings.Contains(raw, "://") {
		u, err := url.Parse(raw)
		if err != nil {
			return bad("is not a valid URL")
		}
		switch u.Scheme {
		case "http", "https":
		default:
			return bad("has scheme " + u.Scheme + "; only http and https are accepted")
		}
		if u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.User != nil {
			return bad("must not carry a path, query or user info")
		}
		if useSSL != nil && *useSSL != (u.Scheme == "https") {
			return bad(fmt.Sprintf("says %s while %s is %t; drop one of them", u.Scheme, sslSource, *useSSL))
		}
		secure, scheme, hostPort = u.Scheme == "https", u.Scheme, u.Host
	}
	host, port, err := net.SplitHostPort(hostPort)
	if err != nil {
		if strings.Contains(hostPort, ":") || hostPort == "" {
			return bad("is not host:port")
		}
		host = hostPort // a bare host: the default port of the scheme
	} else if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return bad("has an invalid port")
	}
	if host == "" || strings.ContainsAny(host, " /") {
		return bad("has an invalid host")
	}
	return endpoint{hostPort: hostPort, secure: secure, scheme: scheme, explicitPort: port != ""}, nil
}

// caSource is a CA given as a file or as its PEM content, with the names
// of the two settings for messages.
type caSource struct {
	file, pem           string
	fileField, pemField string
}

func tlsConfig(ca caSource, insecure bool) (*tls.Config, *Problem) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure} //nolint:gosec // only when the user asks for it
	if ca.file == "" && ca.pem == "" {
		return cfg, nil
	}
	field, content := ca.pemField, []byte(ca.pem)
	advice := "Set " + ca.pemField + " to the PEM certificate (-----BEGIN CERTIFICATE-----...) of the CA that signed the server's certificate."
	if ca.file != "" {
		field = ca.fileField
		advice = "Point " + ca.fileField + " at a PEM file of the CA that signed the server's certificate."
		var err error
		if content, err = os.ReadFile(ca.file); err != nil {
			return nil, &Problem{Field: field, Summary: "Unusable CA File", Detail: fmt.Sprintf("The CA file could not be read. %s\n\n%v", advice, err)}
		}
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(content) {
		summary, what := "Unusable CA File", ca.file
		if ca.file == "" {
			summary, what = "Unusable CA Certificate", ca.pemField
		}
		return nil, &Problem{Field: field, Summary: summary, Detail: fmt.Sprintf("%s holds no PEM certificate. %s", what, advice)}
	}
	cfg.RootCAs = pool
	return cfg, nil
}
