package keyrotate

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"7d", 7 * day},
		{"7d12h", 7*day + 12*time.Hour},
		{"1h30m", 90 * time.Minute},
		{"90m", 90 * time.Minute},
		{"500ms", 500 * time.Millisecond},
		{"1m1ms", time.Minute + time.Millisecond},
		{"1d2h3m4s5ms", day + 2*time.Hour + 3*time.Minute + 4*time.Second + 5*time.Millisecond},
		{"48h", 48 * time.Hour},
		{"007s", 7 * time.Second},
		{"106751d23h47m16s854ms", math.MaxInt64 / time.Millisecond * time.Millisecond},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseDurationErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "empty duration"},
		{"7", "missing unit after 7"},
		{"d", `expected a number at "d"`},
		{"-1h", `expected a number at "-1h"`},
		{"+1h", "expected a number"},
		{"1.5h", "missing unit after 1"},
		{"1h1d", `unit "d" repeated or out of order`},
		{"1h1h", `unit "h" repeated or out of order`},
		{"1ms1s", `unit "s" repeated or out of order`},
		{" 1h", "expected a number"},
		{"1h ", "expected a number"},
		{"1 h", "missing unit"},
		{"0s", "0s is zero"},
		{"1h0m", "0m is zero"},
		{"1w", `unknown unit "w"`},
		{"1us", `unknown unit "us"`},
		{"1H", "missing unit"},
		{"7d10h31s ", "expected a number"},
		{"106752d", "longer than 106751d23h47m16s854ms"},
		{"106751d23h47m16s855ms", "longer than"},
		{"99999999999999999999s", "longer than"},
	}
	for _, tt := range tests {
		got, err := ParseDuration(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseDuration(%q) = %v, %v; want an error containing %q", tt.in, got, err, tt.want)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{7 * day, "7d"},
		{7*day + 12*time.Hour, "7d12h"},
		{90 * time.Minute, "1h30m"},
		{36 * time.Hour, "1d12h"},
		{500 * time.Millisecond, "500ms"},
		{1500 * time.Millisecond, "1s500ms"},
		{day + time.Millisecond, "1d1ms"},
		// Not expressible in the user syntax: Go's form.
		{0, "0s"},
		{-time.Hour, "-1h0m0s"},
		{1500 * time.Microsecond, "1.5ms"},
	}
	for _, tt := range tests {
		if got := FormatDuration(tt.in); got != tt.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
