package scan

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

// headLister lists entries and answers HEADs with an Expires header for
// the names in expires, counting concurrent requests.
type headLister struct {
	entries []minio.ObjectInfo
	expires map[string]bool
	fail    map[string]error

	mu       sync.Mutex
	headed   []string
	inFlight atomic.Int64
	maxSeen  atomic.Int64
}

func (f *headLister) ListObjectsIter(ctx context.Context, _ string, opts minio.ListObjectsOptions) iter.Seq[minio.ObjectInfo] {
	return func(yield func(minio.ObjectInfo) bool) {
		for _, e := range f.entries {
			if len(e.Key) >= len(opts.Prefix) && e.Key[:len(opts.Prefix)] == opts.Prefix && !yield(e) {
				return
			}
		}
	}
}

func (f *headLister) StatObject(ctx context.Context, _, object string, opts minio.StatObjectOptions) (minio.ObjectInfo, error) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for {
		m := f.maxSeen.Load()
		if n <= m || f.maxSeen.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(2 * time.Millisecond)
	f.mu.Lock()
	f.headed = append(f.headed, object+"@"+opts.VersionID)
	f.mu.Unlock()
	if err := f.fail[object]; err != nil {
		return minio.ObjectInfo{}, err
	}
	info := minio.ObjectInfo{Key: object, VersionID: opts.VersionID}
	if f.expires[object] {
		info.Expires = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return info, nil
}

func listedEntry(name string, sse string, tags map[string]string) minio.ObjectInfo {
	meta := map[string]string{"content-type": "application/octet-stream"}
	switch sse {
	case "kms":
		meta["X-Amz-Server-Side-Encryption"] = "aws:kms"
		meta["X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"] = "arn:aws:kms:k1"
	case "s3":
		meta["X-Amz-Server-Side-Encryption"] = "AES256"
	case "c":
		meta["X-Amz-Server-Side-Encryption-Customer-Algorithm"] = "AES256"
	}
	return minio.ObjectInfo{Key: name, VersionID: "v-" + name, Size: 10, LastModified: time.Now(), UserMetadata: meta, UserTags: tags}
}

func TestCountExpires(t *testing.T) {
	pii := map[string]string{"class": "pii"}
	var entries []minio.ObjectInfo
	for i := range 40 {
		entries = append(entries, listedEntry(fmt.Sprintf("p/kms-%02d", i), "kms", pii))
	}
	marker := minio.ObjectInfo{Key: "p/marker", VersionID: "dm", IsDeleteMarker: true, LastModified: time.Now()}
	entries = append(entries,
		listedEntry("p/s3", "s3", pii),
		listedEntry("p/plain", "", pii),                                      // not rewritten: no HEAD
		listedEntry("p/ssec", "c", pii),                                      // not rewritten: no HEAD
		listedEntry("p/public", "kms", map[string]string{"class": "public"}), // filtered out
		marker,
		listedEntry("q/outside", "kms", pii), // outside the prefix
	)
	expires := map[string]bool{"p/kms-03": true, "p/kms-17": true, "p/s3": true, "p/plain": true, "p/public": true, "q/outside": true}
	scope := Scope{Bucket: "b", Prefix: "p/", Filter: keyrotate.Filter{Tags: []keyrotate.KV{{Key: "class", Value: "pii"}}}}

	f := &headLister{entries: entries, expires: expires}
	n, err := CountExpires(context.Background(), f, scope, time.Now(), 4)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("counted %d versions with Expires, want 3", n)
	}
	if len(f.headed) != 41 {
		t.Errorf("sent %d HEADs, want 41 (the SSE-KMS and SSE-S3 versions in scope)", len(f.headed))
	}
	if m := f.maxSeen.Load(); m > 4 || m < 2 {
		t.Errorf("at most %d HEADs at once, want 2 to 4", m)
	}

	// A version gone since the listing is not counted; another failure
	// stops the count with its error.
	gone := minio.ErrorResponse{StatusCode: 404, Code: "NoSuchVersion"}
	denied := minio.ErrorResponse{StatusCode: 403, Code: "AccessDenied", Message: "Access Denied."}
	f = &headLister{entries: entries, expires: expires, fail: map[string]error{"p/kms-03": gone}}
	if n, err := CountExpires(context.Background(), f, scope, time.Now(), 4); err != nil || n != 2 {
		t.Errorf("with a vanished version: %d, %v; want 2, nil", n, err)
	}
	f = &headLister{entries: entries, expires: expires, fail: map[string]error{"p/kms-05": denied}}
	n, err = CountExpires(context.Background(), f, scope, time.Now(), 4)
	var er minio.ErrorResponse
	if !errors.As(err, &er) || er.Code != "AccessDenied" || n != 0 {
		t.Errorf("with a refused HEAD: %d, %v; want the AccessDenied error", n, err)
	}
}
