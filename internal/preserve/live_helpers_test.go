package preserve

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"io"
	"maps"
	"net/http"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"
	"github.com/minio/minio-go/v7/pkg/tags"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// Helpers for the live tests; each fails the test on error.

type live struct {
	t   *testing.T
	ctx context.Context
	s   *teststack.Stack
	c   *minio.Client
}

func newLive(t *testing.T) *live {
	s := teststack.Live(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	t.Cleanup(cancel)
	c, err := s.S3(0)
	if err != nil {
		t.Fatal(err)
	}
	return &live{t: t, ctx: ctx, s: s, c: c}
}

func (l *live) versionedBucket() string {
	l.t.Helper()
	b := l.s.NewBucket(l.t)
	if err := l.c.EnableVersioning(l.ctx, b); err != nil {
		l.t.Fatalf("enabling versioning on %s: %v", b, err)
	}
	return b
}

// put writes a new version of random bytes under key and returns its ID
// and the SHA-256 of its bytes.
func (l *live) put(bucket, name, key string, tags map[string]string) (string, [32]byte) {
	l.t.Helper()
	sse, err := encrypt.NewSSEKMS(key, nil)
	if err != nil {
		l.t.Fatal(err)
	}
	data := make([]byte, 256)
	rand.Read(data)
	info, err := l.c.PutObject(l.ctx, bucket, name, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{ServerSideEncryption: sse, UserTags: tags})
	if err != nil {
		l.t.Fatalf("writing %s/%s: %v", bucket, name, err)
	}
	return info.VersionID, sha256.Sum256(data)
}

// remove deletes name without a version ID: a delete marker in a
// versioned bucket. It returns the marker's ID.
func (l *live) remove(bucket, name string) string {
	l.t.Helper()
	res := <-l.c.RemoveObjectsWithResult(l.ctx, bucket, oneObject(name), minio.RemoveObjectsOptions{})
	if res.Err != nil {
		l.t.Fatalf("deleting %s/%s: %v", bucket, name, res.Err)
	}
	return res.DeleteMarkerVersionID
}

func oneObject(name string) <-chan minio.ObjectInfo {
	ch := make(chan minio.ObjectInfo, 1)
	ch <- minio.ObjectInfo{Key: name}
	close(ch)
	return ch
}

// rotate runs a real keyrotate job of prefix in bucket to key.
func (l *live) rotate(bucket, prefix, key string) batchjob.Outcome {
	l.t.Helper()
	admin, err := l.s.Admin()
	if err != nil {
		l.t.Fatal(err)
	}
	spec := keyrotate.Spec{Bucket: bucket, Prefix: prefix, Encryption: keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: key}}
	doc, err := keyrotate.Encode(spec)
	if err != nil {
		l.t.Fatal(err)
	}
	began := time.Now()
	out, err := batchjob.Run(l.ctx, admin, string(doc), batchjob.RunPolicy{Attempts: 1})
	if err != nil {
		l.t.Fatalf("job: %v", err)
	}
	l.t.Logf("job %s rotated %d versions in %s", out.JobID, out.Progress.Objects, time.Since(began).Round(time.Millisecond))
	return out
}

// entry is one listed version as the tests compare it.
type entry struct {
	ID     string
	Marker bool
	Key    string
	ETag   string
	Tags   map[string]string
}

// listing returns every entry under prefix, per name newest first.
func (l *live) listing(bucket, prefix string) map[string][]entry {
	l.t.Helper()
	out := map[string][]entry{}
	el := &etagLister{Lister: l.c}
	err := scan.Walk(l.ctx, el, bucket, prefix, func(v scan.Version) error {
		e := entry{ID: v.VersionID, Marker: v.IsDeleteMarker, Key: v.Encryption.Key, Tags: maps.Clone(v.Tags)}
		if !v.IsDeleteMarker {
			e.ETag = el.etag
		}
		out[v.Name] = append(out[v.Name], e)
		return nil
	})
	if err != nil {
		l.t.Fatal(err)
	}
	return out
}

// content returns the SHA-256 of name's current bytes, or false when GET
// answers 404.
func (l *live) content(bucket, name string) ([32]byte, bool) {
	l.t.Helper()
	o, err := l.c.GetObject(l.ctx, bucket, name, minio.GetObjectOptions{})
	if err == nil {
		defer o.Close()
		h := sha256.New()
		if _, err = io.Copy(h, o); err == nil {
			return [32]byte(h.Sum(nil)), true
		}
	}
	if minio.ToErrorResponse(err).StatusCode == http.StatusNotFound {
		return [32]byte{}, false
	}
	l.t.Fatalf("reading %s/%s: %v", bucket, name, err)
	return [32]byte{}, false
}

func (l *live) setTags(bucket, name, versionID string, kv map[string]string) {
	l.t.Helper()
	t, err := tags.MapToObjectTags(kv)
	if err != nil {
		l.t.Fatal(err)
	}
	if err := l.c.PutObjectTagging(l.ctx, bucket, name, t, minio.PutObjectTaggingOptions{VersionID: versionID}); err != nil {
		l.t.Fatalf("tagging %s/%s@%s: %v", bucket, name, versionID, err)
	}
}

func versionOf(id string) minio.RemoveObjectOptions {
	return minio.RemoveObjectOptions{VersionID: id}
}
