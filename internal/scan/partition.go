package scan

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/minio/minio-go/v7"
)

// DefaultConcurrency is how many listings a parallel pass keeps in flight:
// enough to hide a listing page's round trip and the server's metadata
// reads behind each other, few enough not to crowd a small deployment.
const DefaultConcurrency = 8

// Range is a contiguous range of keys under a walk's prefix: the keys k
// with After < k <= Until, compared as bytes (the listing's order). An
// empty After starts at the first key, an empty Until runs to the last.
// All the versions of a key share it, so they fall in one range, and a
// listing of a range sees each object whole.
type Range struct{ After, Until string }

// past reports whether key, and every key listed after it, lies beyond r.
func (r Range) past(key string) bool { return r.Until != "" && key > r.Until }

// How a prefix is split. A listing with Delimiter "/" would find
// "directories", but flat key spaces (hashes, dates, zero-padded numbers)
// have none; splitting by the byte after the prefix alone finds nothing to
// split when every key shares more than the prefix ("obj/000..."). So
// Partition looks at the keys themselves, one cheap request each (a
// versioned listing of one entry, without metadata): for a group of keys
// sharing a prefix p, it asks for the first key after p, notes the byte c
// that follows p, asks for the first key after p+(c+1), and so on, which
// finds the occupied next bytes of p in one request each. Groups are split
// a level deeper until there are 2*n of them or the probe budget is spent;
// a common prefix longer than the scope's costs two requests a byte. The
// markers it derives (p+(c+1) for an ASCII c) are valid UTF-8 and start
// with the scope's prefix, as S3 requires of a key-marker; all the bytes
// from 0x7F on (DEL and every non-ASCII lead byte) stay one group, so no
// marker ever splits a multi-byte character.
const (
	// probesPerWorker * n bounds the probe requests of one Partition.
	probesPerWorker = 16
	// rangesPerWorker * n bounds the ranges: more ranges than workers
	// even out ranges of unequal size, at a request each.
	rangesPerWorker = 3
	// pageEntries is the listing's page size (MinIO's and S3's default):
	// a prefix listed in one page is not worth splitting.
	pageEntries = 1000
)

// group is a set of keys sharing the prefix p.
type group struct {
	p string
	// after is a marker at or above every key before the group and below
	// its own keys (but possibly equal to its first): the range boundary
	// in front of it.
	after string
	// leaf groups are not split further.
	leaf bool
}

