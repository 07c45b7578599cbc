package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/minio/minio-go/v7"
)

// snapshot is a versioned bucket as any client sees it, independent of
// the provider: every data version with its key, tags and bytes, and each
// object's latest entry.
type snapshot struct {
	versions map[string]version // by object name and version ID
	newest   map[string]string  // live object -> SHA-256 of its latest version
	deleted  map[string]bool    // objects whose latest entry is a delete marker
}

type version struct {
	key  string // KMS key name
	tags map[string]string
	sum  string // SHA-256 of the bytes
}

// take lists every version of the bucket and reads each one's bytes.
func take(ctx context.Context, c *minio.Client, bucket string) (snapshot, error) {
	s := snapshot{versions: map[string]version{}, newest: map[string]string{}, deleted: map[string]bool{}}
	for o := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true, WithVersions: true, WithMetadata: true}) {
		if o.Err != nil {
			return s, fmt.Errorf("listing the versions of %s: %w", bucket, o.Err)
		}
		if o.IsDeleteMarker {
			s.deleted[o.Key] = s.deleted[o.Key] || o.IsLatest
			continue
		}
		sum, err := read(ctx, c, bucket, o.Key, o.VersionID)
		if err != nil {
			return s, err
		}
		if o.IsLatest {
			s.newest[o.Key] = sum
		}
		key := strings.TrimPrefix(o.UserMetadata["X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"], "arn:aws:kms:")
		s.versions[o.Key+"?versionId="+o.VersionID] = version{key: key, tags: o.UserTags, sum: sum}
	}
	return s, nil
}

// read returns the SHA-256 of one version ("" for the latest), or
// errDeleted when the object answers 404.
func read(ctx context.Context, c *minio.Client, bucket, name, versionID string) (string, error) {
	obj, err := c.GetObject(ctx, bucket, name, minio.GetObjectOptions{VersionID: versionID})
	if err == nil {
		h := sha256.New()
		if _, err = io.Copy(h, obj); err == nil {
			obj.Close()
			return hex.EncodeToString(h.Sum(nil)), nil
		}
		obj.Close()
	}
	if minio.ToErrorResponse(err).StatusCode == http.StatusNotFound {
		return "", errDeleted
	}
	return "", fmt.Errorf("reading %s/%s %s: %w", bucket, name, versionID, err)
}

var errDeleted = errors.New("deleted")

func (s snapshot) count(keep func(version) bool) int {
	n := 0
	for _, v := range s.versions {
		if keep(v) {
			n++
		}
	}
	return n
}

func (s snapshot) tagged() int { return s.count(func(v version) bool { return len(v.tags) > 0 }) }

// row is one line of the table: what was checked, the result, and
// whether it is what the promise requires.
type row struct {
	what, result string
	ok           bool
}

func ratio(what string, n, of int) row { return row{what, fmt.Sprintf("%d of %d", n, of), n == of} }

// compare checks the bucket now against before, version by version and
// through plain GETs, and the provider's counters against what before
// holds.
// expected is what the provider's counters must say after an apply: what
// its job re-sealed (checked when not 0: the server's count, at least
// rotated and at most twice that), and what it put back of them.
type expected struct {
	rotated, tagsRestored, markersRestored int
	of                                     string // what rotated counts
}

func compare(ctx context.Context, c *minio.Client, before snapshot, counters map[string]*int64, want expected) ([]row, error) {
	after, err := take(ctx, c, bucket)
	if err != nil {
		return nil, err
	}
	var onNew, moved, sameBytes, sameTags int
	for id, b := range before.versions {
		a, ok := after.versions[id]
		if !ok {
			continue
		}
		if a.key == newKey {
			onNew++
			if b.key == oldKey {
				moved++
			}
		}
		if a.sum == b.sum {
			sameBytes++
		}
		if maps.Equal(a.tags, b.tags) {
			sameTags++
		}
	}
	var stillDeleted, newestBytes int
	for name := range before.deleted {
		if _, err := read(ctx, c, bucket, name, ""); errors.Is(err, errDeleted) {
			stillDeleted++
		} else if err != nil {
			return nil, err
		}
	}
	for name, sum := range before.newest {
		if got, err := read(ctx, c, bucket, name, ""); err == nil && got == sum {
			newestBytes++
		} else if err != nil && !errors.Is(err, errDeleted) {
			return nil, err
		}
	}
	all := len(before.versions)
	kept := ratio("versions kept, same version ID and bytes", sameBytes, all)
	kept.ok = kept.ok && len(after.versions) == all
	rows := []row{
		ratio(fmt.Sprintf("versions under %s (%d moved from %s)", newKey, moved, oldKey), onNew, all),
		kept,
		ratio(fmt.Sprintf("tag sets identical, version by version (%d tagged)", before.tagged()), sameTags, all),
		ratio("deleted objects still deleted (GET: 404)", stillDeleted, len(before.deleted)),
		ratio("live objects returning their newest bytes", newestBytes, len(before.newest)),
	}
	if want.rotated > 0 {
		r := row{what: "provider: objects_rotated (the server's count)", result: "null"}
		if v := counters["objects_rotated"]; v != nil {
			r.result, r.ok = fmt.Sprintf("%d (%d %s)", *v, want.rotated, want.of), *v >= int64(want.rotated) && *v <= 2*int64(want.rotated)
		}
		rows = append(rows, r)
	}
	for _, p := range []struct {
		output string
		want   int
		of     string
	}{
		{"tags_restored", want.tagsRestored, "tagged versions re-sealed"},
		{"delete_markers_restored", want.markersRestored, "deleted objects re-sealed"},
		{"versions_pending", 0, "expected"},
	} {
		r := row{what: "provider: " + p.output, result: "null"}
		if v := counters[p.output]; v != nil {
			r.result, r.ok = fmt.Sprintf("%d (%d %s)", *v, p.want, p.of), *v == int64(p.want)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// table prints rows and fails when any check failed.
func table(rows []row) error {
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 3, ' ', 0)
	failed := 0
	for _, r := range rows {
		mark := ""
		if !r.ok {
			mark, failed = "   <- FAILED", failed+1
		}
		fmt.Fprintf(w, "    %s\t%s%s\n", r.what, r.result, mark)
	}
	w.Flush()
	if failed > 0 {
		return fmt.Errorf("%d of %d checks failed: a rotation must change only the key", failed, len(rows))
	}
	return nil
}
