package scan

import (
	"context"
	"errors"
	"fmt"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/tags"
)

// MinIO checks two more actions for each object of a listing made with
// metadata (its ListObjectVersionsM extension), and leaves out what they
// guard instead of refusing the listing (cmd/api-response.go,
// generateListVersionsResponse): without s3:GetObject a version comes
// without its metadata, its encryption among it, and would count as
// unencrypted; without s3:GetObjectTagging it comes without its tags, and
// would count as untagged. Walk refuses the first; TagsReadable probes the
// second, which the listing cannot tell from a version without tags.

// WithheldError is a listing or request answered without what it asked
// for, because the credentials' policy lacks Action on the object.
type WithheldError struct {
	Bucket, Object, VersionID string
	// Action is the policy action MinIO checked, e.g. "s3:GetObject".
	Action string
	// What names what was left out: "metadata", "tags".
	What string
	// Err is MinIO's own refusal, when there was one.
	Err error
}

func (e *WithheldError) Error() string {
	s := fmt.Sprintf("MinIO withheld the %s of %q (version %s) in bucket %q: the credentials may list the bucket, but their policy does not allow %s on its objects",
		e.What, e.Object, e.VersionID, e.Bucket, e.Action)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *WithheldError) Unwrap() error { return e.Err }

// DeniedAction is the missing action (conn.ActionDenier).
func (e *WithheldError) DeniedAction() string { return e.Action }

// withheldMetadata reports a data version listed without its metadata:
// MinIO sends a version's metadata (content-type at least) and its erasure
// layout (Internal) together, or neither when s3:GetObject is not allowed.
func withheldMetadata(bucket string, o minio.ObjectInfo) error {
	if o.IsDeleteMarker || o.Internal != nil || o.UserMetadata != nil {
		return nil
	}
	return &WithheldError{Bucket: bucket, Object: o.Key, VersionID: o.VersionID, Action: "s3:GetObject", What: "metadata, and so the encryption,"}
}

// TagReader is the tag call of *minio.Client.
type TagReader interface {
	GetObjectTagging(ctx context.Context, bucket, object string, opts minio.GetObjectTaggingOptions) (*tags.Tags, error)
}

var _ TagReader = (*minio.Client)(nil)

// TagsReadable checks that the credentials may read the tags of version v
// (a data version: MinIO looks the object up before it checks the policy),
// which a listing cannot tell: it leaves the tags out when they may not.
// It returns a *WithheldError when MinIO denies it, nil when it answers or
// when the version is gone meanwhile.
func TagsReadable(ctx context.Context, c TagReader, bucket string, v Version) error {
	_, err := c.GetObjectTagging(ctx, bucket, v.Name, minio.GetObjectTaggingOptions{VersionID: v.VersionID})
	var er minio.ErrorResponse
	switch {
	case err == nil:
		return nil
	case errors.As(err, &er) && er.Code == "AccessDenied":
		return &WithheldError{Bucket: bucket, Object: v.Name, VersionID: v.VersionID, Action: "s3:GetObjectTagging", What: "tags", Err: err}
	case errors.As(err, &er) && (er.Code == "NoSuchKey" || er.Code == "NoSuchVersion" || er.Code == "MethodNotAllowed"):
		return nil
	}
	return fmt.Errorf("checking that the tags of %q (version %s) in bucket %q can be read: %w", v.Name, v.VersionID, bucket, err)
}
