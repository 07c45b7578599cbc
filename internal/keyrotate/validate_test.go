package keyrotate

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestValidateAcceptsValidSpecs(t *testing.T) {
	specs := map[string]func(*Spec){
		"every accepted field": func(*Spec) {},
		"minimal sse-s3": func(s *Spec) {
			*s = Spec{Bucket: "abc", Encryption: Encryption{Type: SSES3}}
		},
		"sse-s3 with empty context": func(s *Spec) {
			s.Encryption = Encryption{Type: SSES3, Context: map[string]string{}}
		},
		"metadata instead of tags": func(s *Spec) {
			s.Filter.Tags = nil
			s.Filter.Metadata = []KV{
				{Key: "dept", Value: "fin*"},
				{Key: "Content-Type", Value: "image/*"},
				{Key: "X-Amz-Meta-Cost-Center", Value: ""},
				{Key: "x-amz-storage-class", Value: "STANDARD"},
			}
		},
		"one-sided windows": func(s *Spec) {
			s.Filter.NewerThan, s.Filter.CreatedBefore = 0, time.Time{}
		},
		"tag wildcards and allowed characters": func(s *Spec) {
			s.Filter.Tags = []KV{{Key: "a+b-c=d._:/@ e", Value: "*"}, {Key: strings.Repeat("k", 128), Value: strings.Repeat("v", 256)}, {Key: "empty", Value: ""}}
		},
		"bucket and key name edges": func(s *Spec) {
			s.Bucket = "1.2.3"
			s.Encryption.Key = "_" + strings.Repeat("k", 79)
		},
		"bucket with dots and dashes": func(s *Spec) { s.Bucket = "my.bucket-1" },
		"prefix at limit":             func(s *Spec) { s.Prefix = strings.Repeat("é", 512) },
		"notify without token":        func(s *Spec) { s.Notify = Notify{Endpoint: "http://10.0.0.1:8080/hook?x=1"} },
		"token with tab":              func(s *Spec) { s.Notify.Token = "Bearer\tabc" },
		"retry bounds":                func(s *Spec) { s.Retry = Retry{Attempts: 100} },
		"retry unset":                 func(s *Spec) { s.Retry = Retry{} },
	}
	for name, modify := range specs {
		t.Run(name, func(t *testing.T) {
			s := validSpec()
			modify(&s)
			if errs := s.Validate(); errs != nil {
				t.Errorf("Validate() = %v, want no errors", errs)
			}
		})
	}
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Spec)
		path   []string
		detail string
	}{
		// Bucket.
		{"bucket missing", func(s *Spec) { s.Bucket = "" }, path("bucket"), "bucket is required"},
		{"bucket too short", func(s *Spec) { s.Bucket = "ab" }, path("bucket"), "3 to 63 characters"},
		{"bucket too long", func(s *Spec) { s.Bucket = strings.Repeat("a", 64) }, path("bucket"), "not a valid bucket name"},
		{"bucket uppercase", func(s *Spec) { s.Bucket = "Photos" }, path("bucket"), "lowercase letters"},
		{"bucket underscore", func(s *Spec) { s.Bucket = "my_bucket" }, path("bucket"), "not a valid bucket name"},
		{"bucket starts with dash", func(s *Spec) { s.Bucket = "-abc" }, path("bucket"), "starting and ending with a letter or digit"},
		{"bucket ends with dot", func(s *Spec) { s.Bucket = "abc." }, path("bucket"), "not a valid bucket name"},
		{"bucket double dot", func(s *Spec) { s.Bucket = "a..b" }, path("bucket"), `without ".."`},
		{"bucket dot dash", func(s *Spec) { s.Bucket = "a.-b" }, path("bucket"), `".-"`},
		{"bucket IPv4", func(s *Spec) { s.Bucket = "192.168.1.1" }, path("bucket"), "IPv4 address"},
		{"bucket xn--", func(s *Spec) { s.Bucket = "xn--abc" }, path("bucket"), `"xn--"`},
		{"bucket -s3alias", func(s *Spec) { s.Bucket = "abc-s3alias" }, path("bucket"), `"-s3alias"`},
		// Prefix.
		{"prefix not UTF-8", func(s *Spec) { s.Prefix = "a\xffb" }, path("prefix"), "valid UTF-8"},
		{"prefix too long", func(s *Spec) { s.Prefix = strings.Repeat("a", 1025) }, path("prefix"), "at most 1024"},
		{"prefix leading slash", func(s *Spec) { s.Prefix = "/2026/" }, path("prefix"), "starts with '/'"},
		// Encryption.
		{"type missing", func(s *Spec) { s.Encryption.Type = "" }, path("encryption", "type"), `"sse-s3" or "sse-kms"`},
		{"type unknown", func(s *Spec) { s.Encryption.Type = "SSE-KMS" }, path("encryption", "type"), "is not supported"},
		{"sse-s3 with key", func(s *Spec) { s.Encryption.Type = SSES3 }, path("encryption", "key"), "key is only accepted with type sse-kms"},
		{"sse-s3 with context", func(s *Spec) {
			s.Encryption = Encryption{Type: SSES3, Context: map[string]string{"a": "b"}}
		}, path("encryption", "context"), "context is only accepted with type sse-kms, and even there the pinned MinIO validates the KMS context and then discards it"},
		{"sse-kms without key", func(s *Spec) { s.Encryption.Key = "" }, path("encryption", "key"), "key is required with type sse-kms"},
		{"key with spaces", func(s *Spec) { s.Encryption.Key = " photos-key" }, path("encryption", "key"), "1 to 80 ASCII letters, digits, '-' and '_'"},
		{"key with slash", func(s *Spec) { s.Encryption.Key = "team/key" }, path("encryption", "key"), "not a valid KMS key name"},
		{"key with dot", func(s *Spec) { s.Encryption.Key = "key.v2" }, path("encryption", "key"), "not a valid KMS key name"},
		{"key with ARN", func(s *Spec) { s.Encryption.Key = "arn:aws:kms:photos-key" }, path("encryption", "key"), "not a valid KMS key name"},
		{"key leading dash", func(s *Spec) { s.Encryption.Key = "-key" }, path("encryption", "key"), "'-' may not be the first or last"},
		{"key trailing dash", func(s *Spec) { s.Encryption.Key = "key-" }, path("encryption", "key"), "not a valid KMS key name"},
		{"key underscore only", func(s *Spec) { s.Encryption.Key = "_" }, path("encryption", "key"), `may not be just "_"`},
		{"key too long", func(s *Spec) { s.Encryption.Key = strings.Repeat("k", 81) }, path("encryption", "key"), "1 to 80"},
		{"sse-kms with context", func(s *Spec) { s.Encryption.Context = map[string]string{"tenant": "acme"} }, path("encryption", "context"), "validates the KMS context and then discards it"},
		// Time filters.
		{"newer_than negative", func(s *Spec) { s.Filter.NewerThan = -time.Hour }, path("filter", "newer_than"), "newer_than is negative"},
		{"older_than negative", func(s *Spec) { s.Filter.OlderThan = -time.Hour }, path("filter", "older_than"), "older_than is negative"},
		{"age window empty", func(s *Spec) { s.Filter.OlderThan = 31 * day }, path("filter", "older_than"), "older_than (31d) must be shorter than newer_than (30d)"},
		{"age window equal", func(s *Spec) { s.Filter.OlderThan = 30 * day }, path("filter", "older_than"), "no object is both"},
		{"creation window inverted", func(s *Spec) { s.Filter.CreatedAfter = jun1.Add(time.Second) }, path("filter", "created_after"), "created_after (2026-06-01T00:00:01Z) must be before created_before (2026-06-01T00:00:00Z)"},
		{"creation window equal", func(s *Spec) { s.Filter.CreatedAfter = jun1.In(time.FixedZone("X", 7200)) }, path("filter", "created_after"), "must be before created_before"},
		{"created_after out of range", func(s *Spec) { s.Filter.CreatedAfter = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, path("filter", "created_after"), "outside the years 0001 to 9999"},
		{"created_before out of range", func(s *Spec) { s.Filter.CreatedBefore = time.Date(0, 12, 31, 0, 0, 0, 0, time.UTC) }, path("filter", "created_before"), "outside the years"},
		// Tags.
		{"tag key missing", func(s *Spec) { s.Filter.Tags[1].Key = "" }, path("filter", "tag", "1", "key"), "key is required"},
		{"tag key too long", func(s *Spec) { s.Filter.Tags[0].Key = strings.Repeat("k", 129) }, path("filter", "tag", "0", "key"), "1 to 128 characters"},
		{"tag key wildcard", func(s *Spec) { s.Filter.Tags[0].Key = "cl*" }, path("filter", "tag", "0", "key"), "can match no object tag"},
		{"tag value too long", func(s *Spec) { s.Filter.Tags[1].Value = strings.Repeat("v", 257) }, path("filter", "tag", "1", "value"), "0 to 256 characters"},
		{"tag value character", func(s *Spec) { s.Filter.Tags[0].Value = "a#b" }, path("filter", "tag", "0", "value"), "wildcards * (any sequence) and ?"},
		// Metadata.
		{"metadata with tags", func(s *Spec) { s.Filter.Metadata = []KV{{Key: "dept", Value: "fin"}} }, path("filter", "metadata"), "server never looks at the metadata filter, and would rotate every object matching the tags"},
		{"metadata key missing", func(s *Spec) { s.Filter.Tags, s.Filter.Metadata = nil, []KV{{Value: "x"}} }, path("filter", "metadata", "0", "key"), "key is required"},
		{"metadata key expires", func(s *Spec) { s.Filter.Tags, s.Filter.Metadata = nil, []KV{{Key: "dept"}, {Key: "Expires"}} }, path("filter", "metadata", "1", "key"), `the server cannot match metadata key "Expires"`},
		{"metadata key internal", func(s *Spec) {
			s.Filter.Tags, s.Filter.Metadata = nil, []KV{{Key: "x-minio-internal-replication-status"}}
		}, path("filter", "metadata", "0", "key"), `"x-amz-meta-NAME"`},
		{"metadata key other header", func(s *Spec) { s.Filter.Tags, s.Filter.Metadata = nil, []KV{{Key: "content-md5"}} }, path("filter", "metadata", "0", "key"), "content-type, cache-control"},
		{"metadata key amz header", func(s *Spec) { s.Filter.Tags, s.Filter.Metadata = nil, []KV{{Key: "x-amz-version-id"}} }, path("filter", "metadata", "0", "key"), "must not look like another header"},
		{"metadata key space", func(s *Spec) { s.Filter.Tags, s.Filter.Metadata = nil, []KV{{Key: "cost center"}} }, path("filter", "metadata", "0", "key"), "ASCII letters, digits and !#$%&'*+-.^_`|~"},
		{"metadata key empty name", func(s *Spec) { s.Filter.Tags, s.Filter.Metadata = nil, []KV{{Key: "X-Amz-Meta-"}} }, path("filter", "metadata", "0", "key"), "cannot match"},
		// KMS key filter.
		{"kms key filter", func(s *Spec) { s.Filter.KMSKey = "old-key" }, path("filter", "kms_key"), "would rotate objects under every key"},
		// Notify.
		{"endpoint scheme", func(s *Spec) { s.Notify.Endpoint = "ftp://hooks.example.com" }, path("notify", "endpoint"), "absolute http or https URL"},
		{"endpoint relative", func(s *Spec) { s.Notify.Endpoint = "hooks.example.com/minio" }, path("notify", "endpoint"), "with a host"},
		{"endpoint without host", func(s *Spec) { s.Notify.Endpoint = "https:///minio" }, path("notify", "endpoint"), "with a host"},
		{"endpoint unparsable", func(s *Spec) { s.Notify.Endpoint = "http://[::1" }, path("notify", "endpoint"), "absolute http or https URL"},
		{"token without endpoint", func(s *Spec) { s.Notify.Endpoint = "" }, path("notify", "endpoint"), "token is set without an endpoint"},
		{"token with line break", func(s *Spec) { s.Notify.Token = "Bearer abc\r\nX-Evil: 1" }, path("notify", "token"), "control characters"},
		// Retry.
		{"attempts negative", func(s *Spec) { s.Retry.Attempts = -1 }, path("retry", "attempts"), "1 to 100, or 0"},
		{"attempts too many", func(s *Spec) { s.Retry.Attempts = 101 }, path("retry", "attempts"), "attempts is 101"},
		{"delay negative", func(s *Spec) { s.Retry.Delay = -time.Millisecond }, path("retry", "delay"), "delay is negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSpec()
			tt.modify(&s)
			errs := s.Validate()
			if len(errs) != 1 {
				t.Fatalf("Validate() = %v, want exactly one error", errs)
			}
			e := errs[0]
			if diff := cmp.Diff(tt.path, e.Path); diff != "" {
				t.Errorf("path mismatch (-want +got):\n%s", diff)
			}
			if !strings.Contains(e.Detail, tt.detail) {
				t.Errorf("detail %q does not contain %q", e.Detail, tt.detail)
			}
			if e.Summary == "" || strings.ToUpper(e.Summary[:1]) != e.Summary[:1] {
				t.Errorf("summary %q is not a Title Case headline", e.Summary)
			}
			if strings.Contains(e.Error(), "Bearer") {
				t.Errorf("error %q shows the token", e.Error())
			}
		})
	}
}

func TestValidateReportsAllInFieldOrder(t *testing.T) {
	s := Spec{
		Filter: Filter{Tags: []KV{{}}, Metadata: []KV{{Key: "dept"}}, KMSKey: "k"},
		Retry:  Retry{Attempts: -1},
	}
	var got []string
	for _, e := range s.Validate() {
		got = append(got, strings.Join(e.Path, "."))
	}
	want := []string{"bucket", "encryption.type", "filter.tag.0.key", "filter.metadata", "filter.kms_key", "retry.attempts"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("error paths mismatch (-want +got):\n%s", diff)
	}
}

func TestFieldErrorError(t *testing.T) {
	e := FieldError{Path: []string{"filter", "kms_key"}, Summary: "Unsupported KMS Key Filter", Detail: "remove it."}
	if got, want := e.Error(), "filter.kms_key: Unsupported KMS Key Filter: remove it."; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func path(p ...string) []string { return p }
