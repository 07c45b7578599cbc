package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// invalidCase is a configuration that must be refused at validate or plan
// time with summary. where is a pattern of what follows the summary: the
// configuration line the CLI shows (Terraform points into blocks) and,
// for a nested argument, its name in the detail ("filter.newer_than").
type invalidCase struct {
	summary string
	where   string
	body    string // the resource body, or a whole configuration when it starts with "provider"
}

// line expects the CLI to show the configuration line setting attr.
func line(attr string) string { return `\n\s*\d+:\s+` + attr + `\s*=` }

// blockLine expects the CLI to show the line opening block.
func blockLine(block string) string { return `\n\s*\d+:\s+` + block + `\s*\{` }

// says expects a phrase of the detail; the CLI wraps details, so any run of
// white space matches a space.
func says(phrase string) string {
	return strings.Join(strings.Fields(regexp.QuoteMeta(phrase)), `\s+`)
}

// at expects the line of a nested argument and its name in the detail.
func at(attr, name, phrase string) string {
	return line(attr) + `.*` + says(name+": ") + `.*` + says(phrase)
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
	okKMS    = "encryption {\n  type = \"sse-kms\"\n  key  = \"finance-2026-11\"\n}\n"
)

func withFilter(lines ...string) string {
	return okBucket + okKMS + "filter {\n" + strings.Join(lines, "\n") + "\n}"
}

func withEncryption(lines ...string) string {
	return okBucket + "encryption {\n" + strings.Join(lines, "\n") + "\n}"
}

func withProvider(provider string) string {
	return "provider \"minio\" {\n" + provider + "\n}\nresource \"minio_batch_keyrotate\" \"bad\" {\n" + okBucket + okKMS + "}"
}

// unsupported is Terraform's own refusal of a misspelled argument.
func unsupported(name string) string {
	return says(`An argument named "` + name + `" is not expected here.`)
}

