package conn

import (
	"fmt"
	"net"
	"net/url"
)

// Explain turns an error from k.Client into a Failure that names the real
// cause and the kes setting to change. It reports false for an error that
// is no connection, credential or TLS problem (e.g. kes.ErrKeyNotFound):
// the caller keeps its own message.
func (k *KESConn) Explain(err error) (Failure, bool) { return k.ExplainCall(err, "") }

// KES answers a request its policy does not allow with the same message
// whether the identity has no policy or its policy lacks the path, and
// names neither. Callers know the path of their call.

// KES API paths, as KES policies name them, of the calls the provider
// makes (examples/iam/kes-policy.yml).
const (
	KESCreateKey   = "/v1/key/create/*"
	KESDescribeKey = "/v1/key/describe/*"
	KESDeleteKey   = "/v1/key/delete/*"
	KESListKeys    = "/v1/key/list/*"
)

// kesNeededBy says which features need each KES path.
var kesNeededBy = map[string]string{
	KESCreateKey: "minio_kes_key needs to create a key",
	KESDescribeKey: "minio_kes_key needs to read a key (after creating it, on refresh and import), minio_kes_keys to describe the keys it lists, " +
		"and minio_batch_keyrotate and minio_bucket_encryption to check that their target key exists",
	KESDeleteKey: "minio_kes_key needs to delete a key (destroy with allow_destroy = true)",
	KESListKeys:  "minio_kes_keys needs to list keys",
}

// ExplainCall is Explain for a call of the KES API path path (a policy
// pattern such as KESCreateKey): a refusal then names the path and the
// features that need it.
func (k *KESConn) ExplainCall(err error, path string) (Failure, bool) {
	d := classify(err)
	f := Failure{}
	addr, defaulted := k.dialAddr()
	switch d.kind {
	case unreachable:
		f.Summary, f.Field = "Cannot Reach KES", "kes.endpoint"
		f.Detail = fmt.Sprintf("Nothing answered at %s.", addr)
		if d.dns != nil {
			f.Detail = fmt.Sprintf("The host name %s could not be resolved (%s).", d.dns.Name, d.dns.Err)
		}
		if defaulted {
			f.Detail += fmt.Sprintf(" The endpoint names no port, so HTTPS's default port was dialled (%s); KES listens on 7373 unless configured otherwise.", addr)
		}
		f.Detail += " Check that KES is running and that " + k.setting("kes.endpoint") + " names its host and port, e.g. https://kes.example.com:7373."
	case httpsToHTTP:
		f.Summary, f.Field = "Cannot Reach KES", "kes.endpoint"
		f.Detail = fmt.Sprintf("The server at %s answers plain HTTP, and KES speaks only HTTPS: %s points at another server (MinIO's S3 port?). Set it to KES's address.",
			addr, k.setting("kes.endpoint"))
	case untrusted:
		f.Summary, f.Field = "KES Certificate Not Trusted", "kes.ca_file"
		f.Detail = fmt.Sprintf("KES at %s presents a certificate signed by a CA this machine does not trust. ", addr)
		if src := k.Source("kes.ca_pem"); src != "" {
			f.Field = "kes.ca_pem"
			f.Detail += "The CA certificate set by " + src + " did not sign it. Set " + k.setting("kes.ca_pem") + " to the PEM certificate of the CA that signed KES's certificate. "
		} else {
			if src := k.Source("kes.ca_file"); src != "" {
				f.Detail += "The CA file set by " + src + " did not sign it. "
			}
			f.Detail += "Point " + k.setting("kes.ca_file") + " (or set kes.ca_pem to its content) at a PEM file of the CA that signed KES's certificate. "
		}
		f.Detail +=
			"Setting kes.insecure skips the check, but is only for tests: anyone on the path could then use the connection."
	case wrongHost:
		f.Summary, f.Field = "KES Certificate Not Trusted", "kes.endpoint"
		f.Detail = fmt.Sprintf("KES's certificate is not valid for %s; it names %s. Set %s to one of those names, or have the certificate reissued for %s.",
			hostOnly(addr), certNames(d.host.Certificate), k.setting("kes.endpoint"), hostOnly(addr))
	case badCert:
		f.Summary = "KES Certificate Not Trusted"
		f.Detail = fmt.Sprintf("KES at %s presents a certificate that is expired or otherwise invalid. Renew KES's certificate; no provider setting can fix this.", addr)
	case tlsAlert:
		// KES with tls.auth on verifies client certificates against its
		// CAs and ends the handshake with an alert when that fails.
		f.Summary, f.Field = "KES Refused The Credentials", k.auth
		f.Detail = fmt.Sprintf("KES at %s ended the TLS handshake with an alert: it did not accept the client certificate of identity %s (of %s). "+
			"A KES that verifies client certificates (tls.auth) accepts only those signed by its client CA, never an API key's: set %s and %s to such a certificate, "+
			"or turn the verification off.", addr, k.identity, k.authName(), k.setting("kes.client_cert_file"), k.setting("kes.client_key_file"))
	case kesForbidden:
		f.Summary, f.Field = "KES Refused The Credentials", k.auth
		if path == "" {
			f.Detail = fmt.Sprintf("KES refused identity %s (of %s): it is neither KES's admin identity nor assigned a policy that allows this request. "+
				"Assign it a policy in KES's configuration (policy.NAME.identities), or use other credentials in %s.",
				k.identity, k.authName(), k.setting(k.auth))
			break
		}
		f.Detail = fmt.Sprintf("KES refused identity %s (of %s) the API path %s", k.identity, k.authName(), path)
		if why := kesNeededBy[path]; why != "" {
			f.Detail += ", which " + why
		}
		f.Detail += fmt.Sprintf(". Either no policy in KES's configuration lists the identity (policy.NAME.identities), or its policy does not allow %s: "+
			"add it to that policy's allow list (examples/iam/kes-policy.yml has every path the provider uses, the Credentials guide says what each is for), "+
			"or use other credentials in %s.", path, k.setting(k.auth))
	default:
		return Failure{}, false
	}
	f.Detail += "\n\n" + original(err, k.secret)
	return f, true
}

// dialAddr is the host:port the client dials, and whether the port is
// HTTPS's default because the endpoint named none.
func (k *KESConn) dialAddr() (string, bool) {
	u, err := url.Parse(k.Endpoint)
	if err != nil {
		return k.Endpoint, false
	}
	if u.Port() == "" {
		return net.JoinHostPort(u.Hostname(), "443"), true
	}
	return u.Host, false
}

// authName says which credential the identity belongs to.
func (k *KESConn) authName() string {
	if k.auth == "kes.api_key" {
		return "the API key from " + k.sourceOr("kes.api_key")
	}
	return "the client certificate from " + k.sourceOr("kes.client_cert_file")
}

func (k *KESConn) sourceOr(field string) string {
	if src := k.Source(field); src != "" {
		return src
	}
	return field
}

// setting names the place to change a kes value: the environment variable
// alone when it supplied the value, else the field and its variable.
func (k *KESConn) setting(field string) string {
	if src := k.Source(field); src != "" && src != field {
		return src + " (in the environment)"
	}
	return field + " (or " + kesEnv[field] + ")"
}
