package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// diagnosticCase is a provider setting that breaks the connection, and the
// diagnostic it must give: the real cause and the setting to change,
// never "Target Key Not Usable".
type diagnosticCase struct {
	name     string
	provider string // the provider block's body
	env      map[string]string
	config   string // what uses the provider
	want     string // pattern of the CLI output
}

func runDiagnosticCases(t *testing.T, a *acc, cases []diagnosticCase) {
	jobsBefore := a.jobIDs()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: protoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      "provider \"minio\" {\n" + c.provider + "\n}\n" + c.config,
					ExpectError: regexp.MustCompile(`(?s)` + c.want),
				}},
			})
		})
	}
	if after := a.jobIDs(); fmt.Sprint(after) != fmt.Sprint(jobsBefore) {
		t.Fatalf("failed connections started jobs: before %v, after %v", jobsBefore, after)
	}
}

// TestAccDiagnostics_minioConnection: each way of not reaching MinIO is
// named for what it is, with the setting to change.
func TestAccDiagnostics_minioConnection(t *testing.T) {
	a := newAcc(t)
	bucket, key := a.bucket(), a.key()
	rotation := rotateConfig(bucket, key, "")
	endpoint, closed := a.stack.MinIOEndpoint, teststack.ClosedAddr(t)
	runDiagnosticCases(t, a, []diagnosticCase{
		{name: "wrong secret key", provider: `secret_key = "not-the-secret-key-0123"`, config: rotation,
			want: `Error: MinIO Refused The Credentials.*No job was started.*secret_key`},
		{name: "unknown access key", provider: `access_key = "nobody-here"`, config: rotation,
			want: `Error: MinIO Refused The Credentials.*No job was started.*access_key`},
		{name: "https against http", provider: fmt.Sprintf("endpoint = %q\nuse_ssl = true", "https://"+endpoint), config: rotation,
			want: `Error: MinIO Endpoint Scheme Mismatch.*No job was started`},
		{name: "endpoint without port", provider: `endpoint = "127.0.0.1"`, config: rotation,
			want: `Error: Cannot Reach MinIO.*127\.0\.0\.1:80`},
		{name: "minio down", provider: fmt.Sprintf("endpoint = %q", closed), config: rotation,
			want: `Error: Cannot Reach MinIO.*` + regexp.QuoteMeta(closed)},
		{name: "environment contradicts the endpoint", provider: fmt.Sprintf("endpoint = %q", "https://"+endpoint),
			env: map[string]string{"MINIO_ENABLE_HTTPS": "false"}, config: rotation,
			want: `Error: Invalid MinIO Endpoint.*MINIO_ENABLE_HTTPS`},
		{name: "missing bucket", config: rotateConfig(randomName("no-such-bucket-"), key, ""),
			want: `Error: Bucket Not Found.*\d+:\s+bucket\s*=.*bucket: the server at \S+ has no bucket`},
		// KES answers TLS and a missing bucket's HEAD with 404, as MinIO would.
		{name: "endpoint is KES", provider: fmt.Sprintf("endpoint = %q\nuse_ssl = true\ninsecure = true", a.stack.KESEndpoint), config: rotation,
			want: `Error: Endpoint Is Not MinIO.*not MinIO: it does not answer MinIO.s liveness probe.*Nothing was planned to change`},
	})
}

// TestAccDiagnostics_kesConnection: KES down or not trusted is named as
// such, by the rotation's key check and by minio_kes_key alike.
func TestAccDiagnostics_kesConnection(t *testing.T) {
	a := newAcc(t)
	bucket, key := a.bucket(), a.key()
	rotation := rotateConfig(bucket, key, "")
	newKey := kesKeyConfig(randomName("diag-"), "")
	down := fmt.Sprintf("kes {\n  endpoint = %q\n}", "https://"+teststack.ClosedAddr(t))
	untrusted := map[string]string{"KES_CACERT_FILE": ""}
	runDiagnosticCases(t, a, []diagnosticCase{
		{name: "kes down, rotation", provider: down, config: rotation, want: `Error: Cannot Reach KES.*kes\.endpoint`},
		{name: "kes down, key", provider: down, config: newKey, want: `Error: Cannot Reach KES.*kes\.endpoint`},
		{name: "private CA not configured, rotation", env: untrusted, config: rotation, want: `Error: KES Certificate Not Trusted.*kes\.ca_file`},
		{name: "private CA not configured, key", env: untrusted, config: newKey, want: `Error: KES Certificate Not Trusted.*kes\.ca_file`},
	})
}
