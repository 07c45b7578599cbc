package conn

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
}

func ptr(b bool) *bool { return &b }

func TestResolveEndpoint(t *testing.T) {
	creds := Settings{AccessKey: "a", SecretKey: "s"}
	for _, tc := range []struct {
		endpoint   string
		useSSL     *bool
		wantHost   string
		wantSecure bool
		wantErr    string
	}{
		{endpoint: "minio.example.com:9000", wantHost: "minio.example.com:9000"},
		{endpoint: "minio.example.com:9000", useSSL: ptr(true), wantHost: "minio.example.com:9000", wantSecure: true},
		{endpoint: "https://minio.example.com:9000", wantHost: "minio.example.com:9000", wantSecure: true},
		{endpoint: "http://127.0.0.1:9000/", wantHost: "127.0.0.1:9000"},
		{endpoint: "minio.example.com", wantHost: "minio.example.com"},
		{endpoint: "[::1]:9000", wantHost: "[::1]:9000"},
		{endpoint: "ftp://minio:21", wantErr: "only http and https"},
		{endpoint: "https://minio:9000/bucket", wantErr: "must not carry a path"},
		{endpoint: "https://minio:9000", useSSL: ptr(false), wantErr: "while use_ssl is false"},
		{endpoint: "minio:99999", wantErr: "invalid port"},
		{endpoint: "minio:port", wantErr: "invalid port"},
		{endpoint: "mi nio:9000", wantErr: "invalid host"},
	} {
		t.Run(tc.endpoint, func(t *testing.T) {
			s := creds
			s.Endpoint, s.UseSSL = tc.endpoint, tc.useSSL
			r, problems := s.Resolve(env(nil))
			if tc.wantErr != "" {
				if len(problems) != 1 || problems[0].Field != "endpoint" || !strings.Contains(problems[0].Detail, tc.wantErr) {
					t.Fatalf("want one endpoint problem containing %q, got %+v", tc.wantErr, problems)
				}
				return
			}
			if len(problems) > 0 {
				t.Fatalf("unexpected problems: %+v", problems)
			}
			if r.Host != tc.wantHost || r.Secure != tc.wantSecure {
				t.Fatalf("got host %q secure %t, want %q %t", r.Host, r.Secure, tc.wantHost, tc.wantSecure)
			}
		})
	}
}

func TestResolveFromEnvironmentWithFallbacks(t *testing.T) {
	r, problems := Settings{}.Resolve(env(map[string]string{
		"MINIO_ENDPOINT":      "minio:9000",
		"MINIO_USER":          "fallback-user",
		"MINIO_ROOT_USER":     "root-user",
		"MINIO_ROOT_PASSWORD": "root-pass",
		"MINIO_ENABLE_HTTPS":  "true",
		"MINIO_REGION":        "eu-west-1",
	}))
	if len(problems) > 0 {
		t.Fatalf("unexpected problems: %+v", problems)
	}
	if r.AccessKey != "fallback-user" || r.SecretKey != "root-pass" || !r.Secure || r.Region != "eu-west-1" {
		t.Fatalf("env not applied in order: %+v", r)
	}
}

func TestConfigurationWinsOverEnvironment(t *testing.T) {
	r, _ := Settings{Endpoint: "cfg:9000", AccessKey: "cfg", SecretKey: "cfg", UseSSL: ptr(false)}.Resolve(env(map[string]string{
		"MINIO_ENDPOINT": "env:9000", "MINIO_ACCESS_KEY": "env", "MINIO_ENABLE_HTTPS": "true",
	}))
	if r.Host != "cfg:9000" || r.AccessKey != "cfg" || r.Secure {
		t.Fatalf("configuration must win: %+v", r)
	}
}

