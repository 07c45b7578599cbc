// Command bench measures what BENCHMARKS.md records and prints it as one
// table (`make bench`): a rotation applied through Terraform against the
// same job started through the admin API, how soon the waiter sees a job
// end, the cost of refreshing finished rotations, the scanner against a
// HEAD per object, and the provider's memory. It starts its own MinIO+KES
// stack (or uses one named by TEST_STACK_BACKEND=external and the MINIO_*
// and KES_* variables) and the Terraform CLI the tests use.
//
// Nothing here asserts a time: a goal missed is a row that says so.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type config struct {
	sizes     []int // objects per rotation compared with the direct job
	pairs     int   // alternating apply/direct pairs per size below largeSize
	largeSize int   // sizes from here on get one pair: each run takes minutes
	total     int   // objects seeded: the largest size, the scanner's scope
	refreshN  int   // finished rotations refreshed by one plan
	detectN   int   // jobs whose end the waiter detects, for its latency
	memory    bool  // run the in-process memory benchmarks
	// distributed runs everything on four MinIO nodes (one drive each)
	// instead of one.
	distributed bool
}

func run() error {
	var c config
	sizes := flag.String("sizes", "1000,3000,10000,100000", "objects per rotation, comma-separated; the largest is seeded and scanned")
	flag.IntVar(&c.pairs, "pairs", 3, "alternating apply/direct pairs per size (medians); sizes >= -large get one; 0 runs no rotation")
	flag.IntVar(&c.largeSize, "large", 100000, "size from which one pair is run")
	flag.IntVar(&c.refreshN, "refresh", 50, "finished rotations that one terraform plan refreshes")
	flag.IntVar(&c.detectN, "detect", 10, "jobs whose end the waiter detects in-process")
	flag.BoolVar(&c.memory, "memory", true, "run the in-process memory benchmarks of the scanner and the snapshot")
	flag.BoolVar(&c.distributed, "distributed", false, "run on a cluster of four MinIO nodes, one drive each")
	flag.Parse()
	for _, f := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return fmt.Errorf("-sizes: %q is not a positive count", f)
		}
		c.sizes = append(c.sizes, n)
		c.total = max(c.total, n)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	began := time.Now()
	logf := func(f string, a ...any) {
		fmt.Fprintf(os.Stderr, "%s "+f+"\n", append([]any{time.Since(began).Round(time.Second)}, a...)...)
	}

	var t table
	if c.memory {
		// First, on a quiet machine: no stack yet.
		rows, err := memoryRows(ctx, logf)
		if err != nil {
			return err
		}
		t.add(rows...)
	}
	opts := teststack.Options{Logf: logf}
	if c.distributed {
		opts.Topology = teststack.Distributed
	}
	s, err := teststack.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer s.Close()
	b, err := newBench(ctx, s, logf)
	if err != nil {
		return err
	}
	defer b.close()
	if err := b.measure(ctx, c, &t); err != nil {
		t.print(os.Stdout) // what was measured before the failure
		return err
	}
	t.print(os.Stdout)
	logf("done")
	return nil
}
