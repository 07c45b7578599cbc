package main

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

// A kind of run: the same rotation started three ways.
type kind int

const (
	direct        kind = iota // StartBatchJob, then BatchJobStatus every 20 ms
	applyMinimal              // terraform apply of the same job: verify, preservation and the Expires check off
	applyDefaults             // terraform apply with the resource's defaults
)

func (k kind) String() string {
	return [...]string{"direct: StartBatchJob + status every 20 ms", "terraform apply, same job (verify, preservation, Expires check off)", "terraform apply, defaults (preservation, verification, Expires check)"}[k]
}

// runResult is one rotation: its wall time and, from the job's report,
// when the server started and ended it, so that the wall time splits into
// before the job, the job, and after its end.
type runResult struct {
	wall           time.Duration
	began, ended   time.Time // of the caller
	jobStart       time.Time
	jobEnd         time.Time
	objects        int64
	providerPeakKB int64 // apply only: the provider process's peak RSS
}

func (r runResult) job() time.Duration    { return r.jobEnd.Sub(r.jobStart) }
func (r runResult) before() time.Duration { return r.jobStart.Sub(r.began) }
func (r runResult) after() time.Duration  { return r.ended.Sub(r.jobEnd) }

// compare rotates n objects pairs times each way, the order alternating
// from round to round so that neither way always runs on a warmer server,
// and returns their rows. Sizes with one round skip the defaults run (its
// Expires check alone is two HEADs per version).
func (b *bench) compare(ctx context.Context, n, total, rounds int) ([]row, error) {
	kinds := []kind{direct, applyMinimal, applyDefaults}
	if rounds == 1 {
		kinds = kinds[:2]
	}
	prefix := prefixOf(n, total)
	results := map[kind][]runResult{}
	key := 0 // the scope is under b.keys[key]
	for r := range rounds {
		order := slices.Clone(kinds)
		if r%2 == 1 {
			slices.Reverse(order)
		}
		for _, k := range order {
			key = 1 - key
			res, err := b.rotate(ctx, k, prefix, b.keys[key], fmt.Sprintf("n%d-r%d-%d", n, r, k))
			if err != nil {
				return nil, err
			}
			if res.objects != int64(n) {
				return nil, fmt.Errorf("%s over %d objects rotated %d", k, n, res.objects)
			}
			b.logf("%d objects, %s: %s (before the job %s, job %s, after its end %s)", n, k,
				secs(res.wall), secs(res.before()), secs(res.job()), secs(res.after()))
			results[k] = append(results[k], res)
		}
	}
	if key != 0 {
		// Back under the first key, so that the whole-bucket scope is
		// uniform for the next size.
		if _, err := b.rotate(ctx, direct, prefix, b.keys[0], ""); err != nil {
			return nil, err
		}
	}
	floor, err := b.noopApply(ctx, fmt.Sprintf("n%d-r0-%d", n, applyMinimal))
	if err != nil {
		return nil, err
	}
	return compareRows(n, results, floor), nil
}

// noopApply is the CLI's own cost: terraform apply in a workspace whose
// rotation is applied already, so that the plan is empty (the refresh of a
// rotation without verify is one status call).
func (b *bench) noopApply(ctx context.Context, name string) (time.Duration, error) {
	w, err := b.tf.existing(name)
	if err != nil {
		return 0, err
	}
	return w.run(ctx, nil, "apply", "-auto-approve")
}

// rotate runs one rotation of prefix to key, the way k says.
func (b *bench) rotate(ctx context.Context, k kind, prefix, key, name string) (runResult, error) {
	if k == direct {
		return b.direct(ctx, prefix, key)
	}
	return b.apply(ctx, k == applyDefaults, prefix, key, name)
}

