package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// invalidCase is a configuration that must be refused at validate or plan
// time with summary. For a top-level argument, where names one: the CLI
// must print its line ("NN:   bucket = ..."). Terraform cannot point into an
// object value, so for a nested argument (encryption.key, filter.tags, ...)
// where is a phrase of the detail that names it; the attribute paths
// themselves are checked by TestValidationErrorPaths.
type invalidCase struct {
	summary string
	where   string
	body    string // the resource body, or a whole configuration when it starts with "provider"
}

// line expects the CLI to show the configuration line setting attr.
func line(attr string) string { return `\n\s*\d+:\s+` + attr + `\s*=` }

// says expects a phrase of the detail; the CLI wraps details, so any run of
// white space matches a space.
func says(phrase string) string {
	return strings.Join(strings.Fields(regexp.QuoteMeta(phrase)), `\s+`)
}

func (c invalidCase) config() string {
	if strings.HasPrefix(c.body, "provider") {
		return c.body
	}
	return "resource \"minio_batch_keyrotate\" \"bad\" {\n" + c.body + "\n}\n"
}

func (c invalidCase) pattern() *regexp.Regexp {
	return regexp.MustCompile(`(?s)Error: ` + regexp.QuoteMeta(c.summary) + `.*` + c.where)
}

const (
	okBucket = "bucket = \"finance\"\n"
	okKMS    = "encryption = {\n  type = \"sse-kms\"\n  key  = \"finance-2026-11\"\n}\n"
)

func withFilter(lines ...string) string {
	return okBucket + okKMS + "filter = {\n" + strings.Join(lines, "\n") + "\n}"
}

