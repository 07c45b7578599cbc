package keyrotate

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func mustEncode(t testing.TB, s Spec) []byte {
	t.Helper()
	b, err := Encode(s)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	return b
}

// TestEncodeServerView proves that the server's parser accepts the document
// and reads the user's meaning from it, translations included.
func TestEncodeServerView(t *testing.T) {
	got := serverParse(t, mustEncode(t, everyFieldSpec()))
	want := serverKeyRotateV1{
		APIVersion: "v1",
		Bucket:     "photos",
		Prefix:     "2026/raw/",
		Encryption: serverKeyRotateEncrypt{
			Type:    "sse-kms",
			Key:     "photos-key",
			Context: base64.StdEncoding.EncodeToString([]byte(`{"app":"photos","tenant":"acme"}`)),
		},
		Flags: serverKeyRotateFlags{
			Filter: serverKeyRotateFilter{
				NewerThan: 30 * 24 * time.Hour,
				OlderThan: 180 * time.Hour,
				// Inverted on the server: its createdBefore keeps objects
				// modified at or after the time.
				CreatedBefore: jan1,
				CreatedAfter:  jun1,
				Tags:          []serverKV{{Key: "class", Value: "pii*"}, {Key: "owner", Value: "team-?"}},
				Metadata:      []serverKV{{Key: "content-type", Value: "image/*"}, {Key: "x-amz-meta-dept", Value: "fin*"}},
				KMSKeyID:      "old-key",
			},
			Notify: serverNotification{Endpoint: "https://hooks.example.com/minio", Token: "Bearer s3cr3t"},
			Retry:  serverRetry{Attempts: 10, Delay: 500 * time.Millisecond},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("server view mismatch (-want +got):\n%s", diff)
	}
}

func TestEncodeGolden(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		want string
	}{{
		name: "minimal, empty sections omitted",
		spec: Spec{Bucket: "photos", Encryption: Encryption{Type: SSES3}},
		want: `keyrotate:
  apiVersion: v1
  bucket: photos
  encryption:
    type: sse-s3
`,
	}, {
		name: "every field",
		spec: func() Spec {
			s := everyFieldSpec()
			s.Filter.CreatedBefore = jun1.Add(1500 * time.Microsecond).In(time.FixedZone("CET", 3600))
			return s
		}(),
		want: `keyrotate:
  apiVersion: v1
  bucket: photos
  prefix: 2026/raw/
  encryption:
    type: sse-kms
    key: photos-key
    context: eyJhcHAiOiJwaG90b3MiLCJ0ZW5hbnQiOiJhY21lIn0=
  flags:
    filter:
      newerThan: 720h0m0s
      olderThan: 180h0m0s
      createdAfter: 2026-06-01T00:00:00.0015Z
      createdBefore: 2026-01-01T00:00:00Z
      tags:
        - key: class
          value: pii*
        - key: owner
          value: team-?
      metadata:
        - key: content-type
          value: image/*
        - key: x-amz-meta-dept
          value: fin*
      kmskeyid: old-key
    notify:
      endpoint: https://hooks.example.com/minio
      token: Bearer s3cr3t
    retry:
      attempts: 10
      delay: 500ms
`,
	}, {
		name: "only retry",
		spec: Spec{Bucket: "photos", Encryption: Encryption{Type: SSES3}, Retry: Retry{Attempts: 2}},
		want: `keyrotate:
  apiVersion: v1
  bucket: photos
  encryption:
    type: sse-s3
  flags:
    retry:
      attempts: 2
`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, string(mustEncode(t, tt.spec))); diff != "" {
				t.Errorf("Encode mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEncodeInjection shows that no value changes the document's structure:
// the server reads back exactly the strings that went in.
func TestEncodeInjection(t *testing.T) {
	hostile := []string{
		"a: b",
		`"quoted" and 'single'`,
		"# comment",
		"line1\nline2\n",
		"{a: 1}",
		"- item",
		"x\n  apiVersion: v2\nkeyrotate:\n  bucket: other",
		"&anchor *alias !!binary",
		"   leading and trailing   ",
		"tab\there\r\nwindows",
		"\t\n",
		"\tindented\nblock\n",
		"\x00\x1b[31m",
		"",
		"null",
		"~",
		"0x1F",
		"1e3",
		"yes",
		"2026-01-01",
		"…ünïcødé\u2028\u0085\ufeff",
		strings.Repeat("\xff\t\n", 40), // not UTF-8: written as !!binary
	}
	for _, h := range hostile {
		s := Spec{
			Bucket:     h,
			Prefix:     h,
			Encryption: Encryption{Type: SSEKMS, Key: h},
			Filter: Filter{
				Tags:     []KV{{Key: h, Value: h}},
				Metadata: []KV{{Key: "dept", Value: h}},
				KMSKey:   h,
			},
			Notify: Notify{Endpoint: h, Token: h},
		}
		got := serverParse(t, mustEncode(t, s))
		f := got.Flags.Filter
		for name, v := range map[string]string{
			"bucket": got.Bucket, "prefix": got.Prefix, "key": got.Encryption.Key,
			"tag key": f.Tags[0].Key, "tag value": f.Tags[0].Value, "metadata value": f.Metadata[0].Value,
			"kmskeyid": f.KMSKeyID, "endpoint": got.Flags.Notify.Endpoint, "token": got.Flags.Notify.Token,
		} {
			if v != h {
				t.Errorf("%s: server sees %q, want %q", name, v, h)
			}
		}
		if got.APIVersion != "v1" || len(f.Tags) != 1 || len(f.Metadata) != 1 || f.Metadata[0].Key != "x-amz-meta-dept" {
			t.Errorf("value %q changed the document's structure: %+v", h, got)
		}
	}
}

// TestEncodeShortStrings encodes every string of up to three characters
// from an alphabet of YAML indicators, quotes and line breaks. It caught
// yaml.v3 writing "\t\n" as a literal block it cannot read back.
func TestEncodeShortStrings(t *testing.T) {
	alphabet := []string{"\t", "\n", "\r", " ", "#", ":", "-", "\"", "'", "\\", "|", "*", "0", "a", "\u2028", "\u0085"}
	var strs []string
	level := []string{""}
	for range 3 {
		var next []string
		for _, s := range level {
			for _, c := range alphabet {
				next = append(next, s+c)
			}
		}
		strs = append(strs, next...)
		level = next
	}
	for _, h := range strs {
		if got := serverParse(t, mustEncode(t, Spec{Prefix: h})).Prefix; got != h {
			t.Errorf("prefix %q: server sees %q", h, got)
		}
	}
}

func TestEncodeRedacted(t *testing.T) {
	s := validSpec()
	s.Notify.Token = "Bearer very-secret-token"
	plain := mustEncode(t, s)
	redacted, err := EncodeRedacted(s)
	if err != nil {
		t.Fatalf("EncodeRedacted: %v", err)
	}
	if !strings.Contains(string(plain), "very-secret-token") {
		t.Errorf("Encode lost the token:\n%s", plain)
	}
	if strings.Contains(string(redacted), "very-secret") {
		t.Errorf("EncodeRedacted leaks the token:\n%s", redacted)
	}
	if got := serverParse(t, redacted).Flags.Notify.Token; got != RedactedToken {
		t.Errorf("redacted token = %q, want %q", got, RedactedToken)
	}
	if s.Notify.Token != "Bearer very-secret-token" {
		t.Errorf("EncodeRedacted changed its argument")
	}
	s.Notify.Token = ""
	if redacted := mustEncode(t, s.Redacted()); strings.Contains(string(redacted), "token") {
		t.Errorf("a redacted unset token appears in the document:\n%s", redacted)
	}
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name   string
		modify func(*Spec)
		want   string
	}{
		{"year after 9999", func(s *Spec) { s.Filter.CreatedAfter = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "filter.created_after: time 10000-01-01T00:00:00Z is outside the years 0001 to 9999"},
		{"negative year", func(s *Spec) { s.Filter.CreatedBefore = time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC) }, "filter.created_before: time"},
		{"context not UTF-8", func(s *Spec) { s.Encryption.Context = map[string]string{"k": "\xff"} }, "encryption.context: keys and values must be valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSpec()
			tt.modify(&s)
			_, err := Encode(s)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Encode error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	s := everyFieldSpec()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Encode(s); err != nil {
			b.Fatal(err)
		}
	}
}
