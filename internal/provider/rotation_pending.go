package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// A rotation costs what is pending, not the bucket. MinIO's job re-seals
// every version its filter selects, even one already under the target key,
// and resets its Last-Modified (serverfacts); on a versioned bucket it
// also stacks a delete marker onto each deleted object whose versions it
// rewrote. So, from the count taken right before the job:
//   - a scope with nothing pending starts no job at all;
//   - otherwise the job is narrowed to the versions modified at or after
//     the oldest pending one, which the server's date filter expresses.
//     A rotation sets the Last-Modified of every version it re-seals to
//     its own time, so after a rotation only drift (versions written or
//     restored later) is at or after that date: a re-rotation costs the
//     drift, not the bucket. A first rotation skips only versions that
//     need nothing.

// noJobPrefix opens the ID of a rotation that started no job because
// nothing was pending; such an ID names no job on the server.
const noJobPrefix = "no-job-"

// noJobID is the ID of a rotation without a job, unique per instant.
func noJobID(at time.Time) string {
	return noJobPrefix + at.UTC().Format("20060102T150405.000000000Z")
}

// notStartedPrefix starts the ID of a rotation whose start was refused at
// apply, kept (tainted) for the history it holds; unlike no-job-, it did
// not complete.
const notStartedPrefix = "not-started-"

// notStartedID is the ID of a refused start, unique per instant.
func notStartedID(at time.Time) string {
	return notStartedPrefix + at.UTC().Format("20060102T150405.000000000Z")
}

// hasJob reports whether id names a job on the server.
func hasJob(id string) bool {
	return id != "" && !strings.HasPrefix(id, noJobPrefix) && !strings.HasPrefix(id, notStartedPrefix)
}

// nothingPending says why a scope counted as before needs no job; "" when
// it does, or when it could not be counted (the job then runs).
func nothingPending(spec keyrotate.Spec, before *scan.Result) string {
	if before == nil {
		return ""
	}
	where := spec.Bucket + "/" + spec.Prefix
	switch rewritten := before.Rewritten().Versions; {
	case before.InScope.Versions == 0:
		return fmt.Sprintf("0 object versions under %s match the job's prefix and filter (%s listed under the prefix)", where, count(before.Seen, "entry"))
	case rewritten == 0:
		return fmt.Sprintf("none of the %s in scope under %s is encrypted under SSE-KMS or SSE-S3 (%d unencrypted, %d SSE-C), and a rotation never encrypts plaintext",
			count(before.InScope.Versions, "object version"), where, before.Unencrypted.Versions, before.SSEC.Versions)
	case before.Pending(spec.Encryption).Versions > 0:
		return ""
	case spec.Encryption.Type == keyrotate.SSES3 && before.SSES3.Versions > 0:
		// Which key sealed an SSE-S3 version cannot be seen from outside.
		return ""
	case spec.Encryption.Type == keyrotate.SSEKMS && before.SSES3.Versions > 0:
		verb := "stay"
		if before.SSES3.Versions == 1 {
			verb = "stays"
		}
		return fmt.Sprintf("every SSE-KMS version in scope under %s is already under key %s (%s %s SSE-S3: an sse-kms job does not move them)",
			where, spec.Encryption.Key, count(before.SSES3.Versions, "SSE-S3 version"), verb)
	default:
		return fmt.Sprintf("all %s in scope under %s are already under %s", count(rewritten, "encrypted version"), where, targetName(spec.Encryption))
	}
}

// nothingPendingOnAnySite is why no site's job is needed, naming the sites
// under site replication; "" when some site needs one.
func nothingPendingOnAnySite(job keyrotate.Spec, runs []*siteRun) string {
	reasons := make([]string, len(runs))
	for i, run := range runs {
		if reasons[i] = nothingPending(job, run.res.before); reasons[i] == "" {
			return ""
		}
		if run.site.Name != "" {
			reasons[i] = "site " + run.site.Name + ": " + reasons[i]
		}
	}
	return strings.Join(reasons, "; ")
}

// skipJobs ends a rotation whose scope needs no job on any site: each site
// is recorded as complete without a job, and verified by the count taken
// before (nothing ran since).
func (r *rotator) skipJobs(ctx context.Context, spec keyrotate.Spec, runs []*siteRun, reason string, diags *diag.Diagnostics) {
	runs[0].opts.say(ctx, "nothing pending, no job started: "+reason)
	diags.AddWarning("Nothing Pending, No Job Started",
		fmt.Sprintf("%s. No job was started, so nothing was re-sealed: every version keeps its Last-Modified, its tags and its place in the history. "+
			"The rotation is recorded as complete without a job (its id starts with %q).", capitalized(reason), noJobPrefix))
	for _, run := range runs {
		run.res.nothingPending = reason
		run.res.out.Progress.Status = batchjob.StatusComplete
		if run.opts.verify {
			run.res.verified, run.res.verifiedAt = run.res.before, time.Now()
		}
	}
}

// resealSince is the date the job can be narrowed to: the oldest pending
// version's on any site. It is zero when the whole scope must be re-sealed
// (a scope not counted, or SSE-S3 versions under an sse-s3 target, whose
// sealing key cannot be seen), and when no SSE-KMS version is older, so
// that a filter would leave nothing out: the job then is the resource's
// own, and reads back as such on import.
func resealSince(spec keyrotate.Spec, runs []*siteRun) time.Time {
	pending, all := make([]time.Time, len(runs)), make([]time.Time, len(runs))
	for i, run := range runs {
		before := run.res.before
		if before == nil || (spec.Encryption.Type == keyrotate.SSES3 && before.SSES3.Versions > 0) {
			return time.Time{}
		}
		pending[i], all[i] = before.OldestPending(spec.Encryption), before.OldestKMS()
	}
	since := earliest(pending)
	if !since.After(earliest(all)) {
		return time.Time{}
	}
	return since
}

// oldestPendingOf is each site's oldest pending date after the rotation;
// zero where none is pending or nothing was verified.
func oldestPendingOf(res rotationResult, spec keyrotate.Spec) []time.Time {
	var ts []time.Time
	for _, run := range sitesOf(res) {
		if run.res.verified != nil {
			ts = append(ts, run.res.verified.OldestPending(spec.Encryption))
		}
	}
	return ts
}

// narrowToDrift is spec narrowed to the versions modified at or after
// since, when that is narrower than its own filter; spec itself when since
// is zero.
func narrowToDrift(spec keyrotate.Spec, since time.Time) keyrotate.Spec {
	if since.IsZero() || !since.After(spec.Filter.CreatedAfter) {
		return spec
	}
	job := spec
	job.Filter.CreatedAfter = since.UTC()
	return job
}
