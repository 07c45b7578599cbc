package scan_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/encrypt"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// Benchmarks for BENCHMARKS.md: scanner throughput and refresh cost on the
// live stack, and the scanner's memory over a million versions.

// BenchmarkScanThroughputLive seeds SCAN_BENCH_VERSIONS (default 100,000)
// SSE-KMS objects, one version each, in a versioned bucket, 16 PutObject
// at a time, within SCAN_BENCH_SEED_BUDGET (default 10m; what is seeded
// when it runs out is what gets measured). Object i is named
// "dNN/NNNNN" (NN = i/10000), so that the first 10,000 fill the directory
// d00/: the 10,000-version scope is the prefix d00/, the whole bucket is
// the other scope.
//
// For each scope it measures scan.Scan (one listing pass: what a refresh
// with verify pays) and a HEAD (StatObject) per object, 1 and 8 at a time,
// over the same objects. Scan and HEAD use the stack's client, whose
// transport is a clone of http.DefaultTransport as the provider's is (2
// idle connections per host); head-8-pooled sends the 8 at a time through
// a transport keeping 8.
//
// Seeding time is printed (a "seed:" line), not measured by the benchmark.
// Run with -benchtime=1x and a -timeout long enough for the seeding.
//
// On a stack that outlives the run (`teststack up -tls`, then the
// external backend),
// SCAN_BENCH_BUCKET names a bucket an earlier run seeded (its "seed:" line
// names it), with SCAN_BENCH_VERSIONS set to the count seeded: the run
// then seeds nothing, so that the scans can be repeated (-benchtime=3x)
// without seeding again.
func BenchmarkScanThroughputLive(b *testing.B) {
	s := teststack.Live(b)
	want := envInt(b, "SCAN_BENCH_VERSIONS", 100000)
	budget := envDuration(b, "SCAN_BENCH_SEED_BUDGET", 10*time.Minute)
	const seedWorkers = 16
	if want > 1_000_000 {
		b.Fatalf("SCAN_BENCH_VERSIONS=%d: at most 1,000,000", want)
	}
	ctx := context.Background()
	c, err := s.S3(0)
	if err != nil {
		b.Fatal(err)
	}
	var bucket, key string
	n := want
	if bucket = os.Getenv("SCAN_BENCH_BUCKET"); bucket != "" {
		// A bucket seeded by an earlier run on the same stack: the key is
		// that of its first version, and its seeding is not measured.
		err := scan.Walk(ctx, c, bucket, "", func(v scan.Version) error {
			key = v.Encryption.Key
			return errStop
		})
		if err != nil && !errors.Is(err, errStop) {
			b.Fatal(err)
		}
		fmt.Printf("seed: reusing bucket %s (key %s), expecting %d versions\n", bucket, key, n)
	} else {
		bucket, key = s.NewBucket(b), s.NewKey(b)
		if err := c.EnableVersioning(ctx, bucket); err != nil {
			b.Fatal(err)
		}
		began := time.Now()
		n, err = seedParallel(ctx, s, bucket, key, want, seedWorkers, began.Add(budget))
		took := time.Since(began)
		if err != nil {
			b.Fatal(err)
		}
		// Printed, not logged: a parent benchmark's log does not show.
		fmt.Printf("seed: %d of %d SSE-KMS objects (16-byte bodies, %d PutObject at a time) in %s: %.0f puts/s; bucket %s\n",
			n, want, seedWorkers, took.Round(time.Millisecond), float64(n)/took.Seconds(), bucket)
		if n < want {
			fmt.Printf("seed: budget %s ran out: measuring %d versions, not %d\n", budget, n, want)
		}
	}
	if n == 0 {
		b.Fatal("nothing seeded")
	}

	type scope struct {
		prefix string
		n      int
	}
	scopes := []scope{{"d00/", min(n, 10000)}}
	if n > 10000 {
		scopes = append(scopes, scope{"", n})
	}
	for _, sc := range scopes {
		b.Run(fmt.Sprintf("scan/versions=%d", sc.n), func(b *testing.B) {
			b.ReportAllocs()
			var times []time.Duration
			for b.Loop() {
				t0 := time.Now()
				r, err := scan.Scan(ctx, c, scan.Scope{Bucket: bucket, Prefix: sc.prefix}, scan.Options{})
				if err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(t0))
				if r.Seen != int64(sc.n) || r.KMS[key].Versions != int64(sc.n) {
					b.Fatalf("saw %d versions, %d under %s; want %d", r.Seen, r.KMS[key].Versions, key, sc.n)
				}
			}
			perOp := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(sc.n)/perOp, "versions/s")
			b.ReportMetric(perOp*10000/float64(sc.n), "s/10k-versions")
			// On a shared machine one pass can be far off the others.
			b.ReportMetric(times[0].Seconds(), "first-s")
			b.ReportMetric(slices.Min(times).Seconds(), "min-s")
			b.ReportMetric(slices.Max(times).Seconds(), "max-s")
		})
	}
	// The same 8 workers through a client keeping 8 idle connections
	// instead of 2 (no TLS handshakes after the first 8).
	pooled, err := pooledClient(s, 8)
	if err != nil {
		b.Fatal(err)
	}
	heads := []struct {
		name    string
		c       *minio.Client
		workers int
	}{{"head-1", c, 1}, {"head-8", c, 8}, {"head-8-pooled", pooled, 8}}
	for _, sc := range scopes {
		for _, h := range heads {
			b.Run(fmt.Sprintf("%s/versions=%d", h.name, sc.n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					// Both scopes start at object 0.
					if err := headAll(ctx, h.c, bucket, 0, sc.n, h.workers); err != nil {
						b.Fatal(err)
					}
				}
				perOp := b.Elapsed().Seconds() / float64(b.N)
				b.ReportMetric(float64(sc.n)/perOp, "versions/s")
				b.ReportMetric(perOp*10000/float64(sc.n), "s/10k-versions")
			})
		}
	}
}

