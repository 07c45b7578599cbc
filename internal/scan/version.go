package scan

import (
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

// Kind is how a data version is encrypted.
type Kind string

// The kinds a listing tells apart. A delete marker has none ("").
const (
	SSEKMS      Kind = "sse-kms"
	SSES3       Kind = "sse-s3"
	SSEC        Kind = "sse-c"
	Unencrypted Kind = "unencrypted"
)

// Encryption is a version's encryption as the listing shows it.
type Encryption struct {
	Kind Kind
	// Key is the KMS key name, without MinIO's "arn:aws:kms:" prefix; only
	// with SSEKMS.
	Key string
}

// Version is one entry of the versioned listing.
type Version struct {
	Name, VersionID string
	IsLatest        bool
	IsDeleteMarker  bool
	LastModified    time.Time
	// Size is the size of the content, also for encrypted versions.
	Size       int64
	Encryption Encryption
	Tags       map[string]string
	// Metadata is the version's stored metadata as the server's filter
	// reads it: standard headers (content-type, ...) and user metadata
	// under X-Amz-Meta-NAME, keys as the server stores them, and the tags
	// under X-Amz-Tagging. The encryption headers the listing adds are left
	// out, because the server does not store them with the object: a job
	// filtering on x-amz-server-side-encryption selects nothing (measured).
	Metadata map[string]string
}

// Facts is what the server's filter reads of v.
func (v Version) Facts() keyrotate.ObjectFacts {
	return keyrotate.ObjectFacts{ModTime: v.LastModified, Tags: v.Tags, Metadata: v.Metadata}
}

// Listed metadata keys (MinIO's spelling) that describe the encryption.
const (
	hdrSSE       = "X-Amz-Server-Side-Encryption"
	hdrKMSKeyID  = "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"
	hdrSSECAlgo  = "X-Amz-Server-Side-Encryption-Customer-Algorithm"
	hdrTagging   = "X-Amz-Tagging"
	kmsARNPrefix = "arn:aws:kms:"
)

// FromListing reads one entry of a listing made with WithVersions and
// WithMetadata. It does not modify o.
func FromListing(o minio.ObjectInfo) Version {
	v := Version{
		Name:           o.Key,
		VersionID:      o.VersionID,
		IsLatest:       o.IsLatest,
		IsDeleteMarker: o.IsDeleteMarker,
		LastModified:   o.LastModified,
		Size:           o.Size,
		Tags:           o.UserTags,
	}
	if o.IsDeleteMarker {
		return v
	}
	v.Encryption.Kind = Unencrypted
	meta := make(map[string]string, len(o.UserMetadata)+1)
	for k, val := range o.UserMetadata {
		switch {
		case strings.EqualFold(k, hdrSSE):
			switch val {
			case "aws:kms":
				v.Encryption.Kind = SSEKMS
			case "AES256":
				v.Encryption.Kind = SSES3
			}
		case strings.EqualFold(k, hdrKMSKeyID):
			v.Encryption.Key = strings.TrimPrefix(val, kmsARNPrefix)
		case strings.EqualFold(k, hdrSSECAlgo):
			v.Encryption.Kind = SSEC
		case len(k) >= len(hdrSSE) && strings.EqualFold(k[:len(hdrSSE)], hdrSSE):
			// The KMS context and any other encryption header the
			// listing derives from sealed internal metadata.
		default:
			meta[k] = val
		}
	}
	if v.Encryption.Kind != SSEKMS {
		v.Encryption.Key = ""
	}
	// The server keeps the tags in the metadata it filters on, as the
	// URL-encoded string it received; the listing returns them parsed.
	// url.Values.Encode (query-escaped, sorted by key) gives the string
	// minio-go's tags package writes, which both minio-go uploads and the
	// server's PutObjectTagging use; a client that sent the tags in
	// another order or escaping is not reproduced.
	if len(o.UserTags) > 0 {
		q := make(url.Values, len(o.UserTags))
		for k, val := range o.UserTags {
			q.Set(k, val)
		}
		meta[hdrTagging] = q.Encode()
	}
	v.Metadata = meta
	return v
}
