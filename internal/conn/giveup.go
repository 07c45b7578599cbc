package conn

import (
	"crypto/tls"
	"errors"
	"net/http"
	"syscall"
)

// giveUpTransport makes madmin stop at the first error that no retry can
// cure. madmin retries every failed request ten times, backing off up to
// 30 s (over a minute in all), and stops early only on a refused
// connection, which it tests with errors.Is(err, syscall.ECONNREFUSED).
// An untrusted certificate, a scheme mismatch or an unknown host does not
// heal within that minute, so the user would wait for nothing.
type giveUpTransport struct{ *http.Transport }

func (t giveUpTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.Transport.RoundTrip(req)
	if err == nil || !permanent(err) {
		return resp, err
	}
	// http.Client turns a plain HTTP answer to a TLS hello into
	// ErrSchemeMismatch, but only when it sees the bare record header
	// error; do it here, before the wrapping hides it.
	var record tls.RecordHeaderError
	if errors.As(err, &record) && string(record.RecordHeader[:]) == "HTTP/" {
		err = http.ErrSchemeMismatch
	}
	return nil, finalError{err}
}

// permanent reports whether err is a connection problem that stays until
// a setting or the server changes. Timeouts and resets may heal: madmin
// keeps retrying them.
func permanent(err error) bool {
	d := classify(err)
	switch d.kind {
	case untrusted, wrongHost, badCert, httpsToHTTP, tlsAlert:
		return true
	case unreachable:
		return d.dns != nil && d.dns.IsNotFound
	}
	return false
}

// finalError passes madmin's refused-connection test and is otherwise the
// error it wraps: errors.As and errors.Is find everything inside it, so
// Explain and the callers' own retry rules see the original error.
type finalError struct{ error }

func (e finalError) Unwrap() error { return e.error }

func (e finalError) Is(target error) bool { return target == syscall.ECONNREFUSED }
