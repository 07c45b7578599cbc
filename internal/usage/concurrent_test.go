package usage_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/sse"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/usage"
)

// sortedClient serves many callers at once, as a server does: listings in
// key order (versions in the order given), honoring the key-marker
// (StartAfter), with a NoSuchBucket for a bucket it does not have and a
// listing error after failAt entries of a bucket.
type sortedClient struct {
	buckets map[string][]minio.ObjectInfo
	enc     map[string]*sse.Configuration
	failAt  map[string]int
	mu      sync.Mutex
	calls   int
}

func newSortedClient(buckets map[string][]minio.ObjectInfo) *sortedClient {
	for _, es := range buckets {
		slices.SortStableFunc(es, func(a, b minio.ObjectInfo) int { return strings.Compare(a.Key, b.Key) })
	}
	return &sortedClient{buckets: buckets, enc: map[string]*sse.Configuration{}, failAt: map[string]int{}}
}

func (f *sortedClient) count() {
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
}

func (f *sortedClient) ListBuckets(context.Context) ([]minio.BucketInfo, error) {
	f.count()
	var out []minio.BucketInfo
	for name := range f.buckets {
		out = append(out, minio.BucketInfo{Name: name})
	}
	return out, nil
}

func (f *sortedClient) GetBucketEncryption(_ context.Context, bucket string) (*sse.Configuration, error) {
	f.count()
	if e := f.enc[bucket]; e != nil {
		return e, nil
	}
	return nil, errResponse("ServerSideEncryptionConfigurationNotFoundError", 404)
}

func (f *sortedClient) ListObjectsIter(ctx context.Context, bucket string, opts minio.ListObjectsOptions) iter.Seq[minio.ObjectInfo] {
	f.count()
	return func(yield func(minio.ObjectInfo) bool) {
		entries, ok := f.buckets[bucket]
		if !ok {
			yield(minio.ObjectInfo{Err: errResponse("NoSuchBucket", 404)})
			return
		}
		for i, e := range entries {
			if i%pageSize == 0 && ctx.Err() != nil {
				return
			}
			if at := f.failAt[bucket]; at > 0 && i+1 == at {
				yield(minio.ObjectInfo{Err: fmt.Errorf("listing of %s broke", bucket)})
				return
			}
			if e.Key <= opts.StartAfter || !strings.HasPrefix(e.Key, opts.Prefix) {
				continue
			}
			if !yield(e) {
				return
			}
		}
	}
}

func deployment(key string) map[string][]minio.ObjectInfo {
	mixed := func(prefix string, n int) []minio.ObjectInfo {
		var out []minio.ObjectInfo
		for i := range n {
			name := fmt.Sprintf("%s%06d", prefix, i*13)
			switch i % 5 {
			case 0:
				out = append(out, deleteMarker(name), kmsVersion(name, key, 3))
			case 1:
				out = append(out, kmsVersion(name, "other", 5), kmsVersion(name, key, 7))
			case 2:
				out = append(out, s3Version(name, 1))
			default:
				out = append(out, kmsVersion(name, key, int64(i)))
			}
		}
		return out
	}
	return map[string][]minio.ObjectInfo{
		"a-big":     mixed("obj/", 4000),
		"b-unicode": append(mixed("é/", 800), append(mixed("日本/", 800), mixed("z/", 800)...)...),
		"c-small":   mixed("", 10),
		"d-empty":   nil,
		"e-other":   kmsN("x", "other", 1200, 1),
		"f-flat":    mixed("", 3000),
	}
}

func TestScanConcurrentEqualsSerial(t *testing.T) {
	const key = "k1"
	f := newSortedClient(deployment(key))
	f.enc["c-small"] = sse.NewConfigurationSSEKMS(key)
	want, err := usage.Scan(context.Background(), f, key, usage.Options{Samples: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{2, 3, 8} {
		var progress []usage.Progress
		got, err := usage.Scan(context.Background(), f, key, usage.Options{Samples: 5, Concurrency: n, Progress: func(p usage.Progress) { progress = append(progress, p) }})
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("concurrency %d (-serial +concurrent):\n%s", n, d)
		}
		last := progress[len(progress)-1]
		if last.BucketsDone != 6 || last.VersionsSeen != want.VersionsSeen {
			t.Errorf("concurrency %d: last progress %+v", n, last)
		}
		for i := 1; i < len(progress); i++ {
			if progress[i].VersionsSeen < progress[i-1].VersionsSeen || progress[i].BucketsDone < progress[i-1].BucketsDone {
				t.Errorf("concurrency %d: progress goes back: %+v", n, progress)
				break
			}
		}
	}
}

func TestScanConcurrentFailureNamesTheSerialBucket(t *testing.T) {
	const key = "k1"
	f := newSortedClient(deployment(key))
	f.failAt["b-unicode"] = 1500
	want, wantErr := usage.Scan(context.Background(), f, key, usage.Options{})
	got, err := usage.Scan(context.Background(), f, key, usage.Options{Concurrency: 8})
	var we, ge *usage.Error
	if !asError(wantErr, &we) || !asError(err, &ge) {
		t.Fatalf("errors: serial %v, concurrent %v", wantErr, err)
	}
	if we.Bucket != ge.Bucket || we.BucketsDone != ge.BucketsDone || we.Doing != ge.Doing {
		t.Errorf("concurrent error %v, serial %v", err, wantErr)
	}
	if d := cmp.Diff(want.Buckets, got.Buckets); d != "" || got.BucketsScanned != want.BucketsScanned {
		t.Errorf("report beside the error (-serial +concurrent):\n%s", d)
	}
}

func asError(err error, target **usage.Error) bool {
	return errors.As(err, target)
}
