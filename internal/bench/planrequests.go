package main

import (
	"context"
	"fmt"
	"strings"
)

// planRequestRows plans, never applies, a new rotation (resource defaults)
// of the scope of size n through the counting proxy, and counts its S3
// requests: the listing pages, against one pass over the scope, and every
// other S3 request (HEAD and GET of objects, and the bucket's own: its
// existence, its lifecycle rules), whatever the size.
func (b *bench) planRequestRows(ctx context.Context, n, total int) ([]row, error) {
	w, err := b.tf.workspace(fmt.Sprintf("plan-%d", n), fmt.Sprintf(`resource "minio_batch_keyrotate" "r" {
  bucket = %q
  prefix = %q
  encryption {
    type = "sse-kms"
    key  = %q
  }
}
`, b.bucket, prefixOf(n, total), b.keys[1]))
	if err != nil {
		return nil, err
	}
	p, err := newCountingProxy(b.stack)
	if err != nil {
		return nil, err
	}
	defer p.close()
	took, err := w.run(ctx, map[string]string{"MINIO_ENDPOINT": p.addr, "MINIO_ENABLE_HTTPS": "false"}, "plan")
	if err != nil {
		return nil, err
	}
	listing, other := p.s3Split()
	_, _, _, detail := p.counts()
	b.logf("plan of a new rotation of %d objects: %s; requests: %s", n, secs(took), detail)
	pass := (n+999)/1000 + 1 // a page per 1,000 entries, and the last, empty or not
	size := count(n, "objects")
	return []row{
		{what: "terraform plan of a new rotation (defaults)", size: size, runs: 1, value: secs(took) + " wall"},
		{what: "listing requests in that plan (pages of 1,000)", size: size, runs: 1, value: fmt.Sprint(listing),
			goal: fmt.Sprintf("<= %d (one pass)", pass), met: metIf(listing <= pass)},
		{what: "other S3 requests in that plan (HEAD, GET, bucket)", size: size, runs: 1, value: fmt.Sprint(other), goal: "<= 100", met: metIf(other <= 100)},
	}, nil
}

// s3Split sums the S3 requests seen: versioned listings, and the rest.
func (p *countingProxy) s3Split() (listing, other int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, n := range p.seen {
		switch {
		case !strings.HasPrefix(k, "s3 "):
		case strings.Contains(k, "versions"):
			listing += n
		default:
			other += n
		}
	}
	return listing, other
}
