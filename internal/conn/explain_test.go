package conn

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Secrets that no Detail may show, whatever the server says.
const (
	testSecret = "Secret-Key-Must-Not-Show-9f2c"
	testToken  = "Session-Token-Must-Not-Show-77aa"
)

// creds are complete credentials for endpoint.
func creds(endpoint string) Settings {
	return Settings{Endpoint: endpoint, AccessKey: "test-user", SecretKey: testSecret, SessionToken: testToken}
}

// adminFailure resolves s against vars, asks the real madmin client for a
// key's status and explains the error it gets.
func adminFailure(t *testing.T, s Settings, vars map[string]string) (Failure, bool, error) {
	t.Helper()
	r, problems := s.Resolve(env(vars))
	if len(problems) > 0 {
		t.Fatalf("settings: %+v", problems)
	}
	admin, err := r.Admin()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = admin.GetKeyStatus(context.Background(), "my-key")
	if err == nil {
		t.Fatal("the request succeeded")
	}
	// madmin would retry a TLS or scheme problem for over a minute;
	// giveUpTransport makes it stop at once.
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the request took %v to fail", d)
	}
	f, ok := r.Explain(err)
	return f, ok, err
}

func checkFailure(t *testing.T, f Failure, err error, summary, field string, phrases ...string) {
	t.Helper()
	t.Logf("%s [%s]\n%s", f.Summary, f.Field, f.Detail)
	if f.Summary != summary || f.Field != field {
		t.Errorf("got %q on %q, want %q on %q\ndetail: %s", f.Summary, f.Field, summary, field, f.Detail)
	}
	for _, p := range phrases {
		if !strings.Contains(f.Detail, p) {
			t.Errorf("detail does not say %q:\n%s", p, f.Detail)
		}
	}
	if !strings.Contains(f.Detail, "\n\n") {
		t.Errorf("detail has no paragraph for the original error (%v):\n%s", err, f.Detail)
	}
	for _, secret := range []string{testSecret, testToken} {
		if strings.Contains(f.Detail, secret) {
			t.Errorf("detail shows a secret:\n%s", f.Detail)
		}
	}
}

func TestExplainMinIO(t *testing.T) {
	closed := closedAddr(t)
	plain := plainServer(t, ok)
	tlsHost, ca := tlsServer(t, ok)
	_, port, _ := net.SplitHostPort(tlsHost)
	strangerCA := otherCA(t)
	unknownKey := plainServer(t, minioAdminError(http.StatusForbidden, "InvalidAccessKeyId", "The Access Key Id you provided does not exist in our records."))
	badSignature := plainServer(t, minioAdminError(http.StatusForbidden, "SignatureDoesNotMatch",
		"The request signature we calculated does not match the signature you provided. Check your key and signing method."))
	leaky := plainServer(t, minioAdminError(http.StatusForbidden, "SignatureDoesNotMatch", "key "+testSecret+" token "+testToken))
	badToken := plainServer(t, minioAdminError(http.StatusForbidden, "InvalidTokenId", "The security token included in the request is invalid"))
	denied := plainServer(t, minioAdminError(http.StatusForbidden, "AccessDenied", "Access Denied."))
	noCreds := func(endpoint string) Settings { return Settings{Endpoint: endpoint} }

	for _, tc := range []struct {
		name           string
		s              Settings
		env            map[string]string
		summary, field string
		phrases        []string
	}{
		{"connection refused", creds(closed), nil, "Cannot Reach MinIO", "endpoint",
			[]string{"Nothing answered at " + closed, "endpoint (or MINIO_ENDPOINT)"}},
		{"connection refused, endpoint from the environment", Settings{AccessKey: "a", SecretKey: testSecret}, map[string]string{"MINIO_ENDPOINT": closed},
			"Cannot Reach MinIO", "endpoint", []string{"MINIO_ENDPOINT (in the environment)"}},
		{"https URL to an http server", creds("https://" + plain), nil, "MinIO Endpoint Scheme Mismatch", "endpoint",
			[]string{"spoke HTTPS", "endpoint starts with https://", "http://" + plain}},
		{"use_ssl to an http server", Settings{Endpoint: plain, AccessKey: "a", SecretKey: testSecret, UseSSL: ptr(true)}, nil,
			"MinIO Endpoint Scheme Mismatch", "use_ssl", []string{"use_ssl is true", "set use_ssl (or MINIO_ENABLE_HTTPS) to false"}},
		{"MINIO_ENABLE_HTTPS to an http server", creds(plain), map[string]string{"MINIO_ENABLE_HTTPS": "true"},
			"MinIO Endpoint Scheme Mismatch", "use_ssl", []string{"MINIO_ENABLE_HTTPS is true", "set MINIO_ENABLE_HTTPS (in the environment) to false"}},
		{"http URL to an https server", creds("http://" + tlsHost), nil, "MinIO Endpoint Scheme Mismatch", "endpoint",
			[]string{"spoke plain HTTP", "https://" + tlsHost}},
		{"host:port to an https server", creds(tlsHost), nil, "MinIO Endpoint Scheme Mismatch", "use_ssl",
			[]string{"use_ssl is not set", "set use_ssl (or MINIO_ENABLE_HTTPS) to true"}},
		{"certificate of an unknown CA", creds("https://" + tlsHost), nil, "MinIO Certificate Not Trusted", "ca_file",
			[]string{"does not trust", "ca_file (or MINIO_CACERT_FILE)", "only for tests"}},
		{"another CA from the environment", creds("https://" + tlsHost), map[string]string{"MINIO_CACERT_FILE": strangerCA},
			"MinIO Certificate Not Trusted", "ca_file", []string{"The CA file set by MINIO_CACERT_FILE did not sign it", "MINIO_CACERT_FILE (in the environment)"}},
		{"certificate for other names", Settings{Endpoint: "https://localhost:" + port, AccessKey: "a", SecretKey: testSecret, CAFile: ca}, nil,
			"MinIO Certificate Not Trusted", "endpoint", []string{"not valid for localhost", "example.com"}},
		{"unknown access key", creds(unknownKey), nil, "MinIO Refused The Credentials", "access_key",
			[]string{`access key "test-user"`, "access_key (or MINIO_ACCESS_KEY, MINIO_USER, MINIO_ROOT_USER)"}},
		{"unknown access key from the environment", noCreds(unknownKey), map[string]string{"MINIO_ROOT_USER": "root", "MINIO_ROOT_PASSWORD": testSecret},
			"MinIO Refused The Credentials", "access_key", []string{`access key "root"`, "MINIO_ROOT_USER (in the environment)"}},
		{"wrong secret key", creds(badSignature), nil, "MinIO Refused The Credentials", "secret_key",
			[]string{"secret_key (or MINIO_SECRET_KEY, MINIO_PASSWORD, MINIO_ROOT_PASSWORD)"}},
		{"wrong secret key from the environment", noCreds(badSignature), map[string]string{"MINIO_USER": "u", "MINIO_PASSWORD": testSecret},
			"MinIO Refused The Credentials", "secret_key", []string{"MINIO_PASSWORD (in the environment)"}},
		{"secrets in the server's message", creds(leaky), nil, "MinIO Refused The Credentials", "secret_key", []string{"**REDACTED**"}},
		{"invalid session token", creds(badToken), nil, "MinIO Refused The Credentials", "session_token", []string{"session_token (or MINIO_SESSION_TOKEN)"}},
		{"access denied", creds(denied), nil, "MinIO Denied The Request", "access_key", []string{"kms:KeyStatus"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, ok, err := adminFailure(t, tc.s, tc.env)
			if !ok {
				t.Fatalf("not explained: %v (%T)", err, err)
			}
			checkFailure(t, f, err, tc.summary, tc.field, tc.phrases...)
		})
	}
}

