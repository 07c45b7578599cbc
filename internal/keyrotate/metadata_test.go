package keyrotate

import "testing"

func TestCanonicalMetadataKey(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"dept", "x-amz-meta-dept", true},
		{"Cost-Center", "x-amz-meta-cost-center", true},
		{"x-amz-meta-dept", "x-amz-meta-dept", true},
		{"X-Amz-Meta-Dept", "x-amz-meta-dept", true},
		{"Content-Type", "content-type", true},
		{"X-Amz-Server-Side-Encryption", "x-amz-server-side-encryption", true},
		{"x-amz-tagging-count", "x-amz-tagging-count", true},
		{"Expires", "expires", false},
		{"etag", "etag", false},
		{"content-md5", "content-md5", false},
		{"x-amz-version-id", "x-amz-version-id", false},
		{"X-Minio-Internal-Foo", "x-minio-internal-foo", false},
		{"x-amz-meta-", "x-amz-meta-", false},
		{"x-amz-meta-a b", "x-amz-meta-a b", false},
		{"dépt", "dépt", false},
		{"a:b", "a:b", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := canonicalMetadataKey(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("canonicalMetadataKey(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
		if again, _ := canonicalMetadataKey(got); again != got {
			t.Errorf("canonicalMetadataKey is not idempotent on %q: %q", got, again)
		}
	}
}
