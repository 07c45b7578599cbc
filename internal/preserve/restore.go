package preserve

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/tags"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// Client is what Restore calls on *minio.Client, so that tests can pass a
// fake.
type Client interface {
	scan.Lister
	PutObjectTagging(ctx context.Context, bucket, object string, t *tags.Tags, opts minio.PutObjectTaggingOptions) error
	RemoveObject(ctx context.Context, bucket, object string, opts minio.RemoveObjectOptions) error
	GetBucketVersioning(ctx context.Context, bucket string) (minio.BucketVersioningConfiguration, error)
}

var _ Client = (*minio.Client)(nil)

var errClosed = errors.New("the snapshot was closed")

// Restore puts back, after a rotation, what s recorded: tag sets on the
// versions that lost them, and delete markers on the objects that came
// back. It lists the snapshot's bucket and prefix once and sends one
// request per thing to put back, Workers at a time. Running it again
// changes nothing more.
//
// A tag set goes back only on the same version (ID, and for the "null"
// version, which can be overwritten in place, ETag), when that version has
// no tags and a new date (the job's doing). A delete marker goes back only when the object's latest
// entry is one of its data versions recorded, its recorded delete marker
// still exists, nothing was written to it since, and the bucket's
// versioning makes a delete a marker. Everything else is counted in
// Result with its reason.
//
// The Result is valid with an error too, which is then an *Error: a failed
// request does not stop the others, up to MaxFailures of them.
//
// Drop the snapshot once a Restore succeeded: a delete marker it put back
// and someone removed afterwards leaves no trace, and a later Restore
// would hide the object again.
func Restore(ctx context.Context, c Client, s *Snapshot) (Result, error) {
	if s.closed {
		return Result{}, errClosed
	}
	cur, err := s.st.open()
	if err != nil {
		return Result{}, err
	}
	defer cur.close()
	w := newWriter(ctx)
	r := &restorer{c: c, bucket: s.Bucket, w: w, cur: cur, lister: &etagLister{Lister: c}}
	stopped := scan.Walk(w.ctx, r.lister, s.Bucket, s.Prefix, r.add)
	if stopped == nil {
		stopped = r.endGroup()
	}
	if stopped == nil {
		stopped = r.drain("")
	}
	if stopped != nil && w.ctx.Err() != nil {
		// The writer's cause (too many failures) or the caller's.
		stopped = context.Cause(w.ctx)
	}
	res, failures := w.wait()
	if stopped == nil && len(failures) == 0 {
		return res, nil
	}
	return res, &Error{Bucket: s.Bucket, Stopped: stopped, Failures: failures, Result: res}
}

// restorer merges one pass of the listing with the snapshot's records,
// both in name order, one object at a time.
type restorer struct {
	c      Client
	bucket string
	w      *writer
	lister *etagLister
	cur    *cursor
	peeked *object // the next record, read ahead of the listing

	versioning *minio.BucketVersioningConfiguration

	// The object being listed.
	started bool
	name    string
	rec     *object // its record, nil if none
	seen    []bool  // which of rec.Tagged were listed
	tagged  map[string]int
	before  map[string]bool // rec.Deleted.Versions

	latestSeen, latestMarker bool
	markerSeen, changed      bool
}

func (r *restorer) add(v scan.Version) error {
	if !r.started || v.Name != r.name {
		if r.started && v.Name < r.name {
			return fmt.Errorf("listing of bucket %q is not in name order: %q after %q", r.bucket, v.Name, r.name)
		}
		if err := r.endGroup(); err != nil {
			return err
		}
		if err := r.startGroup(v.Name); err != nil {
			return err
		}
	}
	if r.rec == nil {
		return nil
	}
	if !r.latestSeen || v.IsLatest {
		r.latestSeen, r.latestMarker = true, v.IsDeleteMarker
	}
	if d := r.rec.Deleted; d != nil {
		switch {
		case v.VersionID == d.Marker:
			r.markerSeen = true
		case !r.before[v.VersionID]:
			r.changed = true
		}
	}
	if i, ok := r.tagged[v.VersionID]; ok && !v.IsDeleteMarker && !r.seen[i] {
		r.seen[i] = true
		return r.restoreTags(v, r.rec.Tagged[i])
	}
	return nil
}

