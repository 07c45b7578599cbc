package main

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// watchPeakRSS samples, every 100 ms until the returned function is
// called, the peak resident set (VmHWM, which the kernel keeps as a high
// water mark) of every process running the binary at bin, and returns the
// largest in KB. Terraform starts the provider afresh for plan and apply;
// the peak of either counts.
func watchPeakRSS(ctx context.Context, bin string) (stop func() int64) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan int64)
	go func() {
		var peak int64
		for {
			peak = max(peak, sampleHWM(bin))
			select {
			case <-ctx.Done():
				done <- peak
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
	}()
	return func() int64 {
		cancel()
		return <-done
	}
}

// sampleHWM is the largest VmHWM, in KB, of the processes running bin.
func sampleHWM(bin string) int64 {
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	var peak int64
	for _, d := range dirs {
		if exe, err := os.Readlink(filepath.Join(d, "exe")); err != nil || exe != bin {
			continue
		}
		peak = max(peak, statusKB(filepath.Join(d, "status"), "VmHWM:"))
	}
	return peak
}

// statusKB reads one "Field:   123 kB" line of a /proc status file.
func statusKB(path, field string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}
