package preserve

import (
	"context"
	"iter"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// etagLister passes a listing through and remembers the ETag of the entry
// it is handing out. scan.Version has no ETag, and scan.Walk calls its
// function for an entry while the listing's iterator is yielding it, so
// that function reads the entry's ETag here.
type etagLister struct {
	scan.Lister
	etag string
}

func (l *etagLister) ListObjectsIter(ctx context.Context, bucket string, opts minio.ListObjectsOptions) iter.Seq[minio.ObjectInfo] {
	seq := l.Lister.ListObjectsIter(ctx, bucket, opts)
	return func(yield func(minio.ObjectInfo) bool) {
		for o := range seq {
			l.etag = o.ETag
			if !yield(o) {
				return
			}
		}
	}
}
