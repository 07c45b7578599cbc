package scan_test

import (
	"maps"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

func TestFromListing(t *testing.T) {
	mod := time.Date(2026, 11, 28, 2, 43, 38, 555_000_000, time.UTC)
	tests := []struct {
		name string
		in   minio.ObjectInfo
		want scan.Version
	}{
		{
			// As listed by the pinned MinIO (measured), with tags added.
			name: "sse-kms",
			in: minio.ObjectInfo{
				Key: "kms", VersionID: "d348", IsLatest: true, LastModified: mod, Size: 5, StorageClass: "STANDARD",
				UserTags: minio.URLMap{"class": "pii 1", "a": "b"},
				UserMetadata: minio.StringMap{
					"X-Amz-Meta-Dept":                             "fin",
					"X-Amz-Server-Side-Encryption":                "aws:kms",
					"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": "arn:aws:kms:key-668bf9b9",
					"X-Amz-Server-Side-Encryption-Context":        "e30=",
					"cache-control":                               "no-cache",
					"content-type":                                "image/png",
				},
			},
			want: scan.Version{
				Name: "kms", VersionID: "d348", IsLatest: true, LastModified: mod, Size: 5,
				Encryption: scan.Encryption{Kind: scan.SSEKMS, Key: "key-668bf9b9"},
				Tags:       map[string]string{"class": "pii 1", "a": "b"},
				Metadata: map[string]string{
					"X-Amz-Meta-Dept": "fin", "cache-control": "no-cache", "content-type": "image/png",
					"X-Amz-Tagging": "a=b&class=pii+1",
				},
			},
		},
		{
			name: "sse-s3",
			in:   minio.ObjectInfo{Key: "s3", Size: 7, UserMetadata: minio.StringMap{"X-Amz-Server-Side-Encryption": "AES256", "content-type": "application/octet-stream"}},
			want: scan.Version{Name: "s3", Size: 7, Encryption: scan.Encryption{Kind: scan.SSES3}, Metadata: map[string]string{"content-type": "application/octet-stream"}},
		},
		{
			name: "sse-c",
			in:   minio.ObjectInfo{Key: "c", UserMetadata: minio.StringMap{"X-Amz-Server-Side-Encryption-Customer-Algorithm": "AES256", "content-type": "application/octet-stream"}},
			want: scan.Version{Name: "c", Encryption: scan.Encryption{Kind: scan.SSEC}, Metadata: map[string]string{"content-type": "application/octet-stream"}},
		},
		{
			name: "plaintext",
			in:   minio.ObjectInfo{Key: "p", UserMetadata: minio.StringMap{"content-type": "text/plain"}},
			want: scan.Version{Name: "p", Encryption: scan.Encryption{Kind: scan.Unencrypted}, Metadata: map[string]string{"content-type": "text/plain"}},
		},
		{
			name: "key id without sse-kms is no key",
			in:   minio.ObjectInfo{Key: "odd", UserMetadata: minio.StringMap{"x-amz-server-side-encryption": "AES256", "x-amz-server-side-encryption-aws-kms-key-id": "k"}},
			want: scan.Version{Name: "odd", Encryption: scan.Encryption{Kind: scan.SSES3}, Metadata: map[string]string{}},
		},
		{
			name: "delete marker",
			in:   minio.ObjectInfo{Key: "del", VersionID: "05ea", IsLatest: true, IsDeleteMarker: true, LastModified: mod, StorageClass: "STANDARD"},
			want: scan.Version{Name: "del", VersionID: "05ea", IsLatest: true, IsDeleteMarker: true, LastModified: mod},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := maps.Clone(tt.in.UserMetadata)
			if d := cmp.Diff(tt.want, scan.FromListing(tt.in)); d != "" {
				t.Errorf("FromListing (-want +got):\n%s", d)
			}
			if !maps.Equal(before, tt.in.UserMetadata) {
				t.Errorf("FromListing modified its input: %v", tt.in.UserMetadata)
			}
		})
	}
}
