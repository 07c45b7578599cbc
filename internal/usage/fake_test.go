package usage_test

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/sse"
)

// fakeClient serves buckets the way the pinned MinIO answers (measured in
// the live tests): versions in listing order with the encryption in
// UserMetadata, "no configuration" as a 404 error response, and the
// listing iterator ending silently when ctx ends between two pages.
type fakeClient struct {
	buckets map[string]*fakeBucket
	// listErr fails ListBuckets.
	listErr error
	// calls records the requests, in order.
	calls []string
	// onPage is called before each listing page is "fetched".
	onPage func(bucket string, page int)
}

type fakeBucket struct {
	entries []minio.ObjectInfo
	// encryption is the default encryption; nil means none.
	encryption *sse.Configuration
	// encErr fails GetBucketEncryption.
	encErr error
	// failAt, if positive, yields listErr instead of entry failAt (from 1).
	failAt  int
	listErr error
}

const pageSize = 1000

func (f *fakeClient) ListBuckets(ctx context.Context) ([]minio.BucketInfo, error) {
	f.calls = append(f.calls, "ListBuckets")
	if f.listErr != nil {
		return nil, f.listErr
	}
	var out []minio.BucketInfo
	// Unsorted on purpose: Scan sorts.
	for name := range f.buckets {
		out = append(out, minio.BucketInfo{Name: name})
	}
	return out, nil
}

func (f *fakeClient) GetBucketEncryption(ctx context.Context, bucket string) (*sse.Configuration, error) {
	f.calls = append(f.calls, "GetBucketEncryption "+bucket)
	b, ok := f.buckets[bucket]
	switch {
	case !ok:
		return nil, errResponse("NoSuchBucket", 404)
	case b.encErr != nil:
		return nil, b.encErr
	case b.encryption == nil:
		return nil, errResponse("ServerSideEncryptionConfigurationNotFoundError", 404)
	}
	return b.encryption, nil
}

func (f *fakeClient) ListObjectsIter(ctx context.Context, bucket string, opts minio.ListObjectsOptions) iter.Seq[minio.ObjectInfo] {
	f.calls = append(f.calls, fmt.Sprintf("ListObjects %s versions=%v metadata=%v recursive=%v prefix=%q", bucket, opts.WithVersions, opts.WithMetadata, opts.Recursive, opts.Prefix))
	return func(yield func(minio.ObjectInfo) bool) {
		b, ok := f.buckets[bucket]
		if !ok {
			yield(minio.ObjectInfo{Err: errResponse("NoSuchBucket", 404)})
			return
		}
		n := 0
		for page := 0; page*pageSize < max(len(b.entries), 1); page++ {
			if ctx.Err() != nil {
				return
			}
			if f.onPage != nil {
				f.onPage(bucket, page)
			}
			for _, e := range b.entries[page*pageSize : min((page+1)*pageSize, len(b.entries))] {
				n++
				if b.failAt > 0 && n == b.failAt {
					yield(minio.ObjectInfo{Err: b.listErr})
					return
				}
				if !yield(e) {
					return
				}
			}
		}
	}
}

func errResponse(code string, status int) error {
	return minio.ErrorResponse{Code: code, StatusCode: status, Message: code}
}

var versionN int

func versionID() string {
	versionN++
	return fmt.Sprintf("v%04d", versionN)
}

func entry(name string, size int64, meta map[string]string) minio.ObjectInfo {
	m := map[string]string{"content-type": "application/octet-stream"}
	for k, v := range meta {
		m[k] = v
	}
	return minio.ObjectInfo{Key: name, VersionID: versionID(), Size: size, LastModified: time.Now(), UserMetadata: m}
}

func kmsVersion(name, key string, size int64) minio.ObjectInfo {
	return entry(name, size, map[string]string{
		"X-Amz-Server-Side-Encryption":                "aws:kms",
		"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": "arn:aws:kms:" + key,
	})
}

func s3Version(name string, size int64) minio.ObjectInfo {
	return entry(name, size, map[string]string{"X-Amz-Server-Side-Encryption": "AES256"})
}

func plainVersion(name string, size int64) minio.ObjectInfo { return entry(name, size, nil) }

func deleteMarker(name string) minio.ObjectInfo {
	return minio.ObjectInfo{Key: name, VersionID: versionID(), IsDeleteMarker: true, LastModified: time.Now()}
}

// kmsN is n versions of distinct objects under key, named prefix0000...
func kmsN(prefix, key string, n int, size int64) []minio.ObjectInfo {
	out := make([]minio.ObjectInfo, n)
	for i := range out {
		out[i] = kmsVersion(fmt.Sprintf("%s%04d", prefix, i), key, size)
	}
	return out
}

type fakeKMS struct {
	status madmin.KMSStatus
	err    error
}

func (f fakeKMS) KMSStatus(context.Context) (madmin.KMSStatus, error) { return f.status, f.err }
