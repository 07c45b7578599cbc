package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// invalidCase is a configuration that must be refused at validate or plan
// time with summary, on the configuration line that sets attr (matched as
// the CLI prints the offending line: "NN:   attr = ...").
type invalidCase struct {
	summary string
	attr    string
	body    string // the resource body, or a whole configuration when it starts with "provider"
}

func (c invalidCase) config() string {
	if strings.HasPrefix(c.body, "provider") {
		return c.body
	}
	return "resource \"minio_batch_keyrotate\" \"bad\" {\n" + c.body + "\n}\n"
}

func (c invalidCase) pattern() *regexp.Regexp {
	return regexp.MustCompile(`(?s)Error: ` + regexp.QuoteMeta(c.summary) + `.*\n\s*\d+:\s+` + regexp.QuoteMeta(c.attr) + `\s*=`)
}

const (
	okBucket = "bucket = \"finance\"\n"
	okKMS    = "encryption = {\n  type = \"sse-kms\"\n  key  = \"finance-2026-11\"\n}\n"
)

func withFilter(lines ...string) string {
	return okBucket + okKMS + "filter = {\n" + strings.Join(lines, "\n") + "\n}"
}

var invalidCases = []invalidCase{
	{"Missing Bucket", "bucket", "bucket = \"\"\n" + okKMS},
	{"Invalid Bucket Name", "bucket", "bucket = \"Finance_Data\"\n" + okKMS},
	{"Invalid Bucket Name", "bucket", "bucket = \"ab\"\n" + okKMS},
	{"Invalid Bucket Name", "bucket", "bucket = \"192.168.1.1\"\n" + okKMS},
	{"Invalid Prefix", "prefix", okBucket + okKMS + "prefix = \"/2024/\""},
	{"Invalid Encryption Type", "type", okBucket + "encryption = {\n  type = \"aes\"\n}"},
	{"Missing Encryption Key", "encryption", okBucket + "encryption = {\n  type = \"sse-kms\"\n}"},
	{"Unexpected Encryption Key", "key", okBucket + "encryption = {\n  type = \"sse-s3\"\n  key  = \"finance-2026-11\"\n}"},
	{"Invalid Encryption Key Name", "key", okBucket + "encryption = {\n  type = \"sse-kms\"\n  key  = \"finance key\"\n}"},
	{"Invalid Encryption Key Name", "key", okBucket + "encryption = {\n  type = \"sse-kms\"\n  key  = \"finance.2026\"\n}"},
	{"Unsupported Encryption Context", "context", okBucket + "encryption = {\n  type    = \"sse-kms\"\n  key     = \"k1\"\n  context = { dept = \"finance\" }\n}"},
	{"Invalid Duration", "newer_than", withFilter(`newer_than = "7days"`)},
	{"Invalid Duration", "older_than", withFilter(`older_than = "1.5h"`)},
	{"Invalid Duration", "newer_than", withFilter(`newer_than = "-1h"`)},
	{"Invalid Duration", "older_than", withFilter(`older_than = "1h1d"`)},
	{"Empty Age Window", "older_than", withFilter(`newer_than = "7d"`, `older_than = "30d"`)},
	{"Invalid Timestamp", "created_after", withFilter(`created_after = "2026-13-01T00:00:00Z"`)},
	{"Invalid Timestamp", "created_before", withFilter(`created_before = "yesterday"`)},
	{"Empty Creation Window", "created_after", withFilter(`created_after = "2026-06-01T00:00:00Z"`, `created_before = "2026-01-01T00:00:00Z"`)},
	{"Conflicting Filters", "metadata", withFilter(`tags = [{ key = "class", value = "pii" }]`, `metadata = [{ key = "content-type", value = "image/*" }]`)},
	{"Unsupported KMS Key Filter", "kms_key", withFilter(`kms_key = "finance-2025-11"`)},
	{"Missing Tag Key", "tags", withFilter(`tags = [{ key = "", value = "pii" }]`)},
	{"Invalid Tag Key", "tags", withFilter(`tags = [{ key = "class!", value = "pii" }]`)},
	{"Invalid Tag Value", "tags", withFilter(`tags = [{ key = "class", value = "pii#1" }]`)},
	{"Invalid Metadata Key", "metadata", withFilter(`metadata = [{ key = "expires", value = "*" }]`)},
	{"Invalid Metadata Key", "metadata", withFilter(`metadata = [{ key = "x-minio-internal-actual-size", value = "*" }]`)},
	{"Missing Metadata Key", "metadata", withFilter(`metadata = [{ key = "", value = "*" }]`)},
	{"Invalid Notification Endpoint", "endpoint", okBucket + okKMS + "notify = {\n  endpoint = \"ftp://hooks.example.com\"\n}"},
	{"Invalid Notification Endpoint", "endpoint", okBucket + okKMS + "notify = {\n  endpoint = \"hooks.example.com/rotation\"\n}"},
	{"Invalid Notification Token", "token", okBucket + okKMS + "notify = {\n  endpoint = \"https://hooks.example.com\"\n  token    = \"Bearer a\\nb\"\n}"},
	{"Invalid Retry Attempts", "attempts", okBucket + okKMS + "retry = {\n  attempts = 101\n}"},
	{"Invalid Retry Attempts", "attempts", okBucket + okKMS + "retry = {\n  attempts = -1\n}"},
	{"Invalid Duration", "delay", okBucket + okKMS + "retry = {\n  delay = \"soon\"\n}"},
	{"Invalid Duration", "stall_timeout", okBucket + okKMS + "stall_timeout = \"forever\""},
	{"Invalid MinIO Endpoint", "endpoint", "provider \"minio\" {\n  endpoint = \"ftp://minio.example.com:9000\"\n}\nresource \"minio_batch_keyrotate\" \"bad\" {\n" + okBucket + okKMS + "}"},
	{"Unusable CA File", "ca_file", "provider \"minio\" {\n  ca_file = \"/nonexistent/ca.pem\"\n}\nresource \"minio_batch_keyrotate\" \"bad\" {\n" + okBucket + okKMS + "}"},
}

// TestAccBatchKeyrotate_invalidConfigurations checks that each invalid
// configuration is refused before apply with a diagnostic on the argument
// that is wrong, and that none of them started a job.
func TestAccBatchKeyrotate_invalidConfigurations(t *testing.T) {
	a := newAcc(t)
	jobsBefore := a.jobIDs()
	steps := make([]resource.TestStep, len(invalidCases))
	for i, c := range invalidCases {
		steps[i] = resource.TestStep{Config: c.config(), PlanOnly: true, ExpectError: c.pattern()}
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
	if after := a.jobIDs(); fmt.Sprint(after) != fmt.Sprint(jobsBefore) {
		t.Fatalf("invalid configurations started jobs: before %v, after %v", jobsBefore, after)
	}
}
