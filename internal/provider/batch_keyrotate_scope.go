package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// What the job's scope holds before the job is counted once, by key: it
// is the "before" of the rotation's evidence, the estimate of the job's
// length (which paces the wait near its end), and what tells a scope with
// nothing pending, which starts no job (rotation_pending.go). It must be counted before the job starts, since
// the job changes it; when a snapshot is taken, its listing serves the
// count too (one pass), else the count lists the scope itself.

// countScope lists the scope of spec and counts it; nil when the listing
// failed (the job starts anyway: the count only informs).
func (r *rotator) countScope(ctx context.Context, spec keyrotate.Spec) *scan.Result {
	where := fmt.Sprintf("%s/%s", spec.Bucket, spec.Prefix)
	res, err := scan.ScanConcurrent(ctx, r.clients.s3, scan.ScopeOf(spec), scan.Options{Progress: func(seen int64) {
		tflog.Info(ctx, "counting the rotation's scope", map[string]any{"where": where, "versions_seen": seen})
	}}, listingConcurrency)
	if err != nil {
		tflog.Warn(ctx, "could not count the rotation's scope; starting the job anyway", map[string]any{"error": err.Error()})
		return nil
	}
	return res
}

// expectedOf is how many versions the job is expected to re-seal; 0 when
// unknown.
func expectedOf(before *scan.Result) int64 {
	if before == nil {
		return 0
	}
	return before.Rewritten().Versions
}