func TestMissingSettingsNameArgumentAndVariable(t *testing.T) {
	_, problems := Settings{}.Resolve(env(nil))
	got := map[string]string{}
	for _, p := range problems {
		got[p.Field] = p.Detail
	}
	for field, envName := range map[string]string{"endpoint": "MINIO_ENDPOINT", "access_key": "MINIO_ACCESS_KEY", "secret_key": "MINIO_SECRET_KEY"} {
		if !strings.Contains(got[field], envName) {
			t.Errorf("%s: detail %q does not name %s", field, got[field], envName)
		}
	}
	if len(problems) != 3 {
		t.Fatalf("want 3 problems, got %+v", problems)
	}
}

func TestInvalidBooleanInEnvironment(t *testing.T) {
	_, problems := Settings{Endpoint: "m:1", AccessKey: "a", SecretKey: "s"}.Resolve(env(map[string]string{"MINIO_INSECURE": "maybe"}))
	if len(problems) != 1 || problems[0].Field != "insecure" || !strings.Contains(problems[0].Detail, "MINIO_INSECURE") {
		t.Fatalf("got %+v", problems)
	}
}

func TestCAFile(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ file, want string }{
		{filepath.Join(dir, "absent.pem"), "could not be read"},
		{notPEM, "holds no PEM certificate"},
	} {
		_, problems := Settings{Endpoint: "m:1", AccessKey: "a", SecretKey: "s", CAFile: tc.file}.Resolve(env(nil))
		if len(problems) != 1 || problems[0].Field != "ca_file" || !strings.Contains(problems[0].Detail, tc.want) {
			t.Fatalf("%s: got %+v", tc.file, problems)
		}
	}
}

func TestClientsDoNotContactTheServer(t *testing.T) {
	r, problems := Settings{Endpoint: "127.0.0.1:1", AccessKey: "a", SecretKey: "s"}.Resolve(env(nil))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if _, err := r.Admin(); err != nil {
		t.Fatalf("admin client: %v", err)
	}
	if _, err := r.S3(); err != nil {
		t.Fatalf("S3 client: %v", err)
	}
}

// A conflict names the environment variable when that set use_ssl: the
// user has no use_ssl in the configuration to look for.
func TestSchemeConflictNamesTheVariable(t *testing.T) {
	_, problems := Settings{Endpoint: "https://minio:9000", AccessKey: "a", SecretKey: "s"}.Resolve(env(map[string]string{"MINIO_ENABLE_HTTPS": "false"}))
	if len(problems) != 1 || problems[0].Field != "endpoint" || !strings.Contains(problems[0].Detail, "while MINIO_ENABLE_HTTPS is false") {
		t.Fatalf("got %+v", problems)
	}
}

func TestSourceAndExplicitPort(t *testing.T) {
	r, problems := Settings{Endpoint: "https://minio.example.com", SecretKey: "s", UseSSL: ptr(true)}.Resolve(env(map[string]string{
		"MINIO_ROOT_USER": "root", "MINIO_CACERT_FILE": "", "MINIO_REGION": "eu-west-1",
	}))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	for field, want := range map[string]string{"endpoint": "endpoint", "secret_key": "secret_key", "use_ssl": "use_ssl",
		"access_key": "MINIO_ROOT_USER", "region": "MINIO_REGION", "ca_file": "", "session_token": "", "insecure": ""} {
		if got := r.Source(field); got != want {
			t.Errorf("Source(%q) = %q, want %q", field, got, want)
		}
	}
	if r.ExplicitPort || r.Host != "minio.example.com" {
		t.Errorf("host %q, explicit port %t; want a bare host", r.Host, r.ExplicitPort)
	}
	r, _ = Settings{AccessKey: "a", SecretKey: "s"}.Resolve(env(map[string]string{"MINIO_ENDPOINT": "minio:9000", "MINIO_ENABLE_HTTPS": "true"}))
	if !r.ExplicitPort || r.Source("endpoint") != "MINIO_ENDPOINT" || r.Source("use_ssl") != "MINIO_ENABLE_HTTPS" {
		t.Errorf("explicit port %t, sources %q %q", r.ExplicitPort, r.Source("endpoint"), r.Source("use_ssl"))
	}
}