var errStop = errors.New("stop")

// seedName is the name of seeded object i.
func seedName(i int) string { return fmt.Sprintf("d%02d/%05d", i/10000, i%10000) }

// seedParallel writes objects 0..want-1 with SSE-KMS under key, workers at a
// time, taking no new object after deadline. It returns how many were
// written: always objects 0..n-1.
func seedParallel(ctx context.Context, s *teststack.Stack, bucket, key string, want, workers int, deadline time.Time) (int, error) {
	// A client of its own, keeping a connection per worker: the stack's
	// client keeps 2 idle connections and would reconnect (TLS) all the
	// time.
	c, err := pooledClient(s, workers)
	if err != nil {
		return 0, err
	}
	sse, err := encrypt.NewSSEKMS(key, nil)
	if err != nil {
		return 0, err
	}
	var (
		next     atomic.Int64
		done     atomic.Int64
		firstErr error
		once     sync.Once
		wg       sync.WaitGroup
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	body := bytes.Repeat([]byte("x"), 16)
	for range workers {
		wg.Go(func() {
			for {
				if ctx.Err() != nil || time.Now().After(deadline) {
					return
				}
				i := int(next.Add(1) - 1)
				if i >= want {
					return
				}
				_, err := c.PutObject(ctx, bucket, seedName(i), bytes.NewReader(body), int64(len(body)),
					minio.PutObjectOptions{ServerSideEncryption: sse, DisableContentSha256: true})
				if err != nil {
					once.Do(func() { firstErr = fmt.Errorf("writing %s: %w", seedName(i), err); cancel() })
					return
				}
				done.Add(1)
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return 0, firstErr
	}
	// Every object taken was written: they are 0..done-1.
	return int(done.Load()), nil
}

// pooledClient is a client for node 0 whose transport keeps up to idle
// connections to it open (http.DefaultTransport keeps 2).
func pooledClient(s *teststack.Stack, idle int) (*minio.Client, error) {
	cfg, err := s.TLSConfig()
	if err != nil {
		return nil, err
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = cfg
	t.MaxIdleConnsPerHost = idle
	return minio.New(s.MinIOEndpoint, &minio.Options{Creds: credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""), Secure: s.MinIOTLS, Transport: t})
}

// headAll sends a StatObject for objects first..first+n-1, workers at a
// time.
func headAll(ctx context.Context, c *minio.Client, bucket string, first, n, workers int) error {
	var (
		next     atomic.Int64
		firstErr error
		once     sync.Once
		wg       sync.WaitGroup
	)
	next.Store(int64(first))
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= first+n {
					return
				}
				info, err := c.StatObject(ctx, bucket, seedName(i), minio.StatObjectOptions{})
				if err == nil && info.Size != 16 {
					err = fmt.Errorf("size %d", info.Size)
				}
				if err != nil {
					once.Do(func() { firstErr = fmt.Errorf("HEAD %s: %w", seedName(i), err) })
					return
				}
			}
		})
	}
	wg.Wait()
	return firstErr
}

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive integer", name, v)
	}
	return n
}

func envDuration(b *testing.B, name string, def time.Duration) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		b.Fatalf("%s=%q: want a positive duration", name, v)
	}
	return d
}

