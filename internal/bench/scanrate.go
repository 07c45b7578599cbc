package main

import (
	"context"
	"fmt"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// scanRows measures, over each scope of 10,000 objects or more, one
// scan.Scan pass (what a refresh with verify pays, and what the checks
// before a job pay) against a HEAD per object, 8 at a time
// (scan.CountExpires, the plan's Expires check): versions per second.
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
		if _, err := scan.CountExpires(ctx, b.s3, scope, began, 8); err != nil {
			return nil, fmt.Errorf("HEAD per object over %d: %w", n, err)
		}
		headed := time.Since(began)
		rate := func(d time.Duration) float64 { return float64(res.Seen) / d.Seconds() }
		rows = append(rows,
			row{what: "scanner: scan.Scan, one listing pass with metadata", size: count(int(res.Seen), "versions"), runs: 1,
				value: fmt.Sprintf("%.0f versions/s (%s)", rate(listed), secs(listed))},
			row{what: "scanner alternative: a HEAD per object, 8 at a time", size: count(int(res.Seen), "versions"), runs: 1,
				value: fmt.Sprintf("%.0f versions/s (%s): the listing is %.1fx faster", rate(headed), secs(headed), headed.Seconds()/listed.Seconds())})
		b.logf("scan of %d versions: %s; HEAD per object: %s", res.Seen, secs(listed), secs(headed))
	}
	return rows, nil
}
