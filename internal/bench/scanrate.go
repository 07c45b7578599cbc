package main

import (
	"context"
	"fmt"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// scanRows measures, over each scope of 10,000 objects or more, one
// scan.Scan pass, the same in key ranges listed side by side
// (scan.ScanConcurrent: what a refresh with verify and the count before a
// job pay), and a HEAD per object, 8 at a time (scan.CountExpires, what
// apply pays to read every Expires header): versions per second.
func (b *bench) scanRows(ctx context.Context, c config) ([]row, error) {
	var rows []row
	for _, n := range c.sizes {
		if n < 10000 {
			continue
		}
		scope := scan.Scope{Bucket: b.bucket, Prefix: prefixOf(n, c.total)}
		began := time.Now()
		res, err := scan.Scan(ctx, b.s3, scope, scan.Options{})
		listed := time.Since(began)
		if err != nil {
			return nil, fmt.Errorf("scanning %d objects: %w", n, err)
		}
		began = time.Now()
		if _, err := scan.ScanConcurrent(ctx, b.s3, scope, scan.Options{}, scan.DefaultConcurrency); err != nil {
			return nil, fmt.Errorf("scanning %d objects in parallel: %w", n, err)
		}
		parallel := time.Since(began)
		began = time.Now()
		if _, err := scan.CountExpires(ctx, b.s3, scope, began, 8); err != nil {
			return nil, fmt.Errorf("HEAD per object over %d: %w", n, err)
		}
		headed := time.Since(began)
		rate := func(d time.Duration) float64 { return float64(res.Seen) / d.Seconds() }
		rows = append(rows,
			row{what: "scanner: scan.Scan, one listing pass with metadata", size: count(int(res.Seen), "versions"), runs: 1,
				value: fmt.Sprintf("%.0f versions/s (%s)", rate(listed), secs(listed))},
			row{what: fmt.Sprintf("scanner: scan.ScanConcurrent, key ranges %d at a time", scan.DefaultConcurrency), size: count(int(res.Seen), "versions"), runs: 1,
				value: fmt.Sprintf("%.0f versions/s (%s): %.1fx the serial pass", rate(parallel), secs(parallel), listed.Seconds()/parallel.Seconds())},
			row{what: "scanner alternative: a HEAD per object, 8 at a time", size: count(int(res.Seen), "versions"), runs: 1,
				value: fmt.Sprintf("%.0f versions/s (%s): the listing is %.1fx faster", rate(headed), secs(headed), headed.Seconds()/listed.Seconds())})
		b.logf("scan of %d versions: %s serial, %s in parallel; HEAD per object: %s", res.Seen, secs(listed), secs(parallel), secs(headed))
	}
	return rows, nil
}