// direct is the baseline: the job as a script would run it.
func (b *bench) direct(ctx context.Context, prefix, key string) (runResult, error) {
	yaml, err := keyrotate.Encode(keyrotate.Spec{Bucket: b.bucket, Prefix: prefix, Encryption: keyrotate.Encryption{Type: keyrotate.SSEKMS, Key: key}})
	if err != nil {
		return runResult{}, err
	}
	res := runResult{began: time.Now()}
	started, err := b.admin.StartBatchJob(ctx, string(yaml))
	if err != nil {
		return res, fmt.Errorf("starting the direct job: %w", err)
	}
	for {
		st, err := b.admin.BatchJobStatus(ctx, started.ID)
		switch {
		case err != nil && !batchjob.IsNoSuchJob(err):
			return res, fmt.Errorf("reading status of %s: %w", started.ID, err)
		case err == nil && st.LastMetric.Failed:
			return res, fmt.Errorf("direct job %s failed", started.ID)
		case err == nil && st.LastMetric.Complete:
			res.ended = time.Now()
			res.wall = res.ended.Sub(res.began)
			res.jobStart, res.jobEnd, res.objects = st.LastMetric.StartTime, st.LastMetric.LastUpdate, st.LastMetric.KeyRotate.Objects
			return res, nil
		}
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// apply runs the rotation as a minio_batch_keyrotate in a new workspace,
// watching the provider's memory.
func (b *bench) apply(ctx context.Context, defaults bool, prefix, key, name string) (runResult, error) {
	opts := "\n  verify           = false\n  preserve_tags    = false\n  preserve_deleted = false\n  drop_expires     = true\n"
	if defaults {
		opts = ""
	}
	w, err := b.tf.workspace(name, fmt.Sprintf(`resource "minio_batch_keyrotate" "r" {
  bucket = %q
  prefix = %q
  encryption {
    type = "sse-kms"
    key  = %q
  }%s
  timeouts {
    create = "2h"
  }
}

output "job_id" {
  value = minio_batch_keyrotate.r.id
}
`, b.bucket, prefix, key, opts))
	if err != nil {
		return runResult{}, err
	}
	watch := watchPeakRSS(ctx, b.tf.provider)
	res := runResult{began: time.Now()}
	res.wall, err = w.run(ctx, nil, "apply", "-auto-approve")
	res.ended = res.began.Add(res.wall)
	res.providerPeakKB = watch()
	if err != nil {
		return res, err
	}
	id, err := w.output("job_id")
	if err != nil {
		return res, err
	}
	st, err := b.admin.BatchJobStatus(ctx, id)
	if err != nil {
		return res, fmt.Errorf("reading status of %s: %w", id, err)
	}
	res.jobStart, res.jobEnd, res.objects = st.LastMetric.StartTime, st.LastMetric.LastUpdate, st.LastMetric.KeyRotate.Objects
	return res, nil
}

// median of the durations f picks from rs.
func median(rs []runResult, f func(runResult) time.Duration) time.Duration {
	ds := make([]time.Duration, len(rs))
	for i, r := range rs {
		ds[i] = f(r)
	}
	slices.Sort(ds)
	if len(ds)%2 == 1 {
		return ds[len(ds)/2]
	}
	return (ds[len(ds)/2-1] + ds[len(ds)/2]) / 2
}

func wallOf(r runResult) time.Duration { return r.wall }

// compareRows turns the runs of one size into rows: each way's median wall
// time with its split, the ratios to direct, and the provider's peak RSS.
func compareRows(n int, results map[kind][]runResult, floor time.Duration) []row {
	var rows []row
	d := median(results[direct], wallOf)
	for _, k := range []kind{direct, applyMinimal, applyDefaults} {
		rs := results[k]
		if len(rs) == 0 {
			continue
		}
		w := median(rs, wallOf)
		value := fmt.Sprintf("%s (%.0f objects/s; before the job %s, job %s, after its end %s)", secs(w), float64(n)/w.Seconds(),
			secs(median(rs, runResult.before)), secs(median(rs, runResult.job)), secs(median(rs, runResult.after)))
		rows = append(rows, row{what: "rotation: " + k.String(), size: count(n, "objects"), value: value, runs: len(rs)})
		if k == direct {
			continue
		}
		ratio := w.Seconds() / d.Seconds()
		r := row{what: "apply / direct: " + k.String(), size: count(n, "objects"), value: fmt.Sprintf("%.3f", ratio), runs: len(rs)}
		if k == applyMinimal {
			r.goal, r.met = ratioGoal(n, ratio)
		}
		rows = append(rows, r)
		if k == applyMinimal {
			rows = append(rows, row{what: "apply / direct, less the CLI's own cost (terraform apply with nothing to do: " + secs(floor) + ")", size: count(n, "objects"),
				value: fmt.Sprintf("%.3f", (w-floor).Seconds()/d.Seconds()), runs: len(rs)})
			var peak int64
			for _, r := range rs {
				peak = max(peak, r.providerPeakKB)
			}
			rows = append(rows, row{what: "provider peak RSS while waiting (terraform apply)", size: count(n, "objects"),
				value: fmt.Sprintf("%.1f MB", float64(peak)/1024), goal: "< 64 MB", met: metIf(peak > 0 && peak < 64*1024), runs: len(rs)})
		}
	}
	return rows
}

// ratioGoal is the goal for apply/direct at n objects, if any.
func ratioGoal(n int, ratio float64) (string, string) {
	switch n {
	case 3000:
		return "<= 1.05", metIf(ratio <= 1.05)
	case 10000:
		return "<= 1.03", metIf(ratio <= 1.03)
	}
	return "", ""
}