var invalidCases = []invalidCase{
	{"Missing Bucket", line("bucket"), "bucket = \"\"\n" + okKMS},
	{"Invalid Bucket Name", line("bucket"), "bucket = \"Finance_Data\"\n" + okKMS},
	{"Invalid Bucket Name", line("bucket"), "bucket = \"ab\"\n" + okKMS},
	{"Invalid Bucket Name", line("bucket"), "bucket = \"192.168.1.1\"\n" + okKMS},
	{"Invalid Prefix", line("prefix"), okBucket + okKMS + "prefix = \"/2024/\""},
	{"Invalid Encryption Type", says(`type "aes" is not supported`), okBucket + "encryption = {\n  type = \"aes\"\n}"},
	{"Missing Encryption Key", says(`key is required with type sse-kms`), okBucket + "encryption = {\n  type = \"sse-kms\"\n}"},
	{"Unexpected Encryption Key", says(`key is only accepted with type sse-kms`), okBucket + "encryption = {\n  type = \"sse-s3\"\n  key  = \"finance-2026-11\"\n}"},
	{"Invalid Encryption Key Name", says(`is not a valid KMS key name`), okBucket + "encryption = {\n  type = \"sse-kms\"\n  key  = \"finance key\"\n}"},
	{"Invalid Encryption Key Name", says(`is not a valid KMS key name`), okBucket + "encryption = {\n  type = \"sse-kms\"\n  key  = \"finance.2026\"\n}"},
	{"Unsupported Encryption Context", says(`validates the KMS context and then discards it`), okBucket + "encryption = {\n  type    = \"sse-kms\"\n  key     = \"k1\"\n  context = { dept = \"finance\" }\n}"},
	{"Invalid Duration", says(`want positive whole numbers`), withFilter(`newer_than = "7days"`)},
	{"Invalid Duration", says(`want positive whole numbers`), withFilter(`older_than = "1.5h"`)},
	{"Invalid Duration", says(`want positive whole numbers`), withFilter(`newer_than = "-1h"`)},
	{"Invalid Duration", says(`want positive whole numbers`), withFilter(`older_than = "1h1d"`)},
	{"Empty Age Window", says(`older_than (30d) must be shorter than newer_than (7d)`), withFilter(`newer_than = "7d"`, `older_than = "30d"`)},
	{"Invalid Timestamp", says(`Expected an RFC 3339 timestamp`), withFilter(`created_after = "2026-13-01T00:00:00Z"`)},
	{"Invalid Timestamp", says(`Expected an RFC 3339 timestamp`), withFilter(`created_before = "yesterday"`)},
	{"Empty Creation Window", says(`created_after (2026-06-01T00:00:00Z) must be before created_before`), withFilter(`created_after = "2026-06-01T00:00:00Z"`, `created_before = "2026-01-01T00:00:00Z"`)},
	{"Conflicting Filters", says(`metadata cannot be combined with tags`), withFilter(`tags = [{ key = "class", value = "pii" }]`, `metadata = [{ key = "content-type", value = "image/*" }]`)},
	{"Unsupported KMS Key Filter", says(`Remove kms_key`), withFilter(`kms_key = "finance-2025-11"`)},
	{"Missing Tag Key", says(`key is required`), withFilter(`tags = [{ key = "", value = "pii" }]`)},
	{"Invalid Tag Key", says(`tag key "class!" can match no object tag`), withFilter(`tags = [{ key = "class!", value = "pii" }]`)},
	{"Invalid Tag Value", says(`tag value pattern "pii#1" can match no object tag`), withFilter(`tags = [{ key = "class", value = "pii#1" }]`)},
	{"Invalid Metadata Key", says(`the server cannot match metadata key`), withFilter(`metadata = [{ key = "expires", value = "*" }]`)},
	{"Invalid Metadata Key", says(`the server cannot match metadata key`), withFilter(`metadata = [{ key = "x-minio-internal-actual-size", value = "*" }]`)},
	{"Missing Metadata Key", says(`key is required`), withFilter(`metadata = [{ key = "", value = "*" }]`)},
	{"Invalid Notification Endpoint", says(`endpoint must be an absolute http or https URL`), okBucket + okKMS + "notify = {\n  endpoint = \"ftp://hooks.example.com\"\n}"},
	{"Invalid Notification Endpoint", says(`endpoint must be an absolute http or https URL`), okBucket + okKMS + "notify = {\n  endpoint = \"hooks.example.com/rotation\"\n}"},
	{"Invalid Notification Token", says(`token contains control characters`), okBucket + okKMS + "notify = {\n  endpoint = \"https://hooks.example.com\"\n  token    = \"Bearer a\\nb\"\n}"},
	{"Invalid Retry Attempts", says(`it must be 1 to 100`), okBucket + okKMS + "retry = {\n  attempts = 101\n}"},
	{"Invalid Retry Attempts", says(`it must be 1 to 100`), okBucket + okKMS + "retry = {\n  attempts = -1\n}"},
	{"Invalid Duration", says(`want positive whole numbers`), okBucket + okKMS + "retry = {\n  delay = \"soon\"\n}"},
	{"Invalid Duration", line("stall_timeout"), okBucket + okKMS + "stall_timeout = \"forever\""},
	{"Invalid MinIO Endpoint", line("endpoint"), "provider \"minio\" {\n  endpoint = \"ftp://minio.example.com:9000\"\n}\nresource \"minio_batch_keyrotate\" \"bad\" {\n" + okBucket + okKMS + "}"},
	{"Invalid KES Endpoint", says("KES speaks only HTTPS"), "provider \"minio\" {\n  kes = {\n    endpoint = \"http://kes.example.com:7373\"\n  }\n}\nresource \"minio_batch_keyrotate\" \"bad\" {\n" + okBucket + okKMS + "}"},
	{"Invalid KES Key Name", line("name"), "provider \"minio\" {}\nresource \"minio_kes_key\" \"bad\" {\n  name = \"finance.2026\"\n}"},
	{"Unusable CA File", line("ca_file"), "provider \"minio\" {\n  ca_file = \"/nonexistent/ca.pem\"\n}\nresource \"minio_batch_keyrotate\" \"bad\" {\n" + okBucket + okKMS + "}"},
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
