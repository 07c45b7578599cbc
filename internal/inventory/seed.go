package inventory

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"
	"github.com/minio/minio-go/v7/pkg/tags"
)

// Seed describes objects to write.
type Seed struct {
	Bucket string
	// Names of the objects to write.
	Names []string
	// KMSKey encrypts with SSE-KMS under this key; empty means SSE-S3,
	// unless Plain is set.
	KMSKey string
	Plain  bool
	Size   int
	// ModTime backdates the objects through MinIO's replication header
	// x-minio-source-mtime, so that age filters can be tested now.
	ModTime     time.Time
	Tags        map[string]string
	UserMeta    map[string]string
	ContentType string
}

// Names returns n object names "prefix0000", "prefix0001", ...
func Names(prefix string, n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("%s%04d", prefix, i)
	}
	return names
}

// Put writes the objects of s with random content.
func Put(ctx context.Context, c *minio.Client, s Seed) error {
	opts := minio.PutObjectOptions{UserMetadata: s.UserMeta, ContentType: s.ContentType, UserTags: s.Tags}
	opts.Internal.SourceMTime = s.ModTime
	switch {
	case s.Plain:
	case s.KMSKey != "":
		sse, err := encrypt.NewSSEKMS(s.KMSKey, nil)
		if err != nil {
			return err
		}
		opts.ServerSideEncryption = sse
	default:
		opts.ServerSideEncryption = encrypt.NewSSE()
	}
	if len(s.Tags) > 0 {
		if _, err := tags.NewTags(s.Tags, true); err != nil {
			return fmt.Errorf("invalid seed tags: %w", err)
		}
	}
	size := s.Size
	if size == 0 {
		size = 1024
	}
	data := make([]byte, size)
	for _, name := range s.Names {
		rand.Read(data)
		if _, err := c.PutObject(ctx, s.Bucket, name, bytes.NewReader(data), int64(size), opts); err != nil {
			return fmt.Errorf("writing %s/%s: %w", s.Bucket, name, err)
		}
	}
	return nil
}
