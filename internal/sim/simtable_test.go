//go:build simtable

package sim_test

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/preserve"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/sim"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/usage"
)

var (
	simVersions = flag.String("sim.versions", "", "comma-separated version counts for TestSimTable (e.g. 1000000,10000000); required")
	simPasses   = flag.String("sim.passes", "", "comma-separated pass names to run (default: all); see passes()")
	simConc     = flag.Int("sim.concurrency", 0, "run only the passes at this concurrency (default: all)")
)

type pass struct {
	name        string
	concurrency int
	// usage passes list four buckets of a quarter each.
	usage bool
	run   func(ctx context.Context, c *minio.Client) (int64, error)
}

func passes() []pass {
	scope := scan.Scope{Bucket: "sim"}
	scanAt := func(n int) func(ctx context.Context, c *minio.Client) (int64, error) {
		return func(ctx context.Context, c *minio.Client) (int64, error) {
			r, err := scan.ScanConcurrent(ctx, c, scope, scan.Options{}, n)
			if err != nil {
				return 0, err
			}
			return r.Seen, nil
		}
	}
	usageAt := func(n int) func(ctx context.Context, c *minio.Client) (int64, error) {
		return func(ctx context.Context, c *minio.Client) (int64, error) {
			r, err := usage.Scan(ctx, c, sim.KeyA, usage.Options{Concurrency: n})
			return r.VersionsSeen, err
		}
	}
	return []pass{
		{name: "scan", concurrency: 1, run: scanAt(1)},
		{name: "scan", concurrency: scan.DefaultConcurrency, run: scanAt(scan.DefaultConcurrency)},
		{name: "verification", concurrency: 1, run: func(ctx context.Context, c *minio.Client) (int64, error) {
			r, err := scan.Scan(ctx, c, scope, scan.Options{})
			if err != nil {
				return 0, err
			}
			if len(r.PendingVersions(keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: sim.KeyA})) == 0 {
				return 0, fmt.Errorf("nothing pending under another key")
			}
			return r.Seen, nil
		}},
		{name: "snapshot", concurrency: 1, run: func(ctx context.Context, c *minio.Client) (int64, error) {
			var seen int64
			s, err := preserve.Take(ctx, c, scope, preserve.Options{Dir: os.TempDir(), Observe: func(scan.Version) { seen++ }})
			if err != nil {
				return 0, err
			}
			return seen, s.Close()
		}},
		{name: "expires-sample", concurrency: 1, run: func(ctx context.Context, c *minio.Client) (int64, error) {
			s, err := scan.SampleExpires(ctx, c, scope, scan.Options{}, 96, rand.New(rand.NewPCG(1, 2)))
			if err != nil {
				return 0, err
			}
			return s.Result.Seen, nil
		}},
		{name: "usage", concurrency: 1, usage: true, run: usageAt(1)},
		{name: "usage", concurrency: scan.DefaultConcurrency, usage: true, run: usageAt(scan.DefaultConcurrency)},
	}
}

// measure runs p once over versions versions and returns its row.
func measure(t *testing.T, p pass, versions int) string {
	objects := versions / sim.VersionsPer
	buckets := map[string]int{"sim": objects}
	if p.usage {
		buckets = map[string]int{}
		for i := range 4 {
			buckets[fmt.Sprintf("usage-%d", i)] = objects / 4
		}
	}
	s := sim.New(buckets)
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := client(t, srv)

	runtime.GC()
	base := heap()
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			if h := heap(); h > peak.Load() {
				peak.Store(h)
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	cpu0 := cpuTime()
	start := time.Now()
	seen, err := p.run(context.Background(), c)
	wall := time.Since(start)
	cpu := cpuTime() - cpu0
	close(stop)
	<-sampled
	if err != nil {
		t.Fatalf("%s: %v", p.name, err)
	}
	if seen != int64(versions) {
		t.Fatalf("%s: %d versions seen, want %d", p.name, seen, versions)
	}
	reqs := s.Requests()
	var total int64
	var by []string
	for api, n := range reqs {
		total += n
		by = append(by, fmt.Sprintf("%s %d", api, n))
	}
	slices.Sort(by)
	perM := float64(cpu) / float64(time.Second) / (float64(versions) / 1e6)
	return fmt.Sprintf("| %s | %s | %d | %.1f | %.5f (%s) | %.2f | %.1f |",
		p.name, group(versions), p.concurrency, wall.Seconds(), float64(total)/float64(versions), strings.Join(by, ", "),
		perM, float64(peak.Load()-min(base, peak.Load()))/(1<<20))
}

// heap is the bytes in heap spans in use (HeapInuse's bytes of objects,
// live or not yet collected), read without stopping the world.
func heap() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64() + s[1].Value.Uint64()
}

// cpuTime is the process's user and system CPU time: client and server,
// which share the process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		panic(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func group(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// TestSimTable prints the table of BENCHMARKS.md's simulation section:
// go test -tags simtable -run TestSimTable -timeout 60m ./internal/sim/ -sim.versions=1000000,10000000
// (make bench-sim). The build tag keeps this measurement of minutes out of
// the test suite.
func TestSimTable(t *testing.T) {
	if *simVersions == "" {
		t.Fatal("-sim.versions is required, such as -sim.versions=1000000")
	}
	want := map[string]bool{}
	for _, p := range strings.Split(*simPasses, ",") {
		if p != "" {
			want[p] = true
		}
	}
	rows := []string{
		"| pass | versions | concurrency | wall s | requests per version (by API) | CPU s per 10^6 versions (client + server) | peak heap MiB |",
		"|---|---|---|---|---|---|---|",
	}
	for _, f := range strings.Split(*simVersions, ",") {
		n, err := strconv.Atoi(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range passes() {
			if (len(want) > 0 && !want[p.name]) || (*simConc > 0 && p.concurrency != *simConc) {
				continue
			}
			row := measure(t, p, n)
			t.Log(row)
			rows = append(rows, row)
		}
	}
	fmt.Println(strings.Join(rows, "\n"))
}
