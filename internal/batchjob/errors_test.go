package batchjob

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"testing"

	"github.com/minio/madmin-go/v3"
)

func TestIsTransient(t *testing.T) {
	refused := dialClosedPort(t)
	urlErr := func(err error) error { return &url.Error{Op: "Get", URL: "http://minio:9000/", Err: err} }
	code := func(c string) error { return madmin.ErrorResponse{Code: c, Message: "m"} }
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", urlErr(refused), true},
		{"connection reset", urlErr(&net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}), true},
		// madmin replaces the io.EOF of a closed connection with its own message.
		{"connection closed (madmin)", urlErr(errors.New("Connection closed by foreign host http://minio:9000/. Retry again.")), true},
		{"EOF", io.EOF, true},
		{"unexpected EOF decoding a body", fmt.Errorf("decoding: %w", io.ErrUnexpectedEOF), true},
		{"request deadline", fmt.Errorf("request: %w", context.DeadlineExceeded), true},
		{"server starting", code("XMinioServerNotInitialized"), true},
		{"quorum lost", code("SlowDownRead"), true},
		{"busy", code("ServerBusy"), true},
		{"throttled", code("TooManyRequests"), true},
		{"server stopping mid-request", code("ClientDisconnected"), true},
		{"proxy 502 page", code("502 Bad Gateway"), true},
		{"proxy 504 page", fmt.Errorf("x: %w", code("504 Gateway Timeout")), true},
		{"access denied", code("AccessDenied"), false},
		{"no such job", code("XMinioAdminNoSuchJob"), false},
		{"bad job definition", code("InternalError"), false},
		{"invalid argument", code("XMinioAdminInvalidArgument"), false},
		{"forbidden without body", code("403 Forbidden"), false},
		{"odd status-like code", code("5000 x"), false},
		{"certificate", urlErr(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), false},
		{"TLS to plain HTTP", urlErr(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}), false},
		{"plain HTTP answer to TLS", urlErr(http.ErrSchemeMismatch), false},
		{"other", errors.New("boom"), false},
		{"canceled request", context.Canceled, false},
	} {
		if got := isTransient(context.Background(), tc.err); got != tc.want {
			t.Errorf("%s: isTransient(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if isTransient(ctx, urlErr(refused)) {
		t.Error("isTransient with a canceled context = true, want false")
	}
	ctx, cancel = context.WithTimeout(context.Background(), 0)
	defer cancel()
	if isTransient(ctx, context.DeadlineExceeded) {
		t.Error("isTransient of the parent's own deadline = true, want false")
	}
}

// closedAddr returns the address of a port nobody listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// dialClosedPort returns the error of connecting to a port nobody listens on.
func dialClosedPort(t *testing.T) error {
	t.Helper()
	conn, err := net.Dial("tcp", closedAddr(t))
	if err == nil {
		conn.Close()
		t.Fatal("dialing a closed port succeeded")
	}
	return err
}

func TestIsNoSuchJob(t *testing.T) {
	server := madmin.ErrorResponse{Code: "XMinioAdminNoSuchJob", Message: "The specified job does not exist."}
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{server, true},
		{fmt.Errorf("x: %w", server), true},
		{ErrNoSuchJob, true},
		{markNoSuchJob(server), true},
		{madmin.ErrorResponse{Code: "AccessDenied"}, false},
		{errors.New("no such job"), false},
		{nil, false},
	} {
		if got := IsNoSuchJob(tc.err); got != tc.want {
			t.Errorf("IsNoSuchJob(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
	if err := markNoSuchJob(server); !errors.Is(err, ErrNoSuchJob) || !errors.As(err, new(madmin.ErrorResponse)) {
		t.Errorf("markNoSuchJob(server) = %v: want ErrNoSuchJob and the server's error in its chain", err)
	}
	if err := markNoSuchJob(errors.New("other")); errors.Is(err, ErrNoSuchJob) || err.Error() != "other" {
		t.Errorf("markNoSuchJob changed an unrelated error into %v", err)
	}
}