func TestExplainLeavesOtherErrorsAlone(t *testing.T) {
	notFound := plainServer(t, minioAdminError(http.StatusNotFound, "XMinioAdminNoSuchJob", "The specified job does not exist."))
	if f, ok, err := adminFailure(t, creds(notFound), nil); ok {
		t.Errorf("%v explained as %+v", err, f)
	}
	r, _ := creds(closedAddr(t)).Resolve(env(nil))
	for _, err := range []error{context.Canceled, context.DeadlineExceeded, errors.New("key does not exist")} {
		if f, ok := r.Explain(err); ok {
			t.Errorf("%v explained as %+v", err, f)
		}
	}
}

// An endpoint without a port dials the scheme's default, not MinIO's 9000;
// the message says so.
func TestExplainDefaultPort(t *testing.T) {
	if c, err := net.DialTimeout("tcp", "127.0.0.1:80", time.Second); err == nil {
		c.Close()
		t.Skip("something listens on 127.0.0.1:80")
	}
	f, ok, err := adminFailure(t, creds("http://127.0.0.1"), nil)
	if !ok {
		t.Fatalf("not explained: %v", err)
	}
	checkFailure(t, f, err, "Cannot Reach MinIO", "endpoint", "127.0.0.1:80", "names no port", "9000")
}

func TestExplainUnknownHost(t *testing.T) {
	r, _ := creds("http://minio.invalid:9000").Resolve(env(nil))
	admin, err := r.Admin()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = admin.GetKeyStatus(ctx, "k")
	var dns *net.DNSError
	if !errors.As(err, &dns) || !dns.IsNotFound {
		t.Skipf("this machine's resolver does not answer NXDOMAIN for .invalid: %v", err)
	}
	f, ok := r.Explain(err)
	if !ok {
		t.Fatalf("not explained: %v", err)
	}
	checkFailure(t, f, err, "Cannot Reach MinIO", "endpoint", "minio.invalid could not be resolved")
}

// The S3 client's errors are explained too: minio-go parses MinIO's XML.
func TestExplainS3(t *testing.T) {
	host := plainServer(t, minioS3Error(http.StatusForbidden, "InvalidAccessKeyId", "The Access Key Id you provided does not exist in our records."))
	r, _ := creds(host).Resolve(env(nil))
	s3, err := r.S3()
	if err != nil {
		t.Fatal(err)
	}
	_, err = s3.ListBuckets(context.Background())
	f, ok := r.Explain(err)
	if !ok {
		t.Fatalf("not explained: %v (%T)", err, err)
	}
	checkFailure(t, f, err, "MinIO Refused The Credentials", "access_key", `"test-user"`)
}
