package keyrotate

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// durationUnits are the units of the user duration syntax, in the only order
// in which they may appear.
var durationUnits = [...]struct {
	name string
	size time.Duration
}{
	{"d", 24 * time.Hour},
	{"h", time.Hour},
	{"m", time.Minute},
	{"s", time.Second},
	{"ms", time.Millisecond},
}

const durationSyntax = `want positive whole numbers each followed by a unit, units in the order d, h, m, s, ms and each at most once, without spaces or signs, e.g. "7d", "7d12h", "1h30m", "500ms"`

// ParseDuration parses the user duration syntax: positive whole numbers,
// each followed by one of the units d (24h), h, m, s and ms, the units in
// decreasing order and each at most once, e.g. "7d12h", "1h30m" or "500ms".
// The result is always positive.
//
// The syntax exists because the server reads durations with Go's
// time.ParseDuration, which has no day unit, so "7d" in a job is refused.
func ParseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, fmt.Errorf("empty duration: %s", durationSyntax)
	}
	var total time.Duration
	next := 0 // index of the first unit that may still follow
	for rest := s; rest != ""; {
		digits := leadingRun(rest, '0', '9')
		if digits == "" {
			return 0, fmt.Errorf("invalid duration %q: expected a number at %q; %s", s, rest, durationSyntax)
		}
		rest = rest[len(digits):]
		unit := leadingRun(rest, 'a', 'z')
		rest = rest[len(unit):]
		u := durationUnit(unit)
		switch {
		case unit == "":
			return 0, fmt.Errorf("invalid duration %q: missing unit after %s; %s", s, digits, durationSyntax)
		case u < 0:
			return 0, fmt.Errorf("invalid duration %q: unknown unit %q; %s", s, unit, durationSyntax)
		case u < next:
			return 0, fmt.Errorf("invalid duration %q: unit %q repeated or out of order; %s", s, unit, durationSyntax)
		}
		next = u + 1
		size := durationUnits[u].size
		n, err := strconv.ParseInt(digits, 10, 64)
		switch {
		case err != nil || n > int64(math.MaxInt64-total)/int64(size):
			return 0, fmt.Errorf("invalid duration %q: longer than %s", s, FormatDuration(math.MaxInt64/time.Millisecond*time.Millisecond))
		case n == 0:
			return 0, fmt.Errorf("invalid duration %q: %s%s is zero; %s", s, digits, unit, durationSyntax)
		}
		total += time.Duration(n) * size
	}
	return total, nil
}

// FormatDuration returns the canonical user syntax of d, with every unit
// carried into the largest one: 90*time.Minute is "1h30m", 36*time.Hour is
// "1d12h". Durations the syntax cannot express (not positive, or not a whole
// number of milliseconds) are returned in Go's time.Duration.String form.
func FormatDuration(d time.Duration) string {
	if d <= 0 || d%time.Millisecond != 0 {
		return d.String()
	}
	var b []byte
	for _, u := range durationUnits {
		if n := d / u.size; n > 0 {
			b = strconv.AppendInt(b, int64(n), 10)
			b = append(b, u.name...)
			d -= n * u.size
		}
	}
	return string(b)
}

// leadingRun returns the longest prefix of s made of bytes in [lo, hi].
func leadingRun(s string, lo, hi byte) string {
	i := 0
	for i < len(s) && lo <= s[i] && s[i] <= hi {
		i++
	}
	return s[:i]
}

// durationUnit returns the index of name in durationUnits, or -1.
func durationUnit(name string) int {
	for i, u := range durationUnits {
		if u.name == name {
			return i
		}
	}
	return -1
}
