package keyrotate

import (
	"math/rand/v2"
	"testing"
	"time"
)

var matchNow = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

// ago is the modification time of an object d old at matchNow.
func ago(d time.Duration) time.Time { return matchNow.Add(-d) }

func TestFilterMatches(t *testing.T) {
	const day = 24 * time.Hour
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tagged := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name string
		f    Filter
		o    ObjectFacts
		want bool
	}{
		{"no filter selects everything", Filter{}, ObjectFacts{}, true},
		{"kms_key is never applied", Filter{KMSKey: "key-a"}, ObjectFacts{Metadata: tagged("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", "arn:aws:kms:key-b")}, true},

		// Time filters, both sides of each boundary.
		{"older_than: exactly as old", Filter{OlderThan: 7 * day}, ObjectFacts{ModTime: ago(7 * day)}, true},
		{"older_than: 1ns younger", Filter{OlderThan: 7 * day}, ObjectFacts{ModTime: ago(7*day - 1)}, false},
		{"newer_than: 1ns younger", Filter{NewerThan: 7 * day}, ObjectFacts{ModTime: ago(7*day - 1)}, true},
		{"newer_than: exactly as old", Filter{NewerThan: 7 * day}, ObjectFacts{ModTime: ago(7 * day)}, false},
		{"created_after: at the instant", Filter{CreatedAfter: t0}, ObjectFacts{ModTime: t0}, true},
		{"created_after: 1ns before", Filter{CreatedAfter: t0}, ObjectFacts{ModTime: t0.Add(-1)}, false},
		{"created_before: at the instant", Filter{CreatedBefore: t0}, ObjectFacts{ModTime: t0}, true},
		{"created_before: 1ns after", Filter{CreatedBefore: t0}, ObjectFacts{ModTime: t0.Add(1)}, false},
		{"created bounds in another zone", Filter{CreatedAfter: t0.In(time.FixedZone("x", 3600))}, ObjectFacts{ModTime: t0}, true},
		{"time filters are ANDed: both hold", Filter{OlderThan: day, NewerThan: 3 * day}, ObjectFacts{ModTime: ago(2 * day)}, true},
		{"time filters are ANDed: one fails", Filter{OlderThan: day, NewerThan: 3 * day}, ObjectFacts{ModTime: ago(4 * day)}, false},
		{"time filter fails before tags", Filter{OlderThan: day, Tags: []KV{{"t", "1"}}}, ObjectFacts{ModTime: ago(0), Tags: tagged("t", "1")}, false},

		// Tags.
		{"tag exact", Filter{Tags: []KV{{"class", "pii"}}}, ObjectFacts{Tags: tagged("class", "pii")}, true},
		{"tag value differs", Filter{Tags: []KV{{"class", "pii"}}}, ObjectFacts{Tags: tagged("class", "public")}, false},
		{"tag key ignores case", Filter{Tags: []KV{{"CLASS", "pii"}}}, ObjectFacts{Tags: tagged("Class", "pii")}, true},
		{"tag value keeps case", Filter{Tags: []KV{{"class", "PII"}}}, ObjectFacts{Tags: tagged("class", "pii")}, false},
		{"tag star", Filter{Tags: []KV{{"class", "pii*"}}}, ObjectFacts{Tags: tagged("class", "pii-1")}, true},
		{"tag star does not match a shorter value", Filter{Tags: []KV{{"class", "pii-*"}}}, ObjectFacts{Tags: tagged("class", "pii")}, false},
		{"tag question mark: one byte", Filter{Tags: []KV{{"class", "pii-?"}}}, ObjectFacts{Tags: tagged("class", "pii-1")}, true},
		{"tag question mark: not zero bytes", Filter{Tags: []KV{{"class", "pii-?"}}}, ObjectFacts{Tags: tagged("class", "pii-")}, false},
		{"tag question mark: not two bytes", Filter{Tags: []KV{{"class", "pii-?"}}}, ObjectFacts{Tags: tagged("class", "pii-12")}, false},
		{"tag empty pattern matches the empty value", Filter{Tags: []KV{{"class", ""}}}, ObjectFacts{Tags: tagged("class", "")}, true},
		{"tag empty pattern only the empty value", Filter{Tags: []KV{{"class", ""}}}, ObjectFacts{Tags: tagged("class", "x")}, false},
		{"tags are ORed", Filter{Tags: []KV{{"a", "1"}, {"b", "2"}}}, ObjectFacts{Tags: tagged("b", "2")}, true},
		{"tags: none matches", Filter{Tags: []KV{{"a", "1"}, {"b", "2"}}}, ObjectFacts{Tags: tagged("a", "2", "b", "1")}, false},
		{"tags: untagged object", Filter{Tags: []KV{{"a", "*"}}}, ObjectFacts{}, false},
		{"tags set: metadata never looked at", Filter{Tags: []KV{{"a", "1"}}, Metadata: []KV{{"dept", "fin"}}}, ObjectFacts{Metadata: tagged("X-Amz-Meta-Dept", "fin")}, false},
		{"empty tag entry matches any tag", Filter{Tags: []KV{{}}}, ObjectFacts{Tags: tagged("x", "y")}, true},
		{"empty tag entry needs a tag", Filter{Tags: []KV{{}}}, ObjectFacts{}, false},

		// Metadata.
		{"metadata bare name is user metadata", Filter{Metadata: []KV{{"dept", "fin"}}}, ObjectFacts{Metadata: tagged("X-Amz-Meta-Dept", "fin")}, true},
		{"metadata bare name: other value", Filter{Metadata: []KV{{"dept", "fin"}}}, ObjectFacts{Metadata: tagged("X-Amz-Meta-Dept", "hr")}, false},
		{"metadata bare name is not a header", Filter{Metadata: []KV{{"dept", "fin"}}}, ObjectFacts{Metadata: tagged("dept", "fin")}, false},
		{"metadata full name ignores case", Filter{Metadata: []KV{{"X-AMZ-META-DEPT", "fin"}}}, ObjectFacts{Metadata: tagged("x-amz-meta-dept", "fin")}, true},
		{"metadata standard header", Filter{Metadata: []KV{{"Content-Type", "image/*"}}}, ObjectFacts{Metadata: tagged("content-type", "image/png")}, true},
		{"metadata standard header: other value", Filter{Metadata: []KV{{"content-type", "image/*"}}}, ObjectFacts{Metadata: tagged("content-type", "text/plain")}, false},
		{"metadata raw tag string", Filter{Metadata: []KV{{"x-amz-tagging", "t=1"}}}, ObjectFacts{Metadata: tagged("X-Amz-Tagging", "t=1")}, true},
		{"metadata raw tag string: two tags", Filter{Metadata: []KV{{"x-amz-tagging", "t=1"}}}, ObjectFacts{Metadata: tagged("X-Amz-Tagging", "a=b&t=1")}, false},
		{"metadata non-standard header never matches", Filter{Metadata: []KV{{"expires", "*"}}}, ObjectFacts{Metadata: tagged("expires", "2030")}, false},
		{"metadata object key outside the server's set", Filter{Metadata: []KV{{"x-minio-meta-dept", "fin"}}}, ObjectFacts{Metadata: tagged("X-Minio-Meta-Dept", "fin")}, false},
		{"metadata are ORed", Filter{Metadata: []KV{{"dept", "hr"}, {"cache-control", "no-cache"}}}, ObjectFacts{Metadata: tagged("cache-control", "no-cache")}, true},
		{"metadata: none matches", Filter{Metadata: []KV{{"dept", "hr"}}}, ObjectFacts{Metadata: tagged("X-Amz-Meta-Dept", "fin", "content-type", "hr")}, false},
		{"metadata never looks at tags", Filter{Metadata: []KV{{"t", "1"}}}, ObjectFacts{Tags: tagged("t", "1")}, false},
		{"empty metadata entry matches a matchable key", Filter{Metadata: []KV{{}}}, ObjectFacts{Metadata: tagged("content-type", "x")}, true},
		{"empty metadata entry ignores other keys", Filter{Metadata: []KV{{}}}, ObjectFacts{Metadata: tagged("expires", "x")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.Matches(tt.o, matchNow); got != tt.want {
				t.Errorf("Matches = %v, want %v", got, tt.want)
			}
			// A normalized filter means the same.
			if got := (Spec{Filter: tt.f}).Normalized().Filter.Matches(tt.o, matchNow); got != tt.want {
				t.Errorf("normalized: Matches = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pattern, name string
		want          bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "anything", true},
		{"a*", "a", true},
		{"a*", "b", false},
		{"*a", "bba", true},
		{"*a", "ab", false},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXcYb", false},
		{"?", "", false},
		{"?", "x", true},
		{"?", "xy", false},
		{"a?c", "abc", true},
		{"*?", "", false},
		{"**", "x", true},
		{"a*", "a*", true},
		{"a\\*", "a\\b", true}, // no escape character: the backslash is literal
		{"é", "é", true},
		{"?", "é", false}, // '?' is one byte, é is two
		{"??", "é", true},
	}
	for _, tt := range tests {
		if got := wildcardMatch(tt.pattern, tt.name); got != tt.want {
			t.Errorf("wildcardMatch(%q, %q) = %v, want %v", tt.pattern, tt.name, got, tt.want)
		}
	}
}

// refMatch is the definition of the server's pattern language, written
// recursively and without shortcuts, to check wildcardMatch against.
func refMatch(pattern, name string) bool {
	if pattern == "" {
		return name == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(name); i++ {
			if refMatch(pattern[1:], name[i:]) {
				return true
			}
		}
		return false
	case '?':
		return name != "" && refMatch(pattern[1:], name[1:])
	}
	return name != "" && name[0] == pattern[0] && refMatch(pattern[1:], name[1:])
}

func TestWildcardMatchAgreesWithDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	word := func(alphabet string, max int) string {
		b := make([]byte, r.IntN(max+1))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	for range 200000 {
		p, n := word("ab*?", 6), word("ab*?", 7)
		if got, want := wildcardMatch(p, n), refMatch(p, n); got != want {
			t.Fatalf("wildcardMatch(%q, %q) = %v, definition says %v", p, n, got, want)
		}
	}
}

func TestMatchesNormalizedFilterDoesNotAllocate(t *testing.T) {
	f := Spec{Filter: Filter{Metadata: []KV{{"Dept", "fin*"}, {"Content-Type", "image/*"}}}}.Normalized().Filter
	o := ObjectFacts{Metadata: map[string]string{"X-Amz-Meta-Dept": "hr", "content-type": "text/plain", "X-Amz-Tagging": "t=1"}}
	if n := testing.AllocsPerRun(100, func() { f.Matches(o, matchNow) }); n != 0 {
		t.Errorf("Matches allocates %v times per call", n)
	}
}

// BenchmarkFilterMatches measures the matcher on a typical listed version
// for each kind of filter.
func BenchmarkFilterMatches(b *testing.B) {
	o := ObjectFacts{
		ModTime:  ago(48 * time.Hour),
		Tags:     map[string]string{"class": "public", "owner": "team-7"},
		Metadata: map[string]string{"X-Amz-Meta-Dept": "hr", "content-type": "application/octet-stream", "cache-control": "no-cache", "X-Amz-Tagging": "class=public&owner=team-7"},
	}
	filters := []struct {
		name string
		f    Filter
	}{
		{"none", Filter{}},
		{"time", Filter{OlderThan: time.Hour, NewerThan: 720 * time.Hour}},
		{"tags", Filter{Tags: []KV{{"class", "pii*"}, {"owner", "team-?"}}}},
		{"metadata", Spec{Filter: Filter{Metadata: []KV{{"dept", "fin*"}, {"content-type", "image/*"}}}}.Normalized().Filter},
		{"metadata-unnormalized", Filter{Metadata: []KV{{"Dept", "fin*"}, {"Content-Type", "image/*"}}}},
	}
	for _, f := range filters {
		b.Run(f.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f.f.Matches(o, matchNow)
			}
		})
	}
}
