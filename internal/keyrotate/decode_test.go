package keyrotate

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// describedJob is shaped like a DescribeBatchJob answer: the server
// marshals its whole BatchJobRequest with yaml.v3 (4-space indent, struct
// field order, null for the other job types, empty strings and zero
// durations for unset fields), and some callers add bookkeeping keys.
const describedJob = `id: keyrotate-6Un4Ltp2XSxFQ4cpyjEmTn:-1
user: minioadmin
started: 2026-03-01T10:00:00Z
replicate: null
keyrotate:
    apiVersion: v1
    flags:
        filter:
            newerThan: 720h0m0s
            olderThan: 168h0m0s
            createdAfter: 2026-06-01T02:00:00+02:00
            createdBefore: 2026-01-01T00:00:00Z
            tags:
                - key: class
                  value: pii*
            kmskeyid: ""
        notify:
            endpoint: https://hooks.example.com/minio
            token: Bearer s3cr3t
        retry:
            attempts: 0
            delay: 0s
    bucket: photos
    prefix: 2026/raw/
    encryption:
        type: sse-kms
        key: photos-key
        context: ""
expire: null
`

func TestDecodeDescribedJob(t *testing.T) {
	got, err := Decode([]byte(describedJob))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	want := Spec{
		Bucket:     "photos",
		Prefix:     "2026/raw/",
		Encryption: Encryption{Type: SSEKMS, Key: "photos-key"},
		Filter: Filter{
			NewerThan:     30 * day,
			OlderThan:     7 * day,
			CreatedAfter:  jan1,
			CreatedBefore: jun1,
			Tags:          []KV{{Key: "class", Value: "pii*"}},
		},
		Notify: Notify{Endpoint: "https://hooks.example.com/minio", Token: "Bearer s3cr3t"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Decode mismatch (-want +got):\n%s", diff)
	}
	if loc := got.Filter.CreatedBefore.Location(); loc != time.UTC {
		t.Errorf("CreatedBefore location = %v, want UTC", loc)
	}
}

// TestDecodeServerMarshalled decodes what the server itself writes for a
// job parsed from our document, as DescribeBatchJob would return it.
func TestDecodeServerMarshalled(t *testing.T) {
	s := everyFieldSpec()
	stored := serverParse(t, mustEncode(t, s))
	described, err := yaml.Marshal(serverRequest{KeyRotate: &stored})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(described)
	if err != nil {
		t.Fatalf("Decode: %v\n%s", err, described)
	}
	if diff := cmp.Diff(s.Normalized(), got); diff != "" {
		t.Errorf("Decode mismatch (-want +got):\n%s", diff)
	}
}

func TestDecodeKeepsServerMetadataKeys(t *testing.T) {
	doc := `keyrotate:
  apiVersion: v1
  bucket: photos
  encryption: {type: sse-s3}
  flags: {filter: {metadata: [{key: X-Amz-Meta-Dept, value: fin}]}}
`
	got, err := Decode([]byte(doc))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if diff := cmp.Diff([]KV{{Key: "X-Amz-Meta-Dept", Value: "fin"}}, got.Filter.Metadata); diff != "" {
		t.Errorf("metadata mismatch (-want +got):\n%s", diff)
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	withContext := validSpec()
	withContext.Encryption.Context = map[string]string{"b": "2", "a": "1", "<html>": "&"}
	specs := map[string]Spec{
		"valid":       validSpec(),
		"every field": everyFieldSpec(),
		"minimal":     {Bucket: "photos", Encryption: Encryption{Type: SSES3}},
		"zero":        {},
		"context":     withContext,
		"empty lists": {Bucket: "b", Filter: Filter{Tags: []KV{}, Metadata: []KV{}}, Encryption: Encryption{Context: map[string]string{}}},
		"empty kv":    {Filter: Filter{Tags: []KV{{}}, Metadata: []KV{{}}}},
		"invalid":     {Bucket: "-", Encryption: Encryption{Type: "aes"}, Filter: Filter{NewerThan: -time.Hour}, Retry: Retry{Attempts: -4, Delay: time.Nanosecond}},
	}
	for name, s := range specs {
		t.Run(name, func(t *testing.T) {
			got, err := Decode(mustEncode(t, s))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(s.Normalized(), got); diff != "" {
				t.Errorf("Decode(Encode(s)) mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"replicate job", "replicate:\n  apiVersion: v1\n  source: {type: minio, bucket: a}\n  target: {type: minio, bucket: b}\n", "is a replicate batch job, not a keyrotate job"},
		{"replicate job as described", "replicate:\n  apiVersion: v1\nkeyrotate: null\nexpire: null\n", "is a replicate batch job"},
		{"expire job", "expire:\n  apiVersion: v1\n  bucket: a\n", "is an expire batch job"},
		{"no job", "id: x\nuser: y\n", "has no keyrotate section"},
		{"empty", "", "has no keyrotate section"},
		{"not YAML", "keyrotate: [\n", "parse job"},
		{"not a mapping", "- keyrotate\n", "parse job"},
		{"section not a mapping", "keyrotate: 5\n", "parse job"},
		{"api version", "keyrotate:\n  apiVersion: v2\n  bucket: a\n", `unsupported apiVersion "v2"`},
		{"no api version", "keyrotate:\n  bucket: a\n", `unsupported apiVersion ""`},
		{"day duration", "keyrotate:\n  apiVersion: v1\n  flags: {filter: {newerThan: 7d}}\n", "parse job"},
		{"context not base64", "keyrotate:\n  apiVersion: v1\n  encryption: {type: sse-kms, key: k, context: '{}'}\n", "not base64"},
		{"context not an object", "keyrotate:\n  apiVersion: v1\n  encryption: {type: sse-kms, key: k, context: WzFd}\n", "not a JSON object of strings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.doc))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Decode error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}
