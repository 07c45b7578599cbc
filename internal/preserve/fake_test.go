package preserve

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/tags"
)

// fakeBucket is a versioned bucket that behaves, as far as Take and
// Restore can see, like the pinned MinIO (SERVER-FACTS): a rotation
// re-dates and untags the versions it rewrites, which then sort above an
// older delete marker; PutObjectTagging keeps dates and order.
type fakeBucket struct {
	mu         sync.Mutex
	objects    map[string][]*fakeVersion // newest first
	versioning minio.BucketVersioningConfiguration
	clock      time.Time
	ids        int

	// failTags, if set, answers PutObjectTagging.
	failTags func(name, versionID string) error
	// block, if set, is waited on by every write.
	block chan struct{}

	tagPuts, removes atomic.Int64
	inFlight, most   atomic.Int64
	// reversedListing lists names in reverse, to test the order check.
	reversedListing bool
}

type fakeVersion struct {
	id     string
	marker bool
	mod    time.Time
	etag   string
	kind   string // "kms", "s3", "plain"
	key    string
	tags   map[string]string
}

func newFakeBucket() *fakeBucket {
	return &fakeBucket{
		objects:    map[string][]*fakeVersion{},
		versioning: minio.BucketVersioningConfiguration{Status: minio.Enabled},
		clock:      time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC),
	}
}

func (b *fakeBucket) tick() time.Time {
	b.clock = b.clock.Add(time.Second)
	return b.clock
}

// newID returns a random UUID, as MinIO's version IDs are: the marshaled
// size depends on how well IDs compress.
func (b *fakeBucket) newID() string {
	b.ids++
	var u [16]byte
	rand.Read(u[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
}

// put writes a new version on top of name and returns its ID.
func (b *fakeBucket) put(name, kind, key string, kv ...string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	v := &fakeVersion{id: b.newID(), mod: b.tick(), kind: kind, key: key}
	if !b.versioning.Enabled() {
		// The only version, overwritten in place.
		v.id = nullVersion
		b.objects[name] = slices.DeleteFunc(b.objects[name], func(v *fakeVersion) bool { return v.id == nullVersion })
	}
	var md5 [16]byte
	rand.Read(md5[:])
	v.etag = fmt.Sprintf("%x", md5) // as MinIO lists it
	if len(kv) > 0 {
		v.tags = map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			v.tags[kv[i]] = kv[i+1]
		}
	}
	b.objects[name] = append([]*fakeVersion{v}, b.objects[name]...)
	return v.id
}

// remove deletes name as a client would: a delete marker on top.
func (b *fakeBucket) remove(name string) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	v := &fakeVersion{id: b.newID(), marker: true, mod: b.tick()}
	b.objects[name] = append([]*fakeVersion{v}, b.objects[name]...)
	return v.id
}

// removeVersion deletes one version or delete marker for good.
func (b *fakeBucket) removeVersion(name, id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.objects[name] = slices.DeleteFunc(b.objects[name], func(v *fakeVersion) bool { return v.id == id })
	if len(b.objects[name]) == 0 {
		delete(b.objects, name)
	}
}

func (b *fakeBucket) version(name, id string) *fakeVersion {
	for _, v := range b.objects[name] {
		if v.id == id {
			return v
		}
	}
	return nil
}

// rotate does what the keyrotate job does to the versions under prefix
// that selected accepts: a new key, a new date, no tags. It rewrites them
// oldest first unless newestFirst, then sorts every object by date.
func (b *fakeBucket) rotate(prefix, key string, newestFirst bool, selected func(name string, v *fakeVersion) bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, name := range slices.Sorted(maps.Keys(b.objects)) {
		if !strings.HasPrefix(name, prefix) {
			continue
		}
		vs := b.objects[name]
		for i := range vs {
			v := vs[len(vs)-1-i]
			if newestFirst {
				v = vs[i]
			}
			if v.marker || v.kind == "plain" || (selected != nil && !selected(name, v)) {
				continue
			}
			v.mod, v.tags = b.tick(), nil
			if v.kind == "kms" {
				v.key = key
			}
		}
		slices.SortStableFunc(vs, func(x, y *fakeVersion) int { return y.mod.Compare(x.mod) })
	}
}

