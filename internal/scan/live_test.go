package scan_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// Helpers for the live tests.

// put is one version to write.
type put struct {
	name string
	// sse encrypts the version; nil writes plaintext.
	sse         encrypt.ServerSide
	size        int
	tags, meta  map[string]string
	contentType string
	// mtime backdates the version through MinIO's replication header
	// x-minio-source-mtime, so that age filters can be tested now.
	mtime   time.Time
	expires time.Time
	// remove adds a delete marker after writing the version.
	remove bool
}

func liveContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func liveS3(t *testing.T, s *teststack.Stack) *minio.Client {
	t.Helper()
	c, err := s.S3(0)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// versionedBucket creates a bucket with versioning enabled.
func versionedBucket(t *testing.T, s *teststack.Stack, c *minio.Client) string {
	t.Helper()
	b := s.NewBucket(t)
	if err := c.EnableVersioning(context.Background(), b); err != nil {
		t.Fatalf("enabling versioning on %s: %v", b, err)
	}
	return b
}

func kmsSSE(t *testing.T, key string) encrypt.ServerSide {
	t.Helper()
	sse, err := encrypt.NewSSEKMS(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	return sse
}

// ssecSSE is an SSE-C key; MinIO accepts SSE-C over TLS only.
func ssecSSE(bucket string) encrypt.ServerSide {
	return encrypt.DefaultPBKDF([]byte("scan test"), []byte(bucket))
}

func write(t *testing.T, ctx context.Context, c *minio.Client, bucket string, puts ...put) {
	t.Helper()
	for _, p := range puts {
		size := p.size
		if size == 0 {
			size = 64
		}
		data := make([]byte, size)
		rand.Read(data)
		opts := minio.PutObjectOptions{ServerSideEncryption: p.sse, UserTags: p.tags, UserMetadata: p.meta, ContentType: p.contentType, Expires: p.expires}
		opts.Internal.SourceMTime = p.mtime
		if _, err := c.PutObject(ctx, bucket, p.name, bytes.NewReader(data), int64(size), opts); err != nil {
			t.Fatalf("writing %s/%s: %v", bucket, p.name, err)
		}
		if p.remove {
			if err := c.RemoveObject(ctx, bucket, p.name, minio.RemoveObjectOptions{}); err != nil {
				t.Fatalf("deleting %s/%s: %v", bucket, p.name, err)
			}
		}
	}
}
