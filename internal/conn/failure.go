package conn

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/minio/kes-go"
	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"
)

// Failure is a connection problem explained for the user: what happened,
// the setting to change, and the original error.
type Failure struct {
	// Summary is a Title Case headline, e.g. "Cannot Reach MinIO".
	Summary string
	// Detail says what happened and what to change, naming the argument
	// and its environment variables (or only the variable, when that is
	// where the value came from), then the original error in a paragraph
	// of its own. It never contains a secret key, session token or API key.
	Detail string
	// Field is the provider argument to change ("endpoint", "secret_key",
	// "kes.ca_file", ...), or "" when no provider argument can fix it
	// (e.g. an expired server certificate).
	Field string
}

// kind is what went wrong between a client and a server, whichever client
// saw it; Resolved.Explain and KESConn.Explain word it for their server.
type kind int

const (
	notConnection    kind = iota // a server answer that is no connection problem
	unreachable                  // refused, unknown host, timed out, reset
	tlsAlert                     // the server ended the TLS handshake with an alert
	untrusted                    // certificate signed by a CA not trusted here
	wrongHost                    // certificate valid, but not for the host dialled
	badCert                      // certificate expired or otherwise invalid
	httpsToHTTP                  // TLS spoken to a plain HTTP server
	httpToHTTPS                  // plain HTTP spoken to a TLS server
	unknownAccessKey             // the server does not know the access key
	badSignature                 // the access key is known, the signature wrong
	badToken                     // the session token is invalid or expired
	accessDenied                 // the credentials are valid, the policy says no
	kesForbidden                 // KES does not know the identity, or its policy says no
)

// diagnosis is a classified error with the facts its message needs.
type diagnosis struct {
	kind kind
	dns  *net.DNSError      // the unknown host, for unreachable
	host x509.HostnameError // the names the certificate holds, for wrongHost
}

// credentialCodes maps the S3 and admin API error codes by which MinIO
// refuses a request's credentials (cmd/api-errors.go) to what is wrong.
// XMinioInvalidAccessKeyId is an older server's spelling.
var credentialCodes = map[string]kind{
	"InvalidAccessKeyId":       unknownAccessKey,
	"XMinioInvalidAccessKeyId": unknownAccessKey,
	"SignatureDoesNotMatch":    badSignature,
	"InvalidTokenId":           badToken,
	"ExpiredToken":             badToken,
	"InvalidToken":             badToken,
	"AccessDenied":             accessDenied,
}

// classify tells what err says about the connection. Typed errors are
// checked first; strings only where a library keeps no type: the 400 a TLS
// server sends to a plain HTTP client arrives as an unparsable error body.
func classify(err error) diagnosis {
	if err == nil {
		return diagnosis{}
	}
	// A listing that left out what the credentials may not read.
	var denier ActionDenier
	if errors.As(err, &denier) {
		return diagnosis{kind: accessDenied}
	}
	// What the server answered comes first: it proves the connection works.
	var adm madmin.ErrorResponse
	if errors.As(err, &adm) {
		return classifyAnswer(adm.Code, adm.Message)
	}
	var s3 minio.ErrorResponse
	if errors.As(err, &s3) {
		return classifyAnswer(s3.Code, s3.Message)
	}
	var kesErr kes.Error
	if errors.As(err, &kesErr) {
		if kesErr.Status() == http.StatusForbidden || kesErr.Status() == http.StatusUnauthorized {
			return diagnosis{kind: kesForbidden}
		}
		return diagnosis{}
	}

	var hostErr x509.HostnameError
	var authErr x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	var record tls.RecordHeaderError
	switch {
	case errors.As(err, &hostErr):
		return diagnosis{kind: wrongHost, host: hostErr}
	case errors.As(err, &authErr):
		return diagnosis{kind: untrusted}
	case errors.As(err, &invalid):
		return diagnosis{kind: badCert}
	case errors.As(err, &verify):
		return diagnosis{kind: untrusted}
	case errors.Is(err, http.ErrSchemeMismatch), errors.As(err, &record):
		// net/http reports a plain HTTP answer to a TLS hello as
		// ErrSchemeMismatch; other non-TLS servers as a record header.
		return diagnosis{kind: httpsToHTTP}
	}

	// The caller's own deadline or cancellation says nothing about the
	// server; the caller reports it.
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return diagnosis{}
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return diagnosis{kind: unreachable, dns: dns}
	}
	var op *net.OpError
	if errors.As(err, &op) {
		if op.Op == "remote error" { // crypto/tls's op for an alert received
			return diagnosis{kind: tlsAlert}
		}
		return diagnosis{kind: unreachable}
	}
	var conn *kes.ConnError
	var netErr net.Error
	if errors.As(err, &conn) || errors.As(err, &netErr) && netErr.Timeout() {
		return diagnosis{kind: unreachable}
	}
	return diagnosis{}
}

// classifyAnswer classifies a MinIO error answer by its code, or by its
// body when the answer was no MinIO error at all.
func classifyAnswer(code, message string) diagnosis {
	if k, ok := credentialCodes[code]; ok {
		return diagnosis{kind: k}
	}
	// Go's TLS server (MinIO's) answers a plain HTTP request with a bare
	// 400 and this text; madmin and minio-go then use the status line as
	// the code and the body as the message. nginx words it differently.
	if strings.HasPrefix(code, "400") &&
		(strings.Contains(message, "Client sent an HTTP request to an HTTPS server") ||
			strings.Contains(message, "plain HTTP request was sent to HTTPS port")) {
		return diagnosis{kind: httpToHTTPS}
	}
	return diagnosis{}
}

// certNames lists the names a certificate is valid for, for a message.
func certNames(c *x509.Certificate) string {
	if c == nil {
		return "none"
	}
	names := append([]string(nil), c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = append(names, c.Subject.CommonName+" (common name only, which Go no longer accepts)")
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// original is the error's text for the last paragraph of a detail, with
// every secret replaced by MinIO's own redaction marker.
func original(err error, secrets ...string) string {
	s := err.Error()
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "**REDACTED**")
		}
	}
	return s
}

// hostOnly is host without its port, for messages about DNS.
func hostOnly(hostPort string) string {
	if h, _, err := net.SplitHostPort(hostPort); err == nil {
		return h
	}
	return hostPort
}