func (b *fakeBucket) ListObjectsIter(ctx context.Context, bucket string, opts minio.ListObjectsOptions) iter.Seq[minio.ObjectInfo] {
	b.mu.Lock()
	var entries []minio.ObjectInfo
	names := slices.Sorted(maps.Keys(b.objects))
	if b.reversedListing {
		slices.Reverse(names)
	}
	for _, name := range names {
		if !strings.HasPrefix(name, opts.Prefix) {
			continue
		}
		for i, v := range b.objects[name] {
			entries = append(entries, v.info(name, i == 0))
		}
	}
	b.mu.Unlock()
	return func(yield func(minio.ObjectInfo) bool) {
		for _, e := range entries {
			if ctx.Err() != nil {
				// minio-go ends silently; scan.Walk checks ctx.
				return
			}
			if !yield(e) {
				return
			}
		}
	}
}

// info is v as the pinned MinIO lists it with versions and metadata.
func (v *fakeVersion) info(name string, latest bool) minio.ObjectInfo {
	// Fresh strings, as a real listing decodes them, so that the memory
	// benchmark counts them.
	o := minio.ObjectInfo{Key: strings.Clone(name), VersionID: strings.Clone(v.id), IsLatest: latest, IsDeleteMarker: v.marker, LastModified: v.mod}
	if v.marker {
		return o
	}
	o.ETag, o.Size = strings.Clone(v.etag), 64
	o.UserMetadata = map[string]string{"content-type": "application/octet-stream"}
	switch v.kind {
	case "kms":
		o.UserMetadata["X-Amz-Server-Side-Encryption"] = "aws:kms"
		o.UserMetadata["X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"] = "arn:aws:kms:" + v.key
	case "s3":
		o.UserMetadata["X-Amz-Server-Side-Encryption"] = "AES256"
	}
	if len(v.tags) > 0 {
		o.UserTags = maps.Clone(v.tags)
	}
	return o
}

// write accounts for one write request, waiting on b.block if set.
func (b *fakeBucket) write(ctx context.Context) error {
	n := b.inFlight.Add(1)
	defer b.inFlight.Add(-1)
	for {
		m := b.most.Load()
		if n <= m || b.most.CompareAndSwap(m, n) {
			break
		}
	}
	if b.block != nil {
		select {
		case <-b.block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (b *fakeBucket) PutObjectTagging(ctx context.Context, bucket, name string, t *tags.Tags, opts minio.PutObjectTaggingOptions) error {
	if err := b.write(ctx); err != nil {
		return err
	}
	b.tagPuts.Add(1)
	if b.failTags != nil {
		if err := b.failTags(name, opts.VersionID); err != nil {
			return err
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	v := b.version(name, opts.VersionID)
	if v == nil || v.marker {
		return errors.New("NoSuchVersion")
	}
	v.tags = t.ToMap()
	return nil
}

func (b *fakeBucket) RemoveObject(ctx context.Context, bucket, name string, opts minio.RemoveObjectOptions) error {
	if err := b.write(ctx); err != nil {
		return err
	}
	b.removes.Add(1)
	if opts.VersionID != "" {
		return errors.New("the fake removes only without a version ID")
	}
	b.remove(name)
	return nil
}

func (b *fakeBucket) GetBucketVersioning(ctx context.Context, bucket string) (minio.BucketVersioningConfiguration, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.versioning, nil
}

// state is the whole bucket as comparable text: per object, its entries
// newest first with ID, marker, key and tags (not dates).
func (b *fakeBucket) state() map[string][]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := map[string][]string{}
	for name, vs := range b.objects {
		for _, v := range vs {
			out[name] = append(out[name], v.String())
		}
	}
	return out
}

func (v *fakeVersion) String() string {
	if v.marker {
		return v.id + " marker"
	}
	kv := make([]string, 0, len(v.tags))
	for _, k := range slices.SortedFunc(maps.Keys(v.tags), cmp.Compare) {
		kv = append(kv, k+"="+v.tags[k])
	}
	return fmt.Sprintf("%s %s/%s [%s]", v.id, v.kind, v.key, strings.Join(kv, ","))
}

// latest is the latest entry of name, nil if none.
func (b *fakeBucket) latest(name string) *fakeVersion {
	b.mu.Lock()
	defer b.mu.Unlock()
	if vs := b.objects[name]; len(vs) > 0 {
		return vs[0]
	}
	return nil
}
