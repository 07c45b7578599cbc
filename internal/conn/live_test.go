package conn_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/minio/kes-go"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/conn"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// noEnv keeps the stack's exported MINIO_ and KES_ variables out of the
// settings under test.
func noEnv(string) (string, bool) { return "", false }

func liveCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// The real MinIO refuses a wrong secret key and an unknown access key with
// the codes Explain knows.
func TestLiveMinIORefusesCredentials(t *testing.T) {
	s := teststack.Live(t)
	for name, tc := range map[string]struct{ accessKey, secretKey, field string }{
		"wrong secret key":   {s.AccessKey, "wrong-" + s.SecretKey, "secret_key"},
		"unknown access key": {"no-such-user", s.SecretKey, "access_key"},
	} {
		t.Run(name, func(t *testing.T) {
			r, problems := conn.Settings{Endpoint: s.MinIOEndpoint, AccessKey: tc.accessKey, SecretKey: tc.secretKey,
				UseSSL: &s.MinIOTLS, CAFile: s.CAFile}.Resolve(noEnv)
			if len(problems) > 0 {
				t.Fatal(problems)
			}
			admin, err := r.Admin()
			if err != nil {
				t.Fatal(err)
			}
			_, err = admin.GetKeyStatus(liveCtx(t), "")
			t.Logf("%T: %v", err, err)
			f, ok := r.Explain(err)
			if !ok || f.Summary != "MinIO Refused The Credentials" || f.Field != tc.field {
				t.Fatalf("got %+v, %t for %v", f, ok, err)
			}
			if strings.Contains(f.Detail, tc.secretKey) {
				t.Fatalf("detail shows the secret key:\n%s", f.Detail)
			}
		})
	}
}

// The real KES: its private CA not configured, and an identity it does not
// know.
func TestLiveKES(t *testing.T) {
	s := teststack.Live(t)
	stranger, err := kes.GenerateAPIKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		settings       conn.KESSettings
		summary, field string
	}{
		"no CA configured": {conn.KESSettings{Endpoint: s.KESEndpoint, APIKey: s.KESAdminAPIKey}, "KES Certificate Not Trusted", "kes.ca_file"},
		"unknown identity": {conn.KESSettings{Endpoint: s.KESEndpoint, APIKey: stranger.String(), CAFile: s.CAFile}, "KES Refused The Credentials", "kes.api_key"},
	} {
		t.Run(name, func(t *testing.T) {
			k, problems := tc.settings.ResolveKES(noEnv)
			if len(problems) > 0 {
				t.Fatal(problems)
			}
			_, err := k.Client.DescribeKey(liveCtx(t), s.DefaultKey)
			t.Logf("%T: %v", err, err)
			f, ok := k.Explain(err)
			if !ok || f.Summary != tc.summary || f.Field != tc.field {
				t.Fatalf("got %+v, %t for %v", f, ok, err)
			}
			if strings.Contains(f.Detail, tc.settings.APIKey) {
				t.Fatalf("detail shows the API key:\n%s", f.Detail)
			}
		})
	}
}
