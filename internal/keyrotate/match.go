package keyrotate

import (
	"strings"
	"time"
)

// ObjectFacts is what the server's filter reads of one object version: its
// modification time, its tags and its stored metadata.
type ObjectFacts struct {
	// ModTime is the version's last-modified time.
	ModTime time.Time
	// Tags are the version's object tags.
	Tags map[string]string
	// Metadata is the version's metadata as the server stores it, keys in
	// any case: standard headers such as content-type, user metadata under
	// x-amz-meta-NAME, and the tags under x-amz-tagging as the URL-encoded
	// string they were written as. Other keys are ignored, as by the server.
	// The server does not store x-amz-server-side-encryption or
	// x-amz-tagging-count with an object, so entries under those names
	// should be left out: a filter on them selects nothing on the server.
	Metadata map[string]string
}

// Matches reports whether a job with filter f, looking at the version
// described by o at the instant now, selects it. It follows selectObj in
// cmd/batch-rotate.go with the documented meaning of [Filter]:
//   - every time filter that is set must hold (AND); OlderThan and
//     NewerThan compare now minus o.ModTime;
//   - then, if Tags is set, one entry must match one tag (OR), and Metadata
//     is not looked at;
//   - else, if Metadata is set, one entry must match one standard header or
//     x-amz-meta-* entry of o.Metadata (OR); a bare NAME means
//     x-amz-meta-NAME;
//   - KMSKey is never looked at (see [Spec.Validate]).
//
// Keys compare case-insensitively; values are patterns in which '*' matches
// any sequence of bytes and '?' exactly one. An entry with an empty key and
// value matches any tag or metadata entry, as on the server.
func (f Filter) Matches(o ObjectFacts, now time.Time) bool {
	if !f.timeMatches(o.ModTime, now) {
		return false
	}
	if len(f.Tags) > 0 {
		for _, kv := range f.Tags {
			for k, v := range o.Tags {
				if kv.matches(kv.Key, k, v) {
					return true
				}
			}
		}
		return false
	}
	if len(f.Metadata) > 0 {
		for _, kv := range f.Metadata {
			key := matchMetadataKey(kv.Key)
			for k, v := range o.Metadata {
				// The server skips every other key of the object
				// before comparing (selectObj).
				if !hasPrefixFold(k, userMetadataPrefix) && !isStandardHeaderFold(k) {
					continue
				}
				if kv.matches(key, k, v) {
					return true
				}
			}
		}
		return false
	}
	return true
}

// timeMatches applies the time filters with the user's meaning; see the
// comment in toWire for the server's inverted created bounds. The
// comparisons keep the server's boundaries: an object exactly OlderThan old
// is old enough, one exactly NewerThan old is too old, and both created
// bounds include the instant itself.
func (f Filter) timeMatches(mod, now time.Time) bool {
	age := now.Sub(mod)
	switch {
	case f.OlderThan > 0 && age < f.OlderThan:
		return false
	case f.NewerThan > 0 && age >= f.NewerThan:
		return false
	case !f.CreatedAfter.IsZero() && mod.Before(f.CreatedAfter):
		return false
	case !f.CreatedBefore.IsZero() && mod.After(f.CreatedBefore):
		return false
	}
	return true
}

// matches is BatchJobKV.Match of the server (cmd/batch-job-common-types.go)
// for the entry kv, compared under key, against one tag or metadata entry.
func (kv KV) matches(key, k, v string) bool {
	if kv.Key == "" && kv.Value == "" {
		return true
	}
	return strings.EqualFold(key, k) && wildcardMatch(kv.Value, v)
}

// matchMetadataKey is the canonical form of a metadata filter key. Keys
// that are already canonical (the form [Spec.Normalized] gives) are returned
// as they are, so that matching a normalized filter allocates nothing.
func matchMetadataKey(k string) string {
	if asciiLowerIfNeeded(k) == k && (strings.HasPrefix(k, userMetadataPrefix) || isStandardHeader(k)) {
		return k
	}
	key, _ := canonicalMetadataKey(k)
	return key
}

// asciiLowerIfNeeded is asciiLower, without allocating when s has no ASCII
// upper-case letter.
func asciiLowerIfNeeded(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return asciiLower(s)
		}
	}
	return s
}

// isStandardHeaderFold is the server's isStandardHeader
// (cmd/bucket-replication.go), which ignores case.
func isStandardHeaderFold(k string) bool {
	for _, h := range standardHeaders {
		if strings.EqualFold(k, h) {
			return true
		}
	}
	return false
}

// hasPrefixFold is the server's stringsHasPrefixFold (cmd/utils.go).
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// wildcardMatch reports whether name matches pattern as wildcard.Match of
// github.com/minio/pkg/v3 does on the server: '*' matches any sequence of
// bytes, '?' exactly one byte, any other byte itself, and an empty pattern
// only the empty name. The server's version backtracks recursively; this
// one backtracks only to the last '*', which gives the same answers in
// linear space.
func wildcardMatch(pattern, name string) bool {
	p, n := 0, 0
	star, resume := -1, 0
	for n < len(name) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, resume = p, n
			p++
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == name[n]):
			p++
			n++
		case star >= 0:
			// Let the last '*' swallow one more byte and retry.
			resume++
			p, n = star+1, resume
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
