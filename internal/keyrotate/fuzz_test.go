package keyrotate

import (
	"bytes"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// fuzzSections selects the optional lists of a fuzzed Spec.
const (
	fuzzTag = 1 << iota
	fuzzMetadata
	fuzzContext
	fuzzEmptyLists // empty but non-nil lists and map
)

func FuzzEncodeDecode(f *testing.F) {
	s := everyFieldSpec()
	f.Add(s.Bucket, s.Prefix, string(s.Encryption.Type), s.Encryption.Key, "tenant", "acme",
		int64(s.Filter.NewerThan), int64(s.Filter.OlderThan), jan1.Unix(), int64(0), jun1.Unix(), 3600,
		"class", "pii*", "Content-Type", "image/*", s.Filter.KMSKey, s.Notify.Endpoint, s.Notify.Token,
		s.Retry.Attempts, int64(s.Retry.Delay), uint8(fuzzTag|fuzzMetadata|fuzzContext))
	f.Add("", "", "", "", "", "", int64(0), int64(0), int64(0), int64(0), int64(0), 0,
		"", "", "", "", "", "", "", 0, int64(0), uint8(fuzzEmptyLists))
	f.Add("a: b", "\tline1\nline2\n", "sse-s3", "- item", "\"q\"", "#c", int64(-1), int64(1), int64(-62135596800), int64(999999999), int64(253402300799), -43200,
		"{a: 1}", "&x *y", "dept", "~", "null", "http://[::1", "Bearer a\r\nb", -3, int64(1), uint8(fuzzTag|fuzzMetadata|fuzzContext))
	f.Add("\xff", "\u2028\u0085\ufeff", "sse-kms", "k", "\xfe", "v", int64(1)<<62, int64(0), int64(1)<<40, int64(-1), int64(1), 1,
		"  ", "\t", "X-Amz-Meta-Dept", "", "", "", "", 101, int64(-1), uint8(fuzzMetadata))

	f.Fuzz(func(t *testing.T, bucket, prefix, encType, key, ctxKey, ctxValue string,
		newer, older, afterSec, afterNsec, beforeSec int64, zoneOffset int,
		tagKey, tagValue, metaKey, metaValue, kmsKey, endpoint, token string,
		attempts int, delay int64, sections uint8,
	) {
		zone := time.FixedZone("fuzz", zoneOffset%(18*3600))
		s := Spec{
			Bucket:     bucket,
			Prefix:     prefix,
			Encryption: Encryption{Type: EncryptionType(encType), Key: key},
			Filter: Filter{
				NewerThan:     time.Duration(newer),
				OlderThan:     time.Duration(older),
				CreatedAfter:  fuzzTime(afterSec, afterNsec, zone),
				CreatedBefore: fuzzTime(beforeSec, 0, zone),
				KMSKey:        kmsKey,
			},
			Notify: Notify{Endpoint: endpoint, Token: token},
			Retry:  Retry{Attempts: attempts, Delay: time.Duration(delay)},
		}
		if sections&fuzzEmptyLists != 0 {
			s.Filter.Tags, s.Filter.Metadata, s.Encryption.Context = []KV{}, []KV{}, map[string]string{}
		}
		if sections&fuzzTag != 0 {
			s.Filter.Tags = append(s.Filter.Tags, KV{Key: tagKey, Value: tagValue})
		}
		if sections&fuzzMetadata != 0 {
			s.Filter.Metadata = append(s.Filter.Metadata, KV{Key: metaKey, Value: metaValue})
		}
		if sections&fuzzContext != 0 {
			s.Encryption.Context = map[string]string{ctxKey: ctxValue}
		}

		errs := s.Validate()
		norm := s.Normalized()
		if diff := cmp.Diff(norm, norm.Normalized()); diff != "" {
			t.Fatalf("Normalized is not idempotent (-once +twice):\n%s", diff)
		}
		b, err := Encode(s)
		if err != nil {
			if errs == nil || encodable(s) {
				t.Fatalf("Encode failed on an encodable spec (validation errors: %v): %v", errs, err)
			}
			return
		}
		serverParse(t, b)
		got, err := Decode(b)
		if err != nil {
			t.Fatalf("Decode(Encode(s)): %v\n%s", err, b)
		}
		if diff := cmp.Diff(norm, got); diff != "" {
			t.Fatalf("Decode(Encode(s)) != s.Normalized() (-want +got):\n%s\n%s", diff, b)
		}
		again, err := Encode(got)
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("Encode(Decode(Encode(s))) differs (%v):\n%s\nwant\n%s", err, again, b)
		}
	})
}

// fuzzTime makes a time from fuzz inputs; sec 0 means unset.
func fuzzTime(sec, nsec int64, zone *time.Location) time.Time {
	if sec == 0 {
		return time.Time{}
	}
	return time.Unix(sec, nsec).In(zone)
}

// encodable reports whether Encode must accept s: its times are within the
// years 0001 to 9999 and its context is valid UTF-8.
func encodable(s Spec) bool {
	if checkTime(s.Filter.CreatedAfter) != nil || checkTime(s.Filter.CreatedBefore) != nil {
		return false
	}
	for k, v := range s.Encryption.Context {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return false
		}
	}
	return true
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"7d", "7d12h", "1h30m", "500ms", "90m", "1d2h3m4s5ms", "0s", "1h1d", "-1h", "1.5h", "106751d23h47m16s854ms"} {
		f.Add(s, int64(0))
	}
	f.Add("", int64(90*time.Minute))
	f.Add("", int64(1500*time.Microsecond))
	f.Fuzz(func(t *testing.T, s string, n int64) {
		if d, err := ParseDuration(s); err == nil {
			if d <= 0 {
				t.Fatalf("ParseDuration(%q) = %v, want a positive duration", s, d)
			}
			checkFormatParse(t, d)
		}
		if d := time.Duration(n); d > 0 && d%time.Millisecond == 0 {
			checkFormatParse(t, d)
		}
	})
}

// checkFormatParse checks that the canonical form of d parses back to d.
func checkFormatParse(t *testing.T, d time.Duration) {
	t.Helper()
	f := FormatDuration(d)
	back, err := ParseDuration(f)
	if err != nil || back != d {
		t.Fatalf("ParseDuration(FormatDuration(%d) = %q) = %v, %v; want %v", d, f, back, err, d)
	}
}
