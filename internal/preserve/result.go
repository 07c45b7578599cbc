package preserve

import (
	"errors"
	"fmt"
	"strings"
)

// Result counts what Restore did and why it left things alone.
type Result struct {
	// TagsRestored counts the tag sets put back.
	TagsRestored int64
	// TagsInPlace counts the versions that already carry their recorded
	// tags: the job did not reach them, or an earlier Restore did.
	TagsInPlace int64
	TagsSkipped TagSkips

	// MarkersPut counts the delete markers put back on top of objects the
	// rotation had made visible again.
	MarkersPut int64
	// StillDeleted counts the deleted objects whose latest entry is still
	// a delete marker.
	StillDeleted   int64
	DeletedSkipped DeletedSkips
}

// TagSkips counts the recorded tag sets not put back, by reason.
type TagSkips struct {
	// Gone: the version no longer exists.
	Gone int64
	// Replaced: a version with the same ID but another ETag: the "null"
	// version was overwritten.
	Replaced int64
	// Retagged: the version carries other tags, set since the snapshot.
	Retagged int64
	// Untagged: the version has no tags but still its recorded date, so
	// the job did not rewrite it: someone removed its tags.
	Untagged int64
}

// Total is the number of tag sets not put back.
func (t TagSkips) Total() int64 { return t.Gone + t.Replaced + t.Retagged + t.Untagged }

// DeletedSkips counts the deleted objects left visible, by reason.
type DeletedSkips struct {
	// Gone: the object has no entry left; it stays deleted.
	Gone int64
	// MarkerRemoved: the recorded delete marker was removed since the
	// snapshot: someone brought the object back on purpose.
	MarkerRemoved int64
	// Changed: a version or delete marker was written since the snapshot;
	// a new marker could hide what someone wrote.
	Changed int64
	// Unversioned: the bucket's versioning is suspended or excludes the
	// name, where a delete would destroy a version instead of hiding it.
	Unversioned int64
}

// Total is the number of deleted objects left visible.
func (d DeletedSkips) Total() int64 {
	return d.Gone + d.MarkerRemoved + d.Changed + d.Unversioned
}

// Writes is the number of requests that changed something.
func (r Result) Writes() int64 { return r.TagsRestored + r.MarkersPut }

func (r Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d tag sets restored, %d in place, %d skipped", r.TagsRestored, r.TagsInPlace, r.TagsSkipped.Total())
	reasons(&b, []int64{r.TagsSkipped.Gone, r.TagsSkipped.Replaced, r.TagsSkipped.Retagged, r.TagsSkipped.Untagged},
		[]string{"version gone", "content replaced", "tagged since", "untagged since"})
	fmt.Fprintf(&b, "; %d delete markers put back, %d still deleted, %d left visible", r.MarkersPut, r.StillDeleted, r.DeletedSkipped.Total())
	reasons(&b, []int64{r.DeletedSkipped.Gone, r.DeletedSkipped.MarkerRemoved, r.DeletedSkipped.Changed, r.DeletedSkipped.Unversioned},
		[]string{"purged", "delete marker removed", "written since", "versioning off"})
	return b.String()
}

// reasons appends " (n why, ...)" for the non-zero counts.
func reasons(b *strings.Builder, counts []int64, why []string) {
	sep := " ("
	for i, n := range counts {
		if n != 0 {
			fmt.Fprintf(b, "%s%d %s", sep, n, why[i])
			sep = ", "
		}
	}
	if sep == ", " {
		b.WriteString(")")
	}
}

// Failure is one request of Restore that failed.
type Failure struct {
	// Action is "put tags" or "put a delete marker".
	Action          string
	Name, VersionID string
	Err             error
}

func (f Failure) Error() string {
	if f.VersionID == "" {
		return fmt.Sprintf("%s on %q: %v", f.Action, f.Name, f.Err)
	}
	return fmt.Sprintf("%s on %q version %s: %v", f.Action, f.Name, f.VersionID, f.Err)
}

func (f Failure) Unwrap() error { return f.Err }

// MaxFailures is how many failed requests Restore tolerates before it
// stops; an Error keeps that many.
const MaxFailures = 10

// ErrTooManyFailures stops a Restore after MaxFailures failed requests:
// past a few, the cause is likely the same for all (permissions, an
// unreachable server).
var ErrTooManyFailures = errors.New("too many failed requests")

// Error is a Restore that did not put back everything it should have.
// Restore is idempotent: running it again retries what failed.
type Error struct {
	Bucket string
	// Stopped is what ended the pass early: the listing's error, the
	// context's, or ErrTooManyFailures; nil when the pass ended and only
	// some requests failed.
	Stopped error
	// Failures are the failed requests, at most MaxFailures.
	Failures []Failure
	// Result counts what was done before the error.
	Result Result
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "restoring tags and delete markers in bucket %q: ", e.Bucket)
	if e.Stopped != nil {
		fmt.Fprintf(&b, "stopped: %v; ", e.Stopped)
	}
	if len(e.Failures) > 0 {
		fmt.Fprintf(&b, "%d requests failed, first: %v; ", len(e.Failures), e.Failures[0])
	}
	fmt.Fprintf(&b, "done so far: %v", e.Result)
	return b.String()
}

func (e *Error) Unwrap() []error {
	errs := make([]error, 0, len(e.Failures)+1)
	if e.Stopped != nil {
		errs = append(errs, e.Stopped)
	}
	for _, f := range e.Failures {
		errs = append(errs, f)
	}
	return errs
}
