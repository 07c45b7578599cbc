package scan

import (
	"cmp"
	"slices"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

// Tally counts data versions and their bytes (content sizes).
type Tally struct {
	Versions, Bytes int64
}

func (t *Tally) add(size int64) {
	t.Versions++
	t.Bytes += size
}

func (t Tally) plus(u Tally) Tally {
	return Tally{Versions: t.Versions + u.Versions, Bytes: t.Bytes + u.Bytes}
}

// VersionRef names one object version, for messages.
type VersionRef struct {
	Name, VersionID string
	// KMSKey is the key the version is sealed under.
	KMSKey string
}

// Result is what one scan counted. "In scope" means under the bucket and
// prefix and selected by the job's filter. Only counts are kept, and a few
// versions per KMS key for messages, so its size does not grow with the
// bucket.
type Result struct {
	// Seen counts every listing entry under the prefix, in scope or not:
	// data versions and delete markers.
	Seen int64
	// InScope counts the data versions in scope. KMS, SSES3, SSEC and
	// Unencrypted split it by encryption.
	InScope Tally
	// KMS counts the in-scope SSE-KMS versions by KMS key name.
	KMS                      map[string]Tally
	SSES3, SSEC, Unencrypted Tally
	// Tagged counts the in-scope SSE-KMS and SSE-S3 versions that carry at
	// least one tag: a rotation rewrites those versions and drops their
	// tags. (The job skips plaintext and SSE-C versions.)
	Tagged int64
	// DeleteMarkers counts the delete markers under the prefix. The job
	// never touches a delete marker, whatever its filter.
	DeleteMarkers int64
	// DeletedObjects counts the objects under the prefix whose latest
	// version is a delete marker.
	DeletedObjects int64
	// Resurfacing counts the deleted objects with at least one in-scope
	// SSE-KMS or SSE-S3 version: a rotation gives such a version a newer
	// date than the delete marker, and the object is visible again.
	Resurfacing int64

	// oldest is the earliest Last-Modified of the in-scope versions under
	// each KMS key, as listed (to the millisecond).
	oldest map[string]time.Time
	// samples are the first versions seen under each KMS key, with their
	// place in the listing, at most sampleSize per key.
	samples    map[string][]sample
	sampleSize int
}

type sample struct {
	seq int64
	ref VersionRef
}

// Rewritten counts the in-scope versions the job rewrites (or, for an
// sse-s3 target, tries to): SSE-KMS and SSE-S3 ones. Rewriting resets their
// last-modified time and drops their tags and Expires header.
func (r *Result) Rewritten() Tally {
	t := r.SSES3
	for _, k := range r.KMS {
		t = t.plus(k)
	}
	return t
}

// Pending counts the in-scope SSE-KMS versions not yet under the target:
// for an sse-kms target those under another key; for an sse-s3 target all
// of them (the pinned server fails on each). SSE-S3 versions are never
// counted: whether their sealed key was rotated cannot be seen, and an
// sse-kms job leaves them SSE-S3 (measured), so they never reach the key.
func (r *Result) Pending(target keyrotate.Encryption) Tally {
	var t Tally
	for key, k := range r.KMS {
		if pendingUnder(target, key) {
			t = t.plus(k)
		}
	}
	return t
}

// PendingVersions returns the first pending versions (see Pending) in
// listing order, at most Options.Samples of them.
func (r *Result) PendingVersions(target keyrotate.Encryption) []VersionRef {
	var all []sample
	for key, s := range r.samples {
		if pendingUnder(target, key) {
			all = append(all, s...)
		}
	}
	slices.SortFunc(all, func(a, b sample) int { return cmp.Compare(a.seq, b.seq) })
	if len(all) > r.sampleSize {
		all = all[:r.sampleSize]
	}
	refs := make([]VersionRef, len(all))
	for i, s := range all {
		refs[i] = s.ref
	}
	return refs
}

// OldestPending is the earliest Last-Modified of the pending versions
// (see Pending), as the listing shows it (to the millisecond, rounded
// down); zero when none is pending. A job whose filter keeps only the
// versions modified at or after it reaches every pending version, and
// none that a rotation before that time re-sealed: a rotation sets the
// Last-Modified of every version it re-seals to the time it does so.
func (r *Result) OldestPending(target keyrotate.Encryption) time.Time {
	var oldest time.Time
	for key, t := range r.oldest {
		if pendingUnder(target, key) && (oldest.IsZero() || t.Before(oldest)) {
			oldest = t
		}
	}
	return oldest
}

// OldestKMS is the earliest Last-Modified of the in-scope SSE-KMS
// versions, under any key, as listed; zero when there is none.
func (r *Result) OldestKMS() time.Time {
	var oldest time.Time
	for _, t := range r.oldest {
		if oldest.IsZero() || t.Before(oldest) {
			oldest = t
		}
	}
	return oldest
}

func (r *Result) noteModified(key string, t time.Time) {
	if o, ok := r.oldest[key]; !ok || t.Before(o) {
		if r.oldest == nil {
			r.oldest = map[string]time.Time{}
		}
		r.oldest[key] = t
	}
}

func pendingUnder(target keyrotate.Encryption, key string) bool {
	switch target.Type {
	case keyrotate.SSEKMS:
		return key != target.Key
	case keyrotate.SSES3:
		return true
	}
	return false
}

// Add adds the counts of o to r, as the scan of the same scope on another
// site of a site-replication group; samples are not carried over (they
// name versions of one site); the oldest dates are.
func (r *Result) Add(o *Result) {
	r.Seen += o.Seen
	r.InScope = r.InScope.plus(o.InScope)
	r.SSES3, r.SSEC, r.Unencrypted = r.SSES3.plus(o.SSES3), r.SSEC.plus(o.SSEC), r.Unencrypted.plus(o.Unencrypted)
	if r.KMS == nil {
		r.KMS = map[string]Tally{}
	}
	for k, t := range o.KMS {
		r.KMS[k] = r.KMS[k].plus(t)
	}
	for k, t := range o.oldest {
		r.noteModified(k, t)
	}
	r.Tagged += o.Tagged
	r.DeleteMarkers += o.DeleteMarkers
	r.DeletedObjects += o.DeletedObjects
	r.Resurfacing += o.Resurfacing
}
