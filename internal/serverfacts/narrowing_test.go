package serverfacts

import (
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
)

// The provider narrows a rotation to the versions modified at or after
// the oldest pending one, as the versioned listing shows its date: to the
// millisecond, rounded down. The job's date filter must then keep that
// version, however many microseconds past the listed millisecond it was
// written, and leave alone what was modified a millisecond before.

// TestCreatedBeforeKeepsTheListedMillisecond proves both: the listing
// rounds Last-Modified down to the millisecond, and createdBefore: T (the
// provider's created_after, see TestCreatedBeforeIsInverted) with T that
// listed date, in RFC 3339 with fractional seconds, rotates the version
// listed at T and the one after, and not the one a millisecond before.
func TestCreatedBeforeKeepsTheListedMillisecond(t *testing.T) {
	f := setup(t)
	bucket, a, b := f.bucket(), f.key(), f.key()
	T := pivot().Add(123 * time.Millisecond)
	f.put(
		seed(bucket, a, []string{"before-1ms"}, at(T.Add(-time.Millisecond))),
		seed(bucket, a, []string{"at"}, at(T.Add(456*time.Microsecond))),
		seed(bucket, a, []string{"after-1ms"}, at(T.Add(time.Millisecond))),
	)
	var listed time.Time
	for o := range f.s3.ListObjects(f.ctx, bucket, minio.ListObjectsOptions{Prefix: "at", WithVersions: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		listed = o.LastModified
	}
	if !listed.Equal(T) {
		t.Fatalf("the listing dates a version written at %s as %s, want %s (rounded down to the millisecond)",
			T.Add(456*time.Microsecond).Format(time.RFC3339Nano), listed.Format(time.RFC3339Nano), T.Format(time.RFC3339Nano))
	}

	f.complete(job{bucket: bucket, key: b, flags: "filter:\n  createdBefore: " + listed.Format(time.RFC3339Nano)}, 2)
	f.expectKeys(bucket, merge(under(b, []string{"at", "after-1ms"}), under(a, []string{"before-1ms"})))
}
