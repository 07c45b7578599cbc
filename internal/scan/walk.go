package scan

import (
	"context"
	"fmt"
	"iter"

	"github.com/minio/minio-go/v7"
)

// Lister is the listing call of *minio.Client, so that tests can pass a
// fake.
type Lister interface {
	ListObjectsIter(ctx context.Context, bucket string, opts minio.ListObjectsOptions) iter.Seq[minio.ObjectInfo]
}

var _ Lister = (*minio.Client)(nil)

// Walk calls fn for every version and delete marker under prefix in
// bucket, in listing order: by name, and for each name newest first. It
// stops at the first error from the listing, from fn or from ctx, and at
// a data version listed without its metadata (a *WithheldError: the
// credentials lack s3:GetObject, see withheld.go), which would otherwise
// count as unencrypted.
//
// The listing iterator of minio-go returns silently, with no error, when
// ctx ends between two pages; Walk checks ctx itself so that a canceled
// walk never looks complete.
func Walk(ctx context.Context, c Lister, bucket, prefix string, fn func(Version) error) error {
	return WalkRange(ctx, c, bucket, prefix, Range{}, fn)
}

// WalkRange is Walk over the keys of r only: its listing starts after
// r.After (the key-marker) and stops at the first key past r.Until.
func WalkRange(ctx context.Context, c Lister, bucket, prefix string, r Range, fn func(Version) error) error {
	opts := minio.ListObjectsOptions{Prefix: prefix, StartAfter: r.After, Recursive: true, WithVersions: true, WithMetadata: true}
	for o := range c.ListObjectsIter(ctx, bucket, opts) {
		if o.Err != nil {
			return fmt.Errorf("listing the versions under %s: %w", where(bucket, prefix), o.Err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if r.past(o.Key) {
			break
		}
		if err := withheldMetadata(bucket, o); err != nil {
			return err
		}
		if err := fn(FromListing(o)); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func where(bucket, prefix string) string {
	if prefix == "" {
		return fmt.Sprintf("bucket %q", bucket)
	}
	return fmt.Sprintf("%q in bucket %q", prefix, bucket)
}
