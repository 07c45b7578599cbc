package scan

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

// A rotation drops every version's Expires header (internal/serverfacts),
// and the versioned listing does not return it: counting the versions that
// have one takes a HEAD per version.

// HeadLister is what CountExpires needs of *minio.Client.
type HeadLister interface {
	Lister
	StatObject(ctx context.Context, bucket, object string, opts minio.StatObjectOptions) (minio.ObjectInfo, error)
}

// CountExpires counts the versions in scope that a rotation rewrites
// (SSE-KMS and SSE-S3) and that carry an Expires header. The listing does
// not return the header, so each such version gets a HEAD request, at most
// workers at a time. A version gone between the listing and its HEAD is
// not counted. The first failure stops the count.
func CountExpires(ctx context.Context, c HeadLister, scope Scope, now time.Time, workers int) (int64, error) {
	filter := keyrotate.Spec{Filter: scope.Filter}.Normalized().Filter
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		n        atomic.Int64
		firstErr error
		errOnce  sync.Once
		wg       sync.WaitGroup
	)
	fail := func(err error) {
		errOnce.Do(func() { firstErr = err; cancel() })
	}
	versions := make(chan Version)
	for range max(workers, 1) {
		wg.Go(func() {
			for v := range versions {
				has, err := hasExpires(ctx, c, scope.Bucket, v)
				if err != nil {
					fail(err)
					continue // drain
				}
				if has {
					n.Add(1)
				}
			}
		})
	}
	walkErr := Walk(ctx, c, scope.Bucket, scope.Prefix, func(v Version) error {
		if v.IsDeleteMarker || (v.Encryption.Kind != SSEKMS && v.Encryption.Kind != SSES3) || !filter.Matches(v.Facts(), now) {
			return nil
		}
		select {
		case versions <- v:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	close(versions)
	wg.Wait()
	if firstErr != nil {
		return 0, firstErr
	}
	if walkErr != nil {
		return 0, walkErr
	}
	return n.Load(), nil
}

// hasExpires reports whether one version carries an Expires header.
func hasExpires(ctx context.Context, c HeadLister, bucket string, v Version) (bool, error) {
	info, err := c.StatObject(ctx, bucket, v.Name, minio.StatObjectOptions{VersionID: v.VersionID})
	if err != nil {
		switch er := minio.ToErrorResponse(err); {
		case er.Code == minio.NoSuchKey || er.Code == "NoSuchVersion":
			return false, nil
		case strings.HasPrefix(er.Message, "'Expiry' is not in supported format"):
			// minio-go refuses an Expires header it cannot parse as a
			// date; the header is there all the same.
			return true, nil
		}
		return false, fmt.Errorf("reading the headers of %s (version %s): %w", v.Name, v.VersionID, err)
	}
	return !info.Expires.IsZero(), nil
}
