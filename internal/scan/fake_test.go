package scan_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
)

// fakeLister serves entries in pages the way minio-go's versioned listing
// does, including its habit of ending silently, without an error, when
// the context ends between two pages.
type fakeLister struct {
	entries  []minio.ObjectInfo
	pageSize int
	// failAfter, if positive, yields an error instead of entry failAfter.
	failAfter int
	// onPage is called before each page is "fetched".
	onPage func(page int)
	opts   minio.ListObjectsOptions
}

var errListing = errors.New("listing broke")

func (f *fakeLister) ListObjectsIter(ctx context.Context, bucket string, opts minio.ListObjectsOptions) iter.Seq[minio.ObjectInfo] {
	f.opts = opts
	size := f.pageSize
	if size == 0 {
		size = 1000
	}
	return func(yield func(minio.ObjectInfo) bool) {
		n := 0
		for page := 0; ; page++ {
			if ctx.Err() != nil {
				return
			}
			if f.onPage != nil {
				f.onPage(page)
			}
			for _, e := range f.entries[min(page*size, len(f.entries)):min((page+1)*size, len(f.entries))] {
				if !strings.HasPrefix(e.Key, opts.Prefix) {
					continue
				}
				n++
				if f.failAfter > 0 && n == f.failAfter {
					yield(minio.ObjectInfo{Err: errListing})
					return
				}
				if !yield(e) {
					return
				}
			}
			if (page+1)*size >= len(f.entries) {
				return
			}
		}
	}
}

var (
	t0       = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	versionN int
)

// Entries shaped as the pinned MinIO lists them (measured): the
// encryption in UserMetadata, content-type always present, tags parsed.

func kmsVersion(name, key string, size int64) minio.ObjectInfo {
	return entry(name, size, map[string]string{
		"X-Amz-Server-Side-Encryption":                "aws:kms",
		"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": "arn:aws:kms:" + key,
	})
}

func s3Version(name string, size int64) minio.ObjectInfo {
	return entry(name, size, map[string]string{"X-Amz-Server-Side-Encryption": "AES256"})
}

func ssecVersion(name string, size int64) minio.ObjectInfo {
	return entry(name, size, map[string]string{"X-Amz-Server-Side-Encryption-Customer-Algorithm": "AES256"})
}

func plainVersion(name string, size int64) minio.ObjectInfo {
	return entry(name, size, nil)
}

func deleteMarker(name string) minio.ObjectInfo {
	return minio.ObjectInfo{Key: name, VersionID: versionID(), IsDeleteMarker: true, LastModified: t0, StorageClass: "STANDARD"}
}

func entry(name string, size int64, meta map[string]string) minio.ObjectInfo {
	m := map[string]string{"content-type": "application/octet-stream"}
	for k, v := range meta {
		m[k] = v
	}
	return minio.ObjectInfo{Key: name, VersionID: versionID(), Size: size, LastModified: t0, StorageClass: "STANDARD", UserMetadata: m}
}

func versionID() string {
	versionN++
	return fmt.Sprintf("v%04d", versionN)
}

// latest marks e as the latest version of its object.
func latest(e minio.ObjectInfo) minio.ObjectInfo {
	e.IsLatest = true
	return e
}

func withTags(e minio.ObjectInfo, kv ...string) minio.ObjectInfo {
	e.UserTags = minio.URLMap{}
	for i := 0; i < len(kv); i += 2 {
		e.UserTags[kv[i]] = kv[i+1]
	}
	return e
}

func withMeta(e minio.ObjectInfo, kv ...string) minio.ObjectInfo {
	for i := 0; i < len(kv); i += 2 {
		e.UserMetadata[kv[i]] = kv[i+1]
	}
	return e
}

func modified(e minio.ObjectInfo, t time.Time) minio.ObjectInfo {
	e.LastModified = t
	return e
}