// startGroup finds the record of name, counting the records before it as
// gone: their objects were not listed.
func (r *restorer) startGroup(name string) error {
	if err := r.drain(name); err != nil {
		return err
	}
	r.started, r.name, r.rec = true, name, nil
	r.latestSeen, r.latestMarker, r.markerSeen, r.changed = false, false, false, false
	if r.peeked == nil || r.peeked.Name != name {
		return nil
	}
	r.rec, r.peeked = r.peeked, nil
	r.seen = make([]bool, len(r.rec.Tagged))
	r.tagged = make(map[string]int, len(r.rec.Tagged))
	for i, t := range r.rec.Tagged {
		r.tagged[t.VersionID] = i
	}
	r.before = nil
	if d := r.rec.Deleted; d != nil {
		r.before = make(map[string]bool, len(d.Versions))
		for _, id := range d.Versions {
			r.before[id] = true
		}
	}
	return nil
}

// drain counts as gone the records before name, or all of them when name
// is empty, and leaves the next one in r.peeked.
func (r *restorer) drain(name string) error {
	for {
		if r.peeked == nil {
			o, ok, err := r.cur.next()
			if err != nil || !ok {
				return err
			}
			r.peeked = &o
		}
		if name != "" && r.peeked.Name >= name {
			return nil
		}
		gone := r.peeked
		r.peeked = nil
		r.w.count(func(res *Result) {
			res.TagsSkipped.Gone += int64(len(gone.Tagged))
			if gone.Deleted != nil {
				res.DeletedSkipped.Gone++
			}
		})
	}
}

// endGroup decides, once all entries of the object were listed, about the
// versions not seen and about the delete marker.
func (r *restorer) endGroup() error {
	rec := r.rec
	if rec == nil {
		return nil
	}
	r.rec = nil
	var gone int64
	for _, s := range r.seen {
		if !s {
			gone++
		}
	}
	r.w.count(func(res *Result) { res.TagsSkipped.Gone += gone })
	if rec.Deleted == nil {
		return nil
	}
	switch {
	case r.latestMarker:
		r.w.count(func(res *Result) { res.StillDeleted++ })
	case !r.markerSeen:
		r.w.count(func(res *Result) { res.DeletedSkipped.MarkerRemoved++ })
	case r.changed:
		r.w.count(func(res *Result) { res.DeletedSkipped.Changed++ })
	default:
		return r.putMarker(rec.Name)
	}
	return nil
}

func (r *restorer) restoreTags(v scan.Version, t taggedVersion) error {
	skip := func(fn func(*TagSkips)) error {
		r.w.count(func(res *Result) { fn(&res.TagsSkipped) })
		return nil
	}
	switch {
	case t.ETag != "" && r.lister.etag != "" && r.lister.etag != t.ETag:
		return skip(func(s *TagSkips) { s.Replaced++ })
	case len(v.Tags) > 0 && maps.Equal(v.Tags, t.Tags):
		r.w.count(func(res *Result) { res.TagsInPlace++ })
		return nil
	case len(v.Tags) > 0:
		return skip(func(s *TagSkips) { s.Retagged++ })
	case v.LastModified.UnixMilli() == t.Modified:
		return skip(func(s *TagSkips) { s.Untagged++ })
	}
	f := Failure{Action: "put tags", Name: v.Name, VersionID: v.VersionID}
	set, err := tags.MapToObjectTags(t.Tags)
	if err != nil {
		r.w.fail(f, err)
		return nil
	}
	return r.w.do(f, func(ctx context.Context) error {
		return r.c.PutObjectTagging(ctx, r.bucket, v.Name, set, minio.PutObjectTaggingOptions{VersionID: v.VersionID})
	}, func(res *Result) { res.TagsRestored++ })
}

func (r *restorer) putMarker(name string) error {
	ok, err := r.makesMarker(name)
	if err != nil {
		return err
	}
	if !ok {
		r.w.count(func(res *Result) { res.DeletedSkipped.Unversioned++ })
		return nil
	}
	return r.w.do(Failure{Action: "put a delete marker", Name: name}, func(ctx context.Context) error {
		return r.c.RemoveObject(ctx, r.bucket, name, minio.RemoveObjectOptions{})
	}, func(res *Result) { res.MarkersPut++ })
}
