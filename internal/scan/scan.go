package scan

import (
	"context"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

// Scope is what a job looks at: the versions under Prefix in Bucket that
// Filter selects.
type Scope struct {
	Bucket, Prefix string
	Filter         keyrotate.Filter
}

// ScopeOf is the scope of the job s.
func ScopeOf(s keyrotate.Spec) Scope {
	return Scope{Bucket: s.Bucket, Prefix: s.Prefix, Filter: s.Filter}
}

// Options tunes Scan. The zero value is usable.
type Options struct {
	// Now is the instant the time filters are relative to; zero means
	// time.Now() when Scan starts.
	Now time.Time
	// Progress, if set, is called with the number of listing entries seen
	// so far after every ProgressEvery of them, and with the total at the
	// end (once).
	Progress func(seen int64)
	// Samples is how many pending versions Result.PendingVersions returns
	// at most; 0 means 10.
	Samples int
	// Tags, if set, checks on the first data version that the credentials
	// may read tags (TagsReadable), without which Result.Tagged would
	// silently count 0: MinIO leaves tags out of the listing then.
	Tags TagReader
	// Observe, if set, sees every listing entry, one call at a time but,
	// under ScanConcurrent, not in listing order.
	Observe func(Version)
}

// ProgressEvery is how many listing entries pass between two calls of
// Options.Progress: one listing page.
const ProgressEvery = 1000

// Scan counts the versions in scope in one pass of the versioned listing.
// On error it returns nil and the error; a canceled scan fails with the
// context's error.
func Scan(ctx context.Context, c Lister, scope Scope, o Options) (*Result, error) {
	n := NewCounter(scope, o)
	probe := o.Tags
	err := Walk(ctx, c, scope.Bucket, scope.Prefix, func(v Version) error {
		if probe != nil && !v.IsDeleteMarker {
			if err := TagsReadable(ctx, probe, scope.Bucket, v); err != nil {
				return err
			}
			probe = nil
		}
		n.Add(v)
		if o.Observe != nil {
			o.Observe(v)
		}
		if o.Progress != nil && n.res.Seen%ProgressEvery == 0 {
			o.Progress(n.res.Seen)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res := n.Result()
	if o.Progress != nil && (res.Seen == 0 || res.Seen%ProgressEvery != 0) {
		o.Progress(res.Seen)
	}
	return res, nil
}

// Counter is Scan's counting, for a pass over the listing made by someone
// else (preserve.Take), so that one listing serves both. Feed it every
// entry of the scope's listing, in order, then read Result.
type Counter struct{ scanner }

// NewCounter counts for scope as Scan would with o (Progress aside).
func NewCounter(scope Scope, o Options) *Counter {
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Samples <= 0 {
		o.Samples = 10
	}
	return &Counter{scanner{
		// Normalized once, so that matching allocates nothing per version.
		filter: keyrotate.Spec{Filter: scope.Filter}.Normalized().Filter,
		now:    o.Now,
		res:    &Result{KMS: map[string]Tally{}, samples: map[string][]sample{}, sampleSize: o.Samples},
	}}
}

// Add counts the next listing entry.
func (c *Counter) Add(v Version) { c.add(v) }

// Result ends the count and returns it; call it once, after the last Add.
func (c *Counter) Result() *Result {
	c.endObject()
	return c.res
}

// scanner holds the state of one pass: the counts, and what is known of
// the object whose versions are being listed (they come one after another,
// newest first).
type scanner struct {
	filter keyrotate.Filter
	now    time.Time
	res    *Result

	object    string
	deleted   bool // the object's latest version is a delete marker
	rewritten bool // one of its versions is rewritten by the job
}

func (s *scanner) add(v Version) {
	r := s.res
	if r.Seen == 0 || v.Name != s.object {
		s.endObject()
		s.object, s.deleted, s.rewritten = v.Name, false, false
	}
	r.Seen++
	if v.IsDeleteMarker {
		r.DeleteMarkers++
		if v.IsLatest {
			s.deleted = true
		}
		return
	}
	if !s.filter.Matches(v.Facts(), s.now) {
		return
	}
	r.InScope.add(v.Size)
	switch v.Encryption.Kind {
	case SSEKMS:
		t := r.KMS[v.Encryption.Key]
		t.add(v.Size)
		r.KMS[v.Encryption.Key] = t
		r.noteModified(v.Encryption.Key, v.LastModified)
		if smp := r.samples[v.Encryption.Key]; len(smp) < r.sampleSize {
			ref := VersionRef{Name: v.Name, VersionID: v.VersionID, KMSKey: v.Encryption.Key}
			r.samples[v.Encryption.Key] = append(smp, sample{seq: r.Seen, ref: ref})
		}
	case SSES3:
		r.SSES3.add(v.Size)
	case SSEC:
		// The job skips SSE-C and plaintext versions: they keep their
		// date and tags, so they neither resurface an object nor count
		// as Tagged.
		r.SSEC.add(v.Size)
		return
	default:
		r.Unencrypted.add(v.Size)
		return
	}
	s.rewritten = true
	if len(v.Tags) > 0 {
		r.Tagged++
	}
}

// endObject counts the object whose versions have all been seen.
func (s *scanner) endObject() {
	if !s.deleted {
		return
	}
	s.res.DeletedObjects++
	if s.rewritten {
		s.res.Resurfacing++
	}
	s.deleted = false
}
