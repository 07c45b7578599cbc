package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// refreshRows applies n rotations (for_each over n prefixes of 10 objects,
// resource defaults, -parallelism=10), then times a terraform plan that
// refreshes them through a proxy counting MinIO requests by API.
func (b *bench) refreshRows(ctx context.Context, n int) ([]row, error) {
	if n == 0 {
		return nil, nil
	}
	bucket := teststack.RandomName("bench-refresh-")
	if err := b.s3.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		return nil, err
	}
	for i := range n {
		if err := inventory.Put(ctx, b.s3, inventory.Seed{Bucket: bucket, Names: inventory.Names(fmt.Sprintf("p%03d/", i), 10), KMSKey: b.keys[0]}); err != nil {
			return nil, err
		}
	}
	w, err := b.tf.workspace("refresh", fmt.Sprintf(`resource "minio_batch_keyrotate" "p" {
  for_each = toset([for i in range(%d) : format("p%%03d/", i)])
  bucket   = %q
  prefix   = each.key
  encryption {
    type = "sse-kms"
    key  = %q
  }
}
`, n, bucket, b.keys[1]))
	if err != nil {
		return nil, err
	}
	applied, err := w.run(ctx, nil, "apply", "-auto-approve", "-parallelism=10")
	if err != nil {
		return nil, err
	}
	b.logf("%d rotations applied in %s", n, secs(applied))

	p, err := newCountingProxy(b.stack)
	if err != nil {
		return nil, err
	}
	defer p.close()
	took, err := w.run(ctx, map[string]string{"MINIO_ENDPOINT": p.addr, "MINIO_ENABLE_HTTPS": "false"}, "plan", "-detailed-exitcode")
	if err != nil {
		return nil, fmt.Errorf("the plan after applying %d rotations is not empty (or failed): %w", n, err)
	}
	admin, kms, s3, detail := p.counts()
	b.logf("plan refreshing %d rotations: %s; requests: %s", n, secs(took), detail)
	per := func(c int) string { return fmt.Sprintf("%.2f", float64(c)/float64(n)) }
	what := fmt.Sprintf("%d finished rotations (verify on)", n)
	return []row{
		{what: "terraform plan refreshing " + what, size: count(n, "resources"), runs: 1, value: secs(took) + " wall"},
		{what: "MinIO admin API calls per resource in that plan", size: count(n, "resources"), runs: 1, value: per(admin), goal: "1", met: metIf(float64(admin) <= float64(n))},
		{what: "S3 (listing) and KMS API calls per resource in that plan", size: count(n, "resources"), runs: 1, value: per(s3) + " S3, " + per(kms) + " KMS"},
	}, nil
}

// countingProxy forwards plain HTTP to the stack's MinIO and counts the
// requests by API. It keeps the Host header, which the requests' signatures
// cover.
type countingProxy struct {
	srv  *http.Server
	addr string
	mu   sync.Mutex
	seen map[string]int // "METHOD /path" with the object part cut, admin and KMS APIs by name
}

func newCountingProxy(s *teststack.Stack) (*countingProxy, error) {
	target, err := url.Parse(s.MinIOURL())
	if err != nil {
		return nil, err
	}
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(target)
		r.Out.Host = r.In.Host
	}}
	if target.Scheme == "https" {
		tlsConfig, err := s.TLSConfig()
		if err != nil {
			return nil, err
		}
		rp.Transport = &http.Transport{TLSClientConfig: tlsConfig}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &countingProxy{addr: l.Addr().String(), seen: map[string]int{}}
	p.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.seen[apiOf(r)]++
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	})}
	go func() { _ = p.srv.Serve(l) }() // ends with ErrServerClosed at close
	return p, nil
}

func (p *countingProxy) close() { p.srv.Close() }

// apiOf names a request: admin and KMS calls by their API path, S3 calls
// by method and query (the bucket and object cut).
func apiOf(r *http.Request) string {
	for _, api := range []string{"/minio/admin/", "/minio/kms/"} {
		if strings.HasPrefix(r.URL.Path, api) {
			return r.Method + " " + r.URL.Path
		}
	}
	keys := make([]string, 0, len(r.URL.Query()))
	for k := range r.URL.Query() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return "s3 " + r.Method + " ?" + strings.Join(keys, "&")
}

// counts sums the requests by API, and lists them.
func (p *countingProxy) counts() (admin, kms, s3 int, detail string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var parts []string
	for k, n := range p.seen {
		switch {
		case strings.Contains(k, "/minio/admin/"):
			admin += n
		case strings.Contains(k, "/minio/kms/"):
			kms += n
		default:
			s3 += n
		}
		parts = append(parts, fmt.Sprintf("%s: %d", k, n))
	}
	sort.Strings(parts)
	return admin, kms, s3, strings.Join(parts, "; ")
}
