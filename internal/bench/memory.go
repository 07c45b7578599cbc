package main

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strconv"
)

// memoryRows runs the in-process memory benchmarks (an in-process lister
// making up 100,000 and 1,000,000 versions, no server) of the scanner and
// of the snapshot of tags, and reads their live-heap peaks.
func memoryRows(ctx context.Context, logf func(string, ...any)) ([]row, error) {
	var rows []row
	for _, m := range []struct{ pkg, bench, what string }{
		{"./internal/scan/", "^BenchmarkScanMemory$/^scan$", "provider heap held while scanning (scan.Scan), peak live heap"},
		{"./internal/preserve/", "^BenchmarkTakeMemory$/^tagged$", "provider heap held while recording every version's tags (preserve.Take; spills past 8 MiB), peak live heap"},
	} {
		logf("go test -bench %s %s", m.bench, m.pkg)
		cmd := goCommand(ctx, "test", "-run=^$", "-bench="+m.bench, "-benchtime=1x", m.pkg)
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("go test -bench %s: %w\n%s", m.bench, err, out.String())
		}
		peaks := peakLines.FindAllStringSubmatch(out.String(), -1)
		if len(peaks) == 0 {
			return nil, fmt.Errorf("go test -bench %s printed no peak-live-B:\n%s", m.bench, out.String())
		}
		var first float64
		for i, p := range peaks {
			n, _ := strconv.Atoi(p[1])
			peak, _ := strconv.ParseFloat(p[2], 64)
			if i == 0 {
				first = peak
			}
			r := row{what: m.what, size: count(n, "versions"), runs: 1, value: fmt.Sprintf("%.0f KB", peak/1024)}
			if i > 0 {
				// Flat: within 10 %, plus 64 KB for the allocator's granularity
				// (peaks of a few KB move by a few KB).
				r.goal = "flat"
				r.met = metIf(peak <= first*1.1+64<<10)
			}
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// peakLines matches a memory benchmark's result: its version count and
// peak-live-B.
var peakLines = regexp.MustCompile(`versions=(\d+)\S*\s.*?\s([0-9.e+]+) peak-live-B`)
