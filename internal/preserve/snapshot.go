package preserve

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// DefaultMemoryBudget is the estimated heap a snapshot's records may take
// before they go to a temporary file: 8 MiB, about 14,000 tagged versions
// with two short tags or 20,000 deleted objects of three versions.
const DefaultMemoryBudget = 8 << 20

// Options tunes Take and Unmarshal. The zero value is usable.
type Options struct {
	// Now is the instant the job's time filters are evaluated at; zero
	// means time.Now() when Take starts.
	Now time.Time
	// Until is the latest instant the job may evaluate its filter at (its
	// deadline): a version selected at Now or at Until is recorded, so that
	// one crossing an older_than or newer_than boundary while the job runs
	// keeps its tags. Zero means Now.
	Until time.Time
	// MemoryBudget is how many estimated bytes of records stay in memory
	// before all of them go to a temporary file; 0 means
	// DefaultMemoryBudget, negative means spill from the first record.
	MemoryBudget int64
	// Dir is where the temporary file goes; empty means os.TempDir().
	Dir string
	// SkipTags and SkipDeleted leave out what the caller chose not to put
	// back: tag sets, deleted objects.
	SkipTags, SkipDeleted bool
	// Observe, if set, sees every entry of Take's listing, in order, so
	// that one listing also serves a count (scan.Counter).
	Observe func(scan.Version)
}

func (o Options) budget() int64 {
	switch {
	case o.MemoryBudget == 0:
		return DefaultMemoryBudget
	case o.MemoryBudget < 0:
		return 0
	}
	return o.MemoryBudget
}

// Snapshot is what a rotation of one scope will destroy, recorded before
// it runs. Close it to remove its temporary file.
type Snapshot struct {
	Bucket, Prefix string
	// Taken is when the listing started.
	Taken time.Time
	// Tagged counts the tagged versions recorded: the job rewrites them
	// and drops their tags.
	Tagged int64
	// Deleted counts the deleted objects recorded: the job rewrites one of
	// their versions and they resurface.
	Deleted int64

	st     *store
	closed bool
}

// Spilled reports whether the records went to a temporary file.
func (s *Snapshot) Spilled() bool { return s.st.spilled() }

// Close removes the snapshot's temporary file, if any. The snapshot cannot
// be restored or marshaled afterwards.
func (s *Snapshot) Close() error {
	s.closed = true
	s.st.mem = nil
	return s.st.remove()
}

// Take records, in one pass of the versioned listing of scope, what a key
// rotation job of that scope will destroy: the tags of the versions it
// rewrites, and the objects it will make visible again. Take it right
// before starting the job: versions written in between are not recorded.
// On error it returns nil and leaves no file behind.
func Take(ctx context.Context, c scan.Lister, scope scan.Scope, o Options) (*Snapshot, error) {
	taken := time.Now()
	if o.Now.IsZero() {
		o.Now = taken
	}
	if o.Until.IsZero() {
		o.Until = o.Now
	}
	if o.Dir == "" {
		o.Dir = os.TempDir()
	}
	s := &Snapshot{Bucket: scope.Bucket, Prefix: scope.Prefix, Taken: taken, st: newStore(o.budget(), o.Dir)}
	t := taker{
		snap: s,
		// Normalized once, as scan.Scan does, so that matching allocates
		// nothing per version.
		filter: keyrotate.Spec{Filter: scope.Filter}.Normalized().Filter,
		now:    o.Now,
		until:  o.Until,
		lister: &etagLister{Lister: c},
		skip:   o,
	}
	visit := t.add
	if o.Observe != nil {
		visit = func(v scan.Version) error {
			o.Observe(v)
			return t.add(v)
		}
	}
	// MinIO lists versions without their tags when the credentials may
	// not read them: the snapshot would hold none, and the job's loss of
	// every tag go unnoticed. One request on the first data version proves
	// they may (a client without the call, a test's, is not checked).
	if probe, ok := c.(scan.TagReader); ok && !o.SkipTags {
		record := visit
		visit = func(v scan.Version) error {
			if probe != nil && !v.IsDeleteMarker {
				if err := scan.TagsReadable(ctx, probe, scope.Bucket, v); err != nil {
					return err
				}
				probe = nil
			}
			return record(v)
		}
	}
	err := scan.Walk(ctx, t.lister, scope.Bucket, scope.Prefix, visit)
	if err == nil {
		err = t.end()
	}
	if err == nil {
		err = s.st.seal()
	}
	if err != nil {
		return nil, errors.Join(err, s.st.remove())
	}
	return s, nil
}

// taker is the state of one Take pass: the object whose entries are being
// listed (newest first, one name after another).
type taker struct {
	snap       *Snapshot
	filter     keyrotate.Filter
	now, until time.Time
	lister     *etagLister
	skip       Options // SkipTags, SkipDeleted

	started   bool
	name      string
	marker    string // the latest entry's ID when it is a delete marker
	rewritten bool
	ids       []string
	tagged    []taggedVersion
}

// rewrites tells whether the job rewrites v, with the meaning of
// scan.Result.Rewritten: in scope, SSE-KMS or SSE-S3.
func (t *taker) rewrites(v scan.Version) bool {
	if v.Encryption.Kind != scan.SSEKMS && v.Encryption.Kind != scan.SSES3 {
		return false
	}
	f := v.Facts()
	return t.filter.Matches(f, t.now) || t.filter.Matches(f, t.until)
}

func (t *taker) add(v scan.Version) error {
	if !t.started || v.Name != t.name {
		if t.started && v.Name < t.name {
			// Restore merges the records with a new listing by name.
			return fmt.Errorf("listing of bucket %q is not in name order: %q after %q", t.snap.Bucket, v.Name, t.name)
		}
		if err := t.end(); err != nil {
			return err
		}
		t.started, t.name, t.marker, t.rewritten = true, v.Name, "", false
		t.ids, t.tagged = t.ids[:0], nil
	}
	if v.IsDeleteMarker && v.IsLatest {
		t.marker = v.VersionID
		return nil
	}
	t.ids = append(t.ids, v.VersionID)
	if v.IsDeleteMarker || !t.rewrites(v) {
		return nil
	}
	t.rewritten = true
	if len(v.Tags) > 0 && !t.skip.SkipTags {
		tv := taggedVersion{VersionID: v.VersionID, Modified: v.LastModified.UnixMilli(), Tags: v.Tags}
		if v.VersionID == "" || v.VersionID == nullVersion {
			tv.ETag = t.lister.etag
		}
		t.tagged = append(t.tagged, tv)
	}
	return nil
}

// end records the object whose entries have all been seen, if it has
// something to restore.
func (t *taker) end() error {
	if !t.started {
		return nil
	}
	o := object{Name: t.name, Tagged: t.tagged}
	if t.marker != "" && t.rewritten && !t.skip.SkipDeleted {
		o.Deleted = &deletedObject{Marker: t.marker, Versions: slices.Clone(t.ids)}
	}
	if o.Tagged == nil && o.Deleted == nil {
		return nil
	}
	t.snap.Tagged += int64(len(o.Tagged))
	if o.Deleted != nil {
		t.snap.Deleted++
	}
	return t.snap.st.add(o)
}
