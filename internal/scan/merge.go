package scan

// mergeInOrder is the Result of one listing from the Results of its
// consecutive parts, in listing order, each counted by a Counter of its
// own: the counts add up (an object's versions never span two parts, so
// its deleted and resurfacing state is whole in one), and the samples keep
// their place in the whole listing (a part's places shifted by the entries
// of the parts before it), so that the first sampleSize per key, and so
// PendingVersions, are those of one serial pass.
func mergeInOrder(parts []*Result, sampleSize int) *Result {
	out := &Result{KMS: map[string]Tally{}, samples: map[string][]sample{}, sampleSize: sampleSize}
	var offset int64
	for _, p := range parts {
		out.Add(p)
		for key, smp := range p.samples {
			for _, s := range smp {
				if len(out.samples[key]) >= sampleSize {
					break
				}
				out.samples[key] = append(out.samples[key], sample{seq: s.seq + offset, ref: s.ref})
			}
		}
		offset += p.Seen
	}
	return out
}
