package usage

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// bucketScan is one bucket of a concurrent scan.
type bucketScan struct {
	name   string
	named  bool        // DefaultNamesKey
	gone   atomic.Bool // deleted before or while listed
	ranges []scan.Range
	// parts counts each range on its own; merged in range order, they are
	// the bucket's single listing.
	parts []Bucket
	seen  atomic.Int64
	left  atomic.Int32 // ranges still listing
	doing string       // what failed, with err
	err   error
	ctx   context.Context
	stop  context.CancelFunc
}

// scanConcurrent is Scan's loop over names with o.Concurrency listings at
// a time: first each bucket's default encryption and key ranges
// (scan.Partition), buckets side by side, then every range of every
// bucket from one queue, in name and key order. It reports what the serial
// loop reports. A failure stops the buckets after the failing one (by
// name) and lets those before it finish, so that the error names the
// bucket the serial loop would have stopped at, beside the report of the
// buckets before it.
func scanConcurrent(ctx context.Context, c Client, key string, o Options, r Report, names []string) (Report, error) {
	n := o.Concurrency
	buckets := make([]*bucketScan, len(names))
	for i, name := range names {
		bctx, stop := context.WithCancel(ctx)
		defer stop()
		buckets[i] = &bucketScan{name: name, ctx: bctx, stop: stop}
	}
	var (
		mu       sync.Mutex
		failedAt = len(buckets)
		p        = Progress{BucketsTotal: len(names)}
		reported int64
		total    atomic.Int64
	)
	fail := func(i int, doing string, err error) {
		mu.Lock()
		defer mu.Unlock()
		b := buckets[i]
		if b.err == nil {
			b.doing, b.err = doing, err
		}
		if i < failedAt {
			for _, later := range buckets[i+1 : failedAt] {
				later.stop()
			}
			failedAt = i
		}
	}
	stopped := func(i int) bool {
		mu.Lock()
		defer mu.Unlock()
		return i > failedAt
	}
	done := func(b *bucketScan) {
		if o.Progress == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		p.BucketsDone++
		p.Bucket = b.name
		p.VersionsSeen = max(p.VersionsSeen, total.Load())
		o.Progress(p)
	}

	// Default encryption and ranges, buckets side by side.
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, b := range buckets {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if stopped(i) {
				return
			}
			named, err := defaultNames(b.ctx, c, b.name, key)
			switch {
			case isNoSuchBucket(err):
				b.gone.Store(true)
				return
			case err != nil:
				fail(i, "reading the default encryption", err)
				return
			}
			b.named = named
			b.ranges, err = scan.Partition(b.ctx, c, b.name, "", n)
			switch {
			case isNoSuchBucket(err):
				b.gone.Store(true)
			case err != nil:
				fail(i, "listing the versions", err)
			}
			b.parts = make([]Bucket, len(b.ranges))
			b.left.Store(int32(len(b.ranges)))
		})
	}
	wg.Wait()
	for _, b := range buckets {
		if b.err == nil && (b.gone.Load() || len(b.ranges) == 0) {
			done(b)
		}
	}

	// Every range of every bucket, n at a time.
	for i, b := range buckets {
		if b.gone.Load() || b.err != nil {
			continue
		}
		for j, rng := range b.ranges {
			if stopped(i) {
				break
			}
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				part := &b.parts[j]
				err := scan.WalkRange(b.ctx, c, b.name, "", rng, func(v scan.Version) error {
					b.seen.Add(1)
					if t := total.Add(1); o.Progress != nil && t%scan.ProgressEvery == 0 {
						mu.Lock()
						if t > reported {
							reported = t
							p.VersionsSeen = max(p.VersionsSeen, t)
							p.Bucket = b.name
							o.Progress(p)
						}
						mu.Unlock()
					}
					part.tally(v, key, o.Samples)
					return nil
				})
				switch {
				case isNoSuchBucket(err):
					// Deleted while listed: what it held is gone already.
					b.gone.Store(true)
				case err != nil:
					fail(i, "listing the versions", err)
					return
				}
				if b.left.Add(-1) == 0 {
					done(b)
				}
			})
		}
	}
	wg.Wait()

	for i, b := range buckets {
		r.VersionsSeen += b.seen.Load()
		if b.err != nil {
			return r, &Error{Bucket: b.name, Doing: b.doing, BucketsDone: i, BucketsTotal: len(buckets), Err: b.err}
		}
		out := Bucket{Name: b.name, DefaultNamesKey: b.named}
		if b.gone.Load() {
			out = Bucket{Name: b.name}
		} else {
			for _, part := range b.parts {
				out.Versions += part.Versions
				out.Bytes += part.Bytes
				for _, s := range part.Samples {
					if len(out.Samples) < o.Samples {
						out.Samples = append(out.Samples, s)
					}
				}
			}
		}
		if out.InUse() {
			r.Buckets = append(r.Buckets, out)
			r.Versions += out.Versions
			r.Bytes += out.Bytes
		}
		r.BucketsScanned++
	}
	return r, nil
}
