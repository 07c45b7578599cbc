package scan

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
)

// A refresh of a finished rotation counts its scope again, which costs a
// listing of the scope. Above a size, it reads a sample instead: pages of
// the listing that start at object names spread over the scope by how
// many versions they hold, taken from the last full count (KeySampler).

// KeySampler keeps n object names drawn uniformly from every listing entry
// it is shown (reservoir sampling): the names of objects with many
// versions come up more often, so that pages starting at them are spread
// over the listing, not over the name space. Its memory is n names.
type KeySampler struct {
	n    int
	seen int64
	keys []string
	rnd  *rand.Rand
}

// NewKeySampler keeps n names, drawn with rnd.
func NewKeySampler(n int, rnd *rand.Rand) *KeySampler {
	return &KeySampler{n: n, rnd: rnd}
}

// Add shows the sampler the next listing entry.
func (k *KeySampler) Add(v Version) {
	k.seen++
	switch {
	case len(k.keys) < k.n:
		k.keys = append(k.keys, v.Name)
	default:
		if j := k.rnd.Int64N(k.seen); j < int64(k.n) {
			k.keys[j] = v.Name
		}
	}
}

// Seen is how many entries the sampler was shown.
func (k *KeySampler) Seen() int64 { return k.seen }

// Keys is the sample, sorted, each name once.
func (k *KeySampler) Keys() []string {
	keys := slices.Clone(k.keys)
	slices.Sort(keys)
	return slices.Compact(keys)
}

// errPageRead ends the listing of one sampled page.
var errPageRead = errors.New("page read")

// ScanPages counts, as Scan does, the pages of the scope's listing that
// start right after each of starts, page entries each, in one pass each;
// pages that overlap are counted once. The counts are of the pages only.
func ScanPages(ctx context.Context, c Lister, scope Scope, starts []string, page int, o Options) (*Result, error) {
	n := NewCounter(scope, o)
	starts = slices.Clone(starts)
	slices.Sort(starts)
	var last string // the last name counted: later pages start after it
	for _, start := range starts {
		start = max(start, last)
		read := 0
		err := WalkRange(ctx, c, scope.Bucket, scope.Prefix, Range{After: start}, func(v Version) error {
			if read == page && v.Name != last {
				return errPageRead // a page ends between objects
			}
			n.Add(v)
			read, last = min(read+1, page), v.Name
			return nil
		})
		if err != nil && !errors.Is(err, errPageRead) {
			return nil, err
		}
	}
	return n.Result(), nil
}

// DriftBound is the fewest versions, spread evenly over a listing of
// total entries, of which a sample of read entries finds at least one with
// probability 95 %: 1 - (1 - read/total)^d >= 0.95. 0 when the sample is
// the whole listing.
func DriftBound(read, total int64) int64 {
	if total <= 0 || read >= total {
		return 0
	}
	if read <= 0 {
		return total
	}
	share := float64(read) / float64(total)
	return min(total, int64(math.Ceil(math.Log(0.05)/math.Log1p(-share))))
}