// BenchmarkScanMemory measures the heap scan.Scan holds while it scans
// 100,000 and 1,000,000 versions from an in-process lister that makes up
// each entry as it is asked for it (no server, nothing stored): the heap
// live after a forced GC, sampled every 1,000 entries (one listing page),
// peak minus the heap before the scan. Flat across the two counts means
// bounded. ns/op includes the forced GCs. "lister" consumes the made-up
// entries only and "walk" runs scan.Walk with a function doing nothing, so
// that B/op of "scan" minus theirs is what Walk and Scan allocate.
func BenchmarkScanMemory(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		for _, mode := range []string{"lister", "walk", "scan"} {
			b.Run(fmt.Sprintf("%s/versions=%d", mode, n), func(b *testing.B) {
				b.ReportAllocs()
				var peak heapPeak
				l := &genLister{n: n, every: 1000, sample: peak.sample}
				ctx := context.Background()
				for b.Loop() {
					peak.start()
					seen := 0
					switch mode {
					case "lister":
						for range l.ListObjectsIter(ctx, "b", minio.ListObjectsOptions{}) {
							seen++
						}
					case "walk":
						if err := scan.Walk(ctx, l, "b", "", func(scan.Version) error { seen++; return nil }); err != nil {
							b.Fatal(err)
						}
					default:
						r, err := scan.Scan(ctx, l, scan.Scope{Bucket: "b"}, scan.Options{})
						if err != nil {
							b.Fatal(err)
						}
						peak.sample() // the result held
						seen = int(r.Seen)
						runtime.KeepAlive(r)
					}
					if seen != n {
						b.Fatalf("saw %d entries, want %d", seen, n)
					}
				}
				peak.report(b)
			})
		}
	}
}

// heapPeak tracks the live heap above a baseline.
type heapPeak struct {
	baseAlloc, baseInuse uint64
	maxAlloc, maxInuse   uint64
}

func gcStats() runtime.MemStats {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m
}

func (p *heapPeak) start() {
	m := gcStats()
	p.baseAlloc, p.baseInuse = m.HeapAlloc, m.HeapInuse
	p.maxAlloc, p.maxInuse = m.HeapAlloc, m.HeapInuse
}

func (p *heapPeak) sample() {
	m := gcStats()
	p.maxAlloc, p.maxInuse = max(p.maxAlloc, m.HeapAlloc), max(p.maxInuse, m.HeapInuse)
}

// report gives the peak of the last iteration.
func (p *heapPeak) report(b *testing.B) {
	b.ReportMetric(float64(p.maxAlloc)-float64(p.baseAlloc), "peak-live-B")
	b.ReportMetric(float64(p.maxInuse)-float64(p.baseInuse), "peak-inuse-B")
}

// genLister lists n entries shaped as the pinned MinIO lists them, made
// up one at a time: objects of two SSE-KMS versions (three keys in turn,
// the latest tagged, user metadata on both); every tenth object deleted
// (a delete marker on top). Version IDs are random UUIDs. Every `every`
// entries it calls sample before yielding.
type genLister struct {
	n, every int
	sample   func()
}

func (g *genLister) ListObjectsIter(ctx context.Context, bucket string, opts minio.ListObjectsOptions) iter.Seq[minio.ObjectInfo] {
	return func(yield func(minio.ObjectInfo) bool) {
		rng := rand.New(rand.NewPCG(1, 2))
		mod := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
		i := 0
		emit := func(o minio.ObjectInfo) bool {
			if i >= g.n || ctx.Err() != nil {
				return false
			}
			if g.sample != nil && g.every > 0 && i > 0 && i%g.every == 0 {
				g.sample()
			}
			i++
			return yield(o)
		}
		for obj := 0; i < g.n; obj++ {
			name := fmt.Sprintf("data/2026/11/object-%07d", obj)
			if obj%10 == 0 {
				if !emit(minio.ObjectInfo{Key: name, VersionID: uuid(rng), IsLatest: true, IsDeleteMarker: true, LastModified: mod}) {
					return
				}
			}
			for v := range 2 {
				o := minio.ObjectInfo{
					Key: name, VersionID: uuid(rng), IsLatest: v == 0 && obj%10 != 0, LastModified: mod, Size: 1024,
					ETag: fmt.Sprintf("%016x%016x", rng.Uint64(), rng.Uint64()), StorageClass: "STANDARD",
					UserMetadata: map[string]string{
						"content-type":                                "application/octet-stream",
						"X-Amz-Meta-Dept":                             "hr",
						"X-Amz-Server-Side-Encryption":                "aws:kms",
						"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": "arn:aws:kms:key-" + strconv.Itoa(obj%3),
					},
				}
				if v == 0 {
					o.UserTags = minio.URLMap{"class": "public", "obj": strconv.Itoa(obj % 10000)}
				}
				if !emit(o) {
					return
				}
			}
		}
	}
}

func uuid(r *rand.Rand) string {
	a, b := r.Uint64(), r.Uint64()
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, a>>16&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}