var invalidCases = []invalidCase{
	// Values the provider refuses, each on its argument.
	{"Missing Bucket", line("bucket"), "bucket = \"\"\n" + okKMS},
	{"Invalid Bucket Name", line("bucket"), "bucket = \"Finance_Data\"\n" + okKMS},
	{"Invalid Bucket Name", line("bucket"), "bucket = \"ab\"\n" + okKMS},
	{"Invalid Bucket Name", line("bucket"), "bucket = \"192.168.1.1\"\n" + okKMS},
	{"Invalid Prefix", line("prefix"), okBucket + okKMS + "prefix = \"/2024/\""},
	{"Missing Encryption Block", says(`A rotation needs the encryption to rotate to.`), okBucket},
	{"Invalid Encryption Type", at("type", "encryption.type", `type "aes" is not supported`), withEncryption(`type = "aes"`)},
	{"Missing Encryption Key", blockLine("encryption") + `.*` + says("encryption.key: ") + `.*` + says(`key is required with type sse-kms`), withEncryption(`type = "sse-kms"`)},
	{"Unexpected Encryption Key", at("key", "encryption.key", `key is only accepted with type sse-kms`), withEncryption(`type = "sse-s3"`, `key = "finance-2026-11"`)},
	{"Invalid Encryption Key Name", at("key", "encryption.key", `is not a valid KMS key name`), withEncryption(`type = "sse-kms"`, `key = "finance key"`)},
	{"Invalid Encryption Key Name", at("key", "encryption.key", `is not a valid KMS key name`), withEncryption(`type = "sse-kms"`, `key = "finance.2026"`)},
	{"Unsupported Encryption Context", at("context", "encryption.context", `validates the KMS context and then discards it`), withEncryption(`type = "sse-kms"`, `key = "k1"`, `context = { dept = "finance" }`)},
	{"Invalid Duration", at("newer_than", "filter.newer_than", `want positive whole numbers`), withFilter(`newer_than = "7days"`)},
	{"Invalid Duration", at("older_than", "filter.older_than", `want positive whole numbers`), withFilter(`older_than = "1.5h"`)},
	{"Invalid Duration", at("newer_than", "filter.newer_than", `want positive whole numbers`), withFilter(`newer_than = "-1h"`)},
	{"Invalid Duration", at("older_than", "filter.older_than", `want positive whole numbers`), withFilter(`older_than = "1h1d"`)},
	{"Invalid Duration", at("newer_than", "filter.newer_than", `"7x"`), withFilter(`newer_than = "7x"`, `older_than = "1d"`)},
	{"Empty Age Window", at("older_than", "filter.older_than", `older_than (30d) must be shorter than newer_than (7d)`), withFilter(`newer_than = "7d"`, `older_than = "30d"`)},
	{"Invalid Timestamp", at("created_after", "filter.created_after", `expected an RFC 3339 timestamp`), withFilter(`created_after = "2026-13-01T00:00:00Z"`)},
	{"Invalid Timestamp", at("created_before", "filter.created_before", `expected an RFC 3339 timestamp`), withFilter(`created_before = "yesterday"`)},
	{"Empty Creation Window", at("created_after", "filter.created_after", `created_after (2026-06-01T00:00:00Z) must be before created_before`), withFilter(`created_after = "2026-06-01T00:00:00Z"`, `created_before = "2026-01-01T00:00:00Z"`)},
	{"Conflicting Filters", blockLine("metadata") + `.*` + says(`filter.metadata: metadata cannot be combined with tag`), withFilter(kvBlocks("tag", "class", "pii"), kvBlocks("metadata", "content-type", "image/*"))},
	{"Unsupported KMS Key Filter", at("kms_key", "filter.kms_key", `Remove kms_key`), withFilter(`kms_key = "finance-2025-11"`)},
	{"Missing Tag Key", at("key", "filter.tag[0].key", `key is required`), withFilter(kvBlocks("tag", "", "pii"))},
	{"Invalid Tag Key", at("key", "filter.tag[1].key", `tag key "class!" can match no object tag`), withFilter(kvBlocks("tag", "legal", "hold", "class!", "pii"))},
	{"Invalid Tag Value", at("value", "filter.tag[0].value", `tag value pattern "pii#1" can match no object tag`), withFilter(kvBlocks("tag", "class", "pii#1"))},
	{"Invalid Metadata Key", at("key", "filter.metadata[0].key", `the server cannot match metadata key`), withFilter(kvBlocks("metadata", "expires", "*"))},
	{"Invalid Metadata Key", at("key", "filter.metadata[0].key", `the server cannot match metadata key`), withFilter(kvBlocks("metadata", "x-minio-internal-actual-size", "*"))},
	{"Missing Metadata Key", at("key", "filter.metadata[0].key", `key is required`), withFilter(kvBlocks("metadata", "", "*"))},
	{"Invalid Notification Endpoint", at("endpoint", "notify.endpoint", `endpoint must be an absolute http or https URL`), okBucket + okKMS + "notify {\n  endpoint = \"ftp://hooks.example.com\"\n}"},
	{"Invalid Notification Endpoint", at("endpoint", "notify.endpoint", `endpoint must be an absolute http or https URL`), okBucket + okKMS + "notify {\n  endpoint = \"hooks.example.com/rotation\"\n}"},
	{"Invalid Notification Token", at("token", "notify.token", `token contains control characters`), okBucket + okKMS + "notify {\n  endpoint = \"https://hooks.example.com\"\n  token    = \"Bearer a\\nb\"\n}"},
	{"Invalid Retry Attempts", at("attempts", "retry.attempts", `it must be 1 to 100`), okBucket + okKMS + "retry {\n  attempts = 101\n}"},
	{"Invalid Retry Attempts", at("attempts", "retry.attempts", `it must be 1 to 100`), okBucket + okKMS + "retry {\n  attempts = -1\n}"},
	{"Invalid Duration", at("delay", "retry.delay", `want positive whole numbers`), okBucket + okKMS + "retry {\n  delay = \"soon\"\n}"},
	{"Invalid Duration", line("stall_timeout"), okBucket + okKMS + "stall_timeout = \"forever\""},
	{"Cannot Preserve Without Waiting", line("wait_for_completion") + `.*` + says("wait_for_completion = false cannot be combined with preserve_tags"), okBucket + okKMS + "wait_for_completion = false"},
	{"Invalid MinIO Endpoint", line("endpoint"), withProvider(`endpoint = "ftp://minio.example.com:9000"`)},
	{"Invalid KES Endpoint", line("endpoint") + `.*` + says("KES speaks only HTTPS"), withProvider("kes {\n  endpoint = \"http://kes.example.com:7373\"\n}")},
	{"Invalid KES Key Name", line("name"), "provider \"minio\" {}\nresource \"minio_kes_key\" \"bad\" {\n  name = \"finance.2026\"\n}"},
	{"Unusable CA File", line("ca_file"), withProvider(`ca_file = "/nonexistent/ca.pem"`)},

	// Misspelled or misplaced arguments: Terraform itself refuses them by
	// name, because every nested section is a block.
	{"Unsupported argument", line("tags") + `.*` + unsupported("tags"), withFilter(`tags = [{ key = "class", value = "pii" }]`)},
	{"Unsupported block type", blockLine("tags") + `.*` + says(`Blocks of type "tags" are not expected here.`), withFilter("tags {\n  key   = \"class\"\n  value = \"pii\"\n}")},
	{"Unsupported argument", line("valu") + `.*` + unsupported("valu"), withFilter("tag {\n  key  = \"class\"\n  valu = \"pii\"\n}")},
	{"Missing required argument", says(`The argument "value" is required, but no definition was found.`), withFilter("tag {\n  key = \"class\"\n}")},
	{"Unsupported argument", line("newer_then") + `.*` + unsupported("newer_then"), withFilter(`newer_then = "7d"`)},
	{"Unsupported argument", line("typ") + `.*` + unsupported("typ"), withEncryption(`typ = "sse-kms"`, `key = "k1"`)},
	{"Missing Encryption Type", blockLine("encryption") + `.*` + says(`encryption.type: type is required: "sse-s3" or "sse-kms".`), withEncryption(`key = "k1"`)},
	{"Missing Notification Endpoint", blockLine("notify") + `.*` + says(`notify.endpoint: a notify block needs the http or https URL`), okBucket + okKMS + "notify {}"},
	{"Unsupported argument", line("encryption") + `.*` + unsupported("encryption"), okBucket + "encryption = {\n  type = \"sse-s3\"\n}"},
	{"Duplicate encryption block", blockLine("encryption") + `.*` + says(`Only one block of type "encryption" is allowed.`), okBucket + okKMS + okKMS},
	{"Unsupported argument", line("endpont") + `.*` + unsupported("endpont"), okBucket + okKMS + "notify {\n  endpont = \"https://hooks.example.com\"\n}"},
	{"Unsupported argument", line("attempt") + `.*` + unsupported("attempt"), okBucket + okKMS + "retry {\n  attempt = 3\n}"},
	{"Unsupported argument", line("craete") + `.*` + unsupported("craete"), okBucket + okKMS + "timeouts {\n  craete = \"2h\"\n}"},
	{"Unsupported block type", blockLine("tag") + `.*` + says(`Blocks of type "tag" are not expected here.`), okBucket + okKMS + kvBlocks("tag", "class", "pii")},
	{"Unsupported argument", line("api_kee") + `.*` + unsupported("api_kee"), withProvider("kes {\n  endpoint = \"https://kes.example.com:7373\"\n  api_kee  = \"kes:v1:x\"\n}")},
}

// TestInvalidCasesAreMany keeps the table above the size the issue asked
// for, so that a refactoring cannot quietly shrink it.
func TestInvalidCasesAreMany(t *testing.T) {
	if len(invalidCases) < 40 {
		t.Fatalf("%d invalid configurations, want at least 40", len(invalidCases))
	}
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
