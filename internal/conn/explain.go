package conn

import (
	"fmt"
	"net"
	"strings"
)

// Explain turns an error from a client built by r into a Failure that
// names the real cause and the setting to change. It reports false for an
// error that is no connection, credential or TLS problem (a missing key,
// a 404, the caller's own timeout): the caller keeps its own message.
func (r Resolved) Explain(err error) (Failure, bool) {
	d := classify(err)
	f := Failure{}
	addr := r.dialAddr()
	switch d.kind {
	case notConnection:
		return Failure{}, false
	case unreachable:
		f.Summary, f.Field = "Cannot Reach MinIO", "endpoint"
		what := fmt.Sprintf("Nothing answered at %s.", addr)
		if d.dns != nil {
			what = fmt.Sprintf("The host name %s could not be resolved (%s).", d.dns.Name, d.dns.Err)
		}
		f.Detail = what + r.portNote() + fmt.Sprintf(" Check that MinIO is running and that %s names its host and port, e.g. minio.example.com:9000.",
			r.setting("endpoint"))
	case tlsAlert:
		f.Summary, f.Field = "Cannot Reach MinIO", "endpoint"
		f.Detail = fmt.Sprintf("The server at %s ended the TLS handshake with an alert: it may demand a client certificate, which the provider does not send, "+
			"or not be MinIO. Check that %s is MinIO's address.", addr, r.setting("endpoint"))
	case untrusted:
		f.Summary, f.Field = "MinIO Certificate Not Trusted", r.caField()
		f.Detail = fmt.Sprintf("MinIO at %s presents a certificate signed by a CA this machine does not trust. ", addr) + r.caAdvice()
	case wrongHost:
		f.Summary, f.Field = "MinIO Certificate Not Trusted", "endpoint"
		f.Detail = fmt.Sprintf("MinIO's certificate is not valid for %s; it names %s. Set %s to one of those names, or have the certificate reissued for %s.",
			hostOnly(addr), certNames(d.host.Certificate), r.setting("endpoint"), hostOnly(addr))
	case badCert:
		f.Summary = "MinIO Certificate Not Trusted"
		f.Detail = fmt.Sprintf("MinIO at %s presents a certificate that is expired or otherwise invalid. Renew MinIO's certificate; no provider setting can fix this.", addr)
	case httpsToHTTP:
		f.Summary, f.Field = "MinIO Endpoint Scheme Mismatch", r.schemeField()
		f.Detail = fmt.Sprintf("The provider spoke HTTPS to %s because %s, but the server there answers plain HTTP. Write the endpoint as http://%s in %s%s",
			addr, r.schemeReason(), r.Host, r.setting("endpoint"), r.dropUseSSL())
		if r.scheme == "" {
			f.Detail += ", or set " + r.setting("use_ssl") + " to false"
		}
		f.Detail += "; or, if MinIO should speak HTTPS, give it a certificate (MinIO reads it from ~/.minio/certs or --certs-dir)."
	case httpToHTTPS:
		f.Summary, f.Field = "MinIO Endpoint Scheme Mismatch", r.schemeField()
		f.Detail = fmt.Sprintf("The provider spoke plain HTTP to %s because %s, but the server there expects HTTPS (check also that this is MinIO's port). Write the endpoint as https://%s in %s%s",
			addr, r.schemeReason(), r.Host, r.setting("endpoint"), r.dropUseSSL())
		if r.scheme == "" {
			f.Detail += ", or set " + r.setting("use_ssl") + " to true"
		}
		f.Detail += "."
	case unknownAccessKey:
		f.Summary, f.Field = "MinIO Refused The Credentials", "access_key"
		f.Detail = fmt.Sprintf("MinIO does not know the access key %q, or its account is disabled. Check %s.", r.AccessKey, r.setting("access_key"))
	case badSignature:
		f.Summary, f.Field = "MinIO Refused The Credentials", "secret_key"
		f.Detail = fmt.Sprintf("MinIO knows the access key %q, but the request's signature does not match: the secret key is not the one for that access key. Check %s. "+
			"A proxy that rewrites the Host header causes the same error.", r.AccessKey, r.setting("secret_key"))
	case badToken:
		f.Summary, f.Field = "MinIO Refused The Credentials", "session_token"
		f.Detail = fmt.Sprintf("MinIO refused the session token of the temporary credentials for %q: it is invalid or expired. Get new credentials and set %s, %s and %s.",
			r.AccessKey, r.setting("access_key"), r.setting("secret_key"), r.setting("session_token"))
	case accessDenied:
		f.Summary, f.Field = "MinIO Denied The Request", "access_key"
		f.Detail = r.deniedDetail(DeniedAction(err))
	default:
		return Failure{}, false
	}
	f.Detail += "\n\n" + original(err, r.SecretKey, r.SessionToken)
	return f, true
}

