package scan

import (
	"context"
	"sync"
	"sync/atomic"
)

// ScanConcurrent is Scan with the scope's listing split into key ranges
// (Partition) listed at most concurrency at a time (WalkRanges); its
// Result is the one Scan returns for the same listing, samples and their
// order included. concurrency <= 1 is Scan.
//
// Options.Progress is called with the entries seen by all ranges together,
// after every ProgressEvery of them (never with a smaller number than
// before), and with the total at the end. Options.Tags probes the first
// data version any range sees, once. Options.Observe sees every entry, one
// call at a time, in no particular order.
func ScanConcurrent(ctx context.Context, c Lister, scope Scope, o Options, concurrency int) (*Result, error) {
	if concurrency <= 1 {
		return Scan(ctx, c, scope, o)
	}
	ranges, err := Partition(ctx, c, scope.Bucket, scope.Prefix, concurrency)
	if err != nil {
		return nil, err
	}
	// One clock for every range, as for one pass.
	counters := make([]*Counter, len(ranges))
	for i := range counters {
		counters[i] = NewCounter(scope, o)
		o.Now = counters[i].now
	}
	var (
		seen     atomic.Int64
		mu       sync.Mutex
		reported int64
		probe    = o.Tags
		probed   atomic.Bool
	)
	probed.Store(probe == nil)
	err = WalkRanges(ctx, c, scope.Bucket, scope.Prefix, ranges, concurrency, func(i int, v Version) error {
		if !probed.Load() && !v.IsDeleteMarker {
			mu.Lock()
			var err error
			if !probed.Load() {
				if err = TagsReadable(ctx, probe, scope.Bucket, v); err == nil {
					probed.Store(true)
				}
			}
			mu.Unlock()
			if err != nil {
				return err
			}
		}
		counters[i].Add(v)
		if o.Observe != nil {
			mu.Lock()
			o.Observe(v)
			mu.Unlock()
		}
		if n := seen.Add(1); o.Progress != nil && n%ProgressEvery == 0 {
			mu.Lock()
			if n > reported {
				reported = n
				o.Progress(n)
			}
			mu.Unlock()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	parts := make([]*Result, len(counters))
	for i, n := range counters {
		parts[i] = n.Result()
	}
	res := mergeInOrder(parts, counters[0].res.sampleSize)
	if o.Progress != nil && (res.Seen == 0 || res.Seen != reported) {
		o.Progress(res.Seen)
	}
	return res, nil
}
