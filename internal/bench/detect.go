package main

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/minio/madmin-go/v3"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

// countingAdmin counts the requests a wait sends (the start aside).
type countingAdmin struct {
	*madmin.AdminClient
	calls atomic.Int64
}

func (c *countingAdmin) BatchJobStatus(ctx context.Context, id string) (madmin.BatchJobStatus, error) {
	c.calls.Add(1)
	return c.AdminClient.BatchJobStatus(ctx, id)
}

func (c *countingAdmin) DescribeBatchJob(ctx context.Context, id string) (string, error) {
	c.calls.Add(1)
	return c.AdminClient.DescribeBatchJob(ctx, id)
}

func (c *countingAdmin) Metrics(ctx context.Context, o madmin.MetricsOptions, out func(madmin.RealtimeMetrics)) error {
	c.calls.Add(1)
	return c.AdminClient.Metrics(ctx, o, out)
}

// detectionRows runs n jobs over the smallest scope through the waiter the
// provider uses, with the live metrics and without them (the fallback),
// and measures how long after the server's end (the LastUpdate of its
// final report) the wait returned, and how many requests it sent.
func (b *bench) detectionRows(ctx context.Context, n int) ([]row, error) {
	const objects = 1000
	if n == 0 {
		return nil, nil
	}
	var rows []row
	key := 0
	for _, live := range []bool{true, false} {
		var lat []time.Duration
		var calls int64
		var waited time.Duration
		for range n {
			key = 1 - key
			c := &countingAdmin{AdminClient: b.admin}
			o := batchjob.WaitOptions{Expected: objects}
			if live {
				o.Live = c
			}
			yaml, err := keyrotate.Encode(keyrotate.Spec{Bucket: b.bucket, Prefix: prefixOf(objects, 0), Encryption: keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: b.keys[key]}})
			if err != nil {
				return nil, err
			}
			began := time.Now()
			out, err := batchjob.Run(ctx, c, string(yaml), batchjob.RunPolicy{Attempts: 1, Wait: o})
			returned := time.Now()
			if err != nil {
				return nil, fmt.Errorf("detection run: %w", err)
			}
			if out.Progress.Objects != objects {
				return nil, fmt.Errorf("detection job %s rotated %d objects, want %d (seed with -sizes including %d)", out.JobID, out.Progress.Objects, objects, objects)
			}
			lat = append(lat, returned.Sub(out.Progress.LastUpdate))
			calls += c.calls.Load()
			waited += returned.Sub(began)
		}
		if key != 0 {
			if _, err := b.direct(ctx, prefixOf(objects, 0), b.keys[0]); err != nil {
				return nil, err
			}
			key = 0
		}
		slices.Sort(lat)
		how := "live metrics (the provider's wait)"
		r := row{goal: "about 100 ms"}
		if !live {
			how, r.goal = "saved report only (the fallback without admin:ServerInfo)", ""
		}
		r.what, r.size, r.runs = "completion detection after the server's end: "+how, count(objects, "objects"), n
		r.value = fmt.Sprintf("median %s, max %s; %.1f requests/s while waiting", ms(lat[len(lat)/2]), ms(lat[len(lat)-1]), float64(calls)/waited.Seconds())
		if live {
			r.met = metIf(lat[len(lat)/2] <= 100*time.Millisecond)
		}
		rows = append(rows, r)
		b.logf("%s", r.value)
	}
	return rows, nil
}