// Partition splits the keys under prefix in bucket into ranges for
// WalkRanges with n workers: at most 3*n of them, in key order, covering
// every key exactly once whatever the bucket holds (ranges are chosen
// from sampled keys; a key written meanwhile still falls in one of them).
// A prefix whose versions fit in one listing page, or n <= 1, gives one
// range. It costs one request to size the prefix and, for a larger one,
// at most 16*n small requests, n at a time.
func Partition(ctx context.Context, c Lister, bucket, prefix string, n int) ([]Range, error) {
	if n <= 1 {
		return []Range{{}}, nil
	}
	small, err := fitsOnePage(ctx, c, bucket, prefix)
	if err != nil || small {
		return []Range{{}}, err
	}
	budget := int64(probesPerWorker * n)
	var probes atomic.Int64
	groups := []group{{p: prefix}}
	for len(groups) < 2*n && probes.Load() < budget {
		next := make([][]group, len(groups))
		errs := make([]error, len(groups))
		sem := make(chan struct{}, n)
		var wg sync.WaitGroup
		split := false
		for i, g := range groups {
			if g.leaf {
				next[i] = []group{g}
				continue
			}
			split = true
			wg.Go(func() {
				sem <- struct{}{}
				defer func() { <-sem }()
				next[i], errs[i] = children(ctx, c, bucket, g, &probes, budget)
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return nil, err
			}
		}
		if !split {
			break
		}
		groups = slices.Concat(next...)
	}
	return rangesOf(groups, rangesPerWorker*n), nil
}

// children splits g by the byte after g.p, or returns g as a leaf when it
// cannot be split (no key longer than g.p) or the budget runs out.
func children(ctx context.Context, c Lister, bucket string, g group, probes *atomic.Int64, budget int64) ([]group, error) {
	var out []group
	marker := g.p
	for {
		if probes.Add(1) > budget {
			return []group{{p: g.p, after: g.after, leaf: true}}, nil
		}
		k, ok, err := firstKeyAfter(ctx, c, bucket, g.p, marker)
		if err != nil {
			return nil, err
		}
		if !ok || len(k) <= len(g.p) {
			break
		}
		after := marker
		if len(out) == 0 {
			// The key equal to g.p, if any, stays in front of the first
			// child, where the previous boundary already put it.
			after = g.after
		}
		b := k[len(g.p)]
		if b >= 0x7F {
			out = append(out, group{p: g.p + k[len(g.p):len(g.p)+1], after: after, leaf: true})
			break
		}
		out = append(out, group{p: g.p + string(rune(b)), after: after})
		marker = g.p + string(rune(b+1))
	}
	if len(out) == 0 {
		return []group{{p: g.p, after: g.after, leaf: true}}, nil
	}
	return out, nil
}

// rangesOf turns groups in key order into at most most ranges, merging
// neighbours evenly.
func rangesOf(groups []group, most int) []Range {
	var bounds []string
	for _, g := range groups[1:] {
		// Strictly increasing by construction; checked all the same, as a
		// repeated bound would list a range twice.
		if g.after != "" && (len(bounds) == 0 || g.after > bounds[len(bounds)-1]) {
			bounds = append(bounds, g.after)
		}
	}
	if len(bounds)+1 > most {
		kept := make([]string, 0, most-1)
		for i := 1; i < most; i++ {
			kept = append(kept, bounds[i*(len(bounds)+1)/most-1])
		}
		bounds = kept
	}
	ranges := make([]Range, 0, len(bounds)+1)
	after := ""
	for _, b := range bounds {
		ranges = append(ranges, Range{After: after, Until: b})
		after = b
	}
	return append(ranges, Range{After: after})
}

// fitsOnePage reports whether the versions under prefix fit in one page of
// the listing: one request without metadata.
func fitsOnePage(ctx context.Context, c Lister, bucket, prefix string) (bool, error) {
	n := 0
	for o := range c.ListObjectsIter(ctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true, WithVersions: true, MaxKeys: pageEntries}) {
		if o.Err != nil {
			return false, fmt.Errorf("listing the versions under %s: %w", where(bucket, prefix), o.Err)
		}
		if n++; n >= pageEntries {
			return false, ctx.Err()
		}
	}
	return true, ctx.Err()
}

// firstKeyAfter is the first key under prefix after marker.
func firstKeyAfter(ctx context.Context, c Lister, bucket, prefix, marker string) (string, bool, error) {
	opts := minio.ListObjectsOptions{Prefix: prefix, StartAfter: marker, Recursive: true, WithVersions: true, MaxKeys: 1}
	for o := range c.ListObjectsIter(ctx, bucket, opts) {
		if o.Err != nil {
			return "", false, fmt.Errorf("sampling the keys under %s: %w", where(bucket, prefix), o.Err)
		}
		return o.Key, true, ctx.Err()
	}
	return "", false, ctx.Err()
}

// WalkRanges walks each range of ranges (from Partition) with its own
// listing, at most n at a time, calling fn(i, v) for the versions of
// ranges[i] in listing order; calls for one range come from one goroutine,
// calls for different ranges concurrently. The first error, of a listing,
// of fn or of ctx, stops every walk and is returned.
func WalkRanges(ctx context.Context, c Lister, bucket, prefix string, ranges []Range, n int, fn func(i int, v Version) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, max(n, 1))
	var wg sync.WaitGroup
start:
	for i, r := range ranges {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			break start
		}
		wg.Go(func() {
			defer func() { <-sem }()
			if err := WalkRange(ctx, c, bucket, prefix, r, func(v Version) error { return fn(i, v) }); err != nil {
				cancel(err)
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}