// deniedDetail says that the policy of the credentials lacks action, what
// needs it and how to grant it; without an action (a request the provider
// cannot map), it lists the admin actions.
func (r Resolved) deniedDetail(action string) string {
	if action == "" {
		return fmt.Sprintf("MinIO accepted the credentials of %q, but their policy does not allow this request. Attach a policy that allows the actions the provider uses "+
			"(examples/iam/minio-rotation-policy.json, explained in the Credentials guide), or use another %s.", r.AccessKey, r.setting("access_key"))
	}
	d := fmt.Sprintf("MinIO accepted the credentials of %q, but their policy does not allow %s", r.AccessKey, action)
	if why := NeededBy(action); why != "" {
		d += ", which " + why
	}
	return d + fmt.Sprintf(". Add %s to the policy of %q (examples/iam/minio-rotation-policy.json has every action the provider uses, the Credentials guide says what each is for), "+
		"or use another %s.", action, r.AccessKey, r.setting("access_key"))
}

// dialAddr is the address the clients dial: Host, with the scheme's
// default port when the endpoint named none.
func (r Resolved) dialAddr() string {
	if r.ExplicitPort {
		return r.Host
	}
	if r.Secure {
		return net.JoinHostPort(r.Host, "443")
	}
	return net.JoinHostPort(r.Host, "80")
}

// portNote points out a defaulted port: MinIO listens on 9000 by default,
// so an endpoint without a port is a likely cause.
func (r Resolved) portNote() string {
	if r.ExplicitPort {
		return ""
	}
	scheme := "http"
	if r.Secure {
		scheme = "https"
	}
	return fmt.Sprintf(" The endpoint names no port, so the default port of %s was dialled (%s); MinIO listens on 9000 unless configured otherwise.",
		scheme, r.dialAddr())
}

// caAdvice says which CA setting to change, and mentions insecure only as
// what it is.
func (r Resolved) caAdvice() string {
	s := "Point " + r.setting("ca_file") + " at a PEM file of the CA that signed MinIO's certificate, or set ca_pem to its content."
	switch {
	case r.Source("ca_pem") != "":
		s = "The CA certificate set by " + r.Source("ca_pem") + " did not sign it. Set " + r.setting("ca_pem") + " to the PEM certificate of the CA that signed MinIO's certificate."
	case r.Source("ca_file") != "":
		s = "The CA file set by " + r.Source("ca_file") + " did not sign it. Point " + r.setting("ca_file") + " at a PEM file of the CA that signed MinIO's certificate."
	}
	return s + " Setting " + r.setting("insecure") + " skips the check, but is only for tests: anyone on the path could then read the credentials."
}

// caField is the CA argument in use: ca_pem when that set the CA.
func (r Resolved) caField() string {
	if r.Source("ca_pem") != "" {
		return "ca_pem"
	}
	return "ca_file"
}

// schemeField is the argument that chose the scheme: the endpoint's URL
// scheme when it has one, else use_ssl.
func (r Resolved) schemeField() string {
	if r.scheme != "" {
		return "endpoint"
	}
	return "use_ssl"
}

// dropUseSSL is the advice that goes with writing a scheme into the
// endpoint: use_ssl must then not contradict it.
func (r Resolved) dropUseSSL() string {
	if src := r.Source("use_ssl"); src != "" && r.scheme == "" {
		return " and remove " + src + ", which must not contradict the scheme"
	}
	return ""
}

// schemeReason says why the provider chose the scheme it used.
func (r Resolved) schemeReason() string {
	switch {
	case r.scheme != "":
		return fmt.Sprintf("%s starts with %s://", r.sourceOr("endpoint"), r.scheme)
	case r.Source("use_ssl") != "":
		return fmt.Sprintf("%s is %t", r.Source("use_ssl"), r.Secure)
	default:
		return "the endpoint has no scheme and use_ssl is not set (default false)"
	}
}

// sourceOr is where field came from, or the field's name when unset.
func (r Resolved) sourceOr(field string) string {
	if field == "endpoint" && r.siteSetting != "" {
		return r.siteSetting
	}
	if src := r.Source(field); src != "" {
		return src
	}
	return field
}

// setting names the place to change a value: the environment variable
// alone when it supplied the value, else the argument and the variables
// that may also set it.
func (r Resolved) setting(field string) string {
	if field == "endpoint" && r.siteSetting != "" {
		return r.siteSetting
	}
	if src := r.Source(field); src != "" && src != field {
		return src + " (in the environment)"
	}
	return field + " (or " + strings.Join(envVars[field], ", ") + ")"
}
