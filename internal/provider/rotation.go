package provider

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/preserve"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// rotator runs rotations for the minio_batch_keyrotate resource and the
// action of the same name: one code path for the checks before the job,
// the snapshot of what the job changes besides the key, the job with its
// retries and stall recovery, the restoration and the verification. The
// two differ only in what they do with the result.
type rotator struct {
	clients *clients
}

// rotationOptions is what a rotation needs besides its job.
type rotationOptions struct {
	wait                          bool // false: return once the job is accepted
	stall                         time.Duration
	preserveTags, preserveDeleted bool
	verify                        bool
	// checkExpires reads every rewritten version's Expires header before
	// the job (not drop_expires).
	checkExpires bool
	// cancelUnfinished cancels a job still running when the wait ends
	// (timeout, interrupt), then puts back what it changed. The action
	// does this, having no state to finish it from later; the resource
	// keeps the job and the record of what to put back in its state.
	cancelUnfinished bool
	// keptSays tells the user what happens to a restoration that failed
	// and whose record was kept in rotationResult.pending.
	keptSays string
	// via names the caller in the report: "resource" or "action".
	via string
	// predecessor is the resource's previous report as stored, which the
	// new one links to by digest; empty for the first and for the action.
	predecessor string
	// site names the site of a site-replication group the options are
	// for, in every line said; empty outside a group.
	site string
	// show, when set, also shows each step and report to the user (the
	// action's progress events); every step is logged anyway.
	show func(string)
}

// say logs a step of the rotation and shows it where the caller asked.
func (o rotationOptions) say(ctx context.Context, msg string) {
	if o.site != "" {
		msg = "site " + o.site + ": " + msg
	}
	tflog.Info(ctx, msg)
	if o.show != nil {
		o.show(msg)
	}
}

// display shows msg where the caller asked, naming the site; it is not
// logged (the caller logs it with its fields).
func (o rotationOptions) display(msg string) {
	if o.site != "" {
		msg = "site " + o.site + ": " + msg
	}
	o.show(msg)
}

// rotationResult is what a rotation did.
type rotationResult struct {
	out batchjob.Outcome
	// err says why the job did not complete, nil when it did (or, without
	// waiting, when it was accepted).
	err error
	// restored counts what was put back; nil when nothing was attempted.
	restored *preserve.Result
	// pending is the record of what is still to be put back (see
	// preserve.Snapshot.Marshal, base64), empty when nothing is.
	pending string
	// before is what the scope held before the job, by key; nil when it
	// could not be listed.
	before   *scan.Result
	verified *scan.Result
	// memo is what a later sampled refresh needs of the verification.
	memo       verifyMemo
	verifiedAt time.Time
	// canceled is set when cancelUnfinished canceled the job.
	canceled bool
	began    time.Time
	user     string // who started the job, from the server's job list
	// report is the rotation's evidence (report.Report as JSON).
	report string
	// nothingPending says why no job was started: nothing in scope needed
	// one. Empty when jobs ran.
	nothingPending string
	// resealSince is the date the jobs were narrowed to (the versions
	// modified at or after it); zero when they covered the whole scope.
	resealSince time.Time
	// sites is every site's run under site replication, the provider's own
	// first; nil outside a group.
	sites []*siteRun
}

// rotate runs one rotation of spec, on every site of the provider's
// site-replication group (rotation_sites.go). It reports false when no
// job was started anywhere; diagnostics then say why. The result is the
// provider's own site's, with every site's in sites.
func (r *rotator) rotate(ctx context.Context, spec keyrotate.Spec, opts rotationOptions, diags *diag.Diagnostics) (rotationResult, bool) {
	began := time.Now()
	group, ok := r.clients.sites(ctx, "No job was started.", diags)
	if !ok {
		return rotationResult{began: began}, false
	}
	runs := newSiteRuns(group, opts)
	opts.say(ctx, fmt.Sprintf("checking bucket %q, the target key and the job's scope%s", spec.Bucket, sitesLabel(runs)))
	// Every site is checked before any job starts anywhere: a site that
	// cannot be reached, or whose KMS cannot use the key, stops them all.
	for _, run := range runs {
		ok := run.r.preflight(ctx, spec, &run.diags)
		run.flush(diags)
		if !ok {
			return rotationResult{began: began}, false
		}
	}
	deadline, _ := ctx.Deadline()
	eachSite(runs, func(run *siteRun) { run.prepare(ctx, spec, deadline) })
	defer closeSnapshots(runs)
	failed := false
	for _, run := range runs {
		failed = failed || run.diags.HasError()
		run.flush(diags)
	}
	if failed {
		return rotationResult{began: began}, false
	}
	if reason := nothingPendingOnAnySite(spec, runs); reason != "" {
		r.skipJobs(ctx, spec, runs, reason, diags)
		for _, run := range runs {
			run.flush(diags)
		}
		res := summarize(runs)
		res.began = began
		res.report = r.evidence(ctx, spec, spec, opts, res)
		return res, true
	}
	if !tagsCanBePutBack(runs, diags) {
		return rotationResult{began: began}, false
	}
	// The job's scope: only what is pending and later (resealSince), which
	// the whole scope's verification then checks.
	job := narrowToDrift(spec, resealSince(spec, runs))
	jobYAML, err := keyrotate.Encode(job)
	if err != nil {
		diags.AddError("Cannot Encode Rotation Job", "The job definition could not be encoded; this is a bug in the provider.\n\n"+err.Error())
		return rotationResult{began: began}, false
	}
	if job.Filter.CreatedAfter != spec.Filter.CreatedAfter {
		opts.say(ctx, fmt.Sprintf("re-sealing only the versions modified at or after %s, the oldest pending one", job.Filter.CreatedAfter.Format(time.RFC3339Nano)))
	}
	eachSite(runs, func(run *siteRun) { run.runJob(ctx, job, string(jobYAML)) })
	anyStarted := false
	for _, run := range runs {
		anyStarted = anyStarted || run.started()
		run.flush(diags)
	}
	if !anyStarted {
		return rotationResult{began: began}, false
	}
	for _, run := range runs {
		if run.started() {
			run.finish(ctx, spec)
		}
		run.flush(diags)
	}
	res := summarize(runs)
	res.began = began
	if job.Filter.CreatedAfter != spec.Filter.CreatedAfter {
		res.resealSince = job.Filter.CreatedAfter
	}
	res.report = r.evidence(ctx, spec, job, opts, res)
	return res, true
}

// summarize is the result of a rotation across runs: the provider's own
// site's (else the first site that started a job), every site's in sites,
// and the error of every site that did not complete.
func summarize(runs []*siteRun) rotationResult {
	if len(runs) == 1 {
		return runs[0].res
	}
	res := runs[0].res
	for _, run := range runs {
		if run.started() {
			res = run.res
			break
		}
	}
	res.sites = runs
	res.err = joinSiteErrors(runs)
	return res
}

// runJob starts the site's job and follows it to its end (or, without
// waiting, until it is accepted).
func (run *siteRun) runJob(ctx context.Context, spec keyrotate.Spec, jobYAML string) {
	r, opts, res, diags := run.r, run.opts, &run.res, &run.diags
	expected := expectedOf(res.before)
	attempts := defaultJobAttempts
	if spec.Retry.Attempts > 0 {
		attempts = spec.Retry.Attempts
	}
	reporter := &progressReporter{ctx: ctx, opts: opts, attempts: attempts, expected: expected}
	policy := batchjob.RunPolicy{
		Attempts: attempts,
		Delay:    spec.Retry.Delay,
		Wait: batchjob.WaitOptions{
			StallTimeout:      opts.stall,
			OnProgress:        reporter.report,
			Live:              r.clients.admin,
			Expected:          expected,
			OnLive:            reporter.live,
			OnLiveUnavailable: reporter.liveUnavailable,
		},
		OnAttempt: reporter.started,
	}
	if opts.wait {
		res.out, res.err = batchjob.Run(ctx, r.clients.admin, jobYAML, policy)
	} else {
		res.out, res.err = batchjob.Start(ctx, r.clients.admin, jobYAML, policy.Wait)
	}
	if res.out.JobID == "" {
		if !r.clients.explain(res.err, "No job was started.", diags) {
			diags.AddError("Cannot Start Rotation Job",
				fmt.Sprintf("MinIO refused to start the keyrotate job for bucket %q. Check that the credentials may run batch jobs (admin:StartBatchJob).\n\n%v", spec.Bucket, res.err))
		}
		return
	}
	for _, rep := range res.out.Replaced {
		diags.AddWarning("Rotation Job Replaced",
			fmt.Sprintf("Job %s was given up (%v) after at least %s rotated and %d failed (its last saved report: MinIO saves it every 10 s, and a restart loses the live counts); a new job was started in its place. "+
				"Rotation is idempotent: objects the first job rotated are rotated again harmlessly. Job IDs, oldest first: %s.",
				rep.JobID, rep.Reason, count(rep.Progress.Objects, "object"), rep.Progress.ObjectsFailed, jobChain(res.out)))
	}
}

// finish puts back what the site's job changed and verifies the site,
// once every site's job has ended.
func (run *siteRun) finish(ctx context.Context, spec keyrotate.Spec) {
	r, opts, res, diags := run.r, run.opts, &run.res, &run.diags
	running := res.out.Progress.Status == batchjob.StatusRunning
	if running && opts.wait && opts.cancelUnfinished {
		// The wait ended early (timeout, interrupt): ctx is done, but the
		// job must stop and its side effects be undone all the same.
		cleanup, cancel := context.WithTimeout(context.WithoutCancel(ctx), defaultDeleteTimeout)
		defer cancel()
		ctx, running = cleanup, !r.cancelJob(cleanup, res, diags)
	}
	switch {
	case run.snap == nil:
	case running:
		// Restoring now would race the job: the destroy of the tainted
		// resource cancels it, then restores.
		res.keepPending(run.snap, opts.keptSays)
	default:
		// Failed or canceled jobs re-sealed some versions too.
		opts.say(ctx, "putting back the tags and deleted objects the job changed")
		r.restore(ctx, run.snap, opts.keptSays, res, diags)
	}
	if opts.verify && res.out.Progress.Status == batchjob.StatusComplete {
		opts.say(ctx, "counting every version in scope by key")
		if res.verified, res.memo = r.countVersions(ctx, spec, diags); res.verified != nil {
			res.verifiedAt = time.Now()
		}
	}
	res.user = r.clients.jobUser(ctx, res.out.JobID)
}

// cancelJob cancels the job of res and reports whether it did.
func (r *rotator) cancelJob(ctx context.Context, res *rotationResult, diags *diag.Diagnostics) bool {
	id := res.out.JobID
	if err := r.clients.admin.CancelBatchJob(ctx, id); err != nil && !batchjob.IsNoSuchJob(err) {
		diags.AddError("Cannot Cancel Rotation Job",
			fmt.Sprintf("The wait for job %s ended before the job did, and canceling it failed: it may still be running.%s Cancel it with `mc batch cancel ALIAS %s`.\n\n%v", id, r.clients.deniedNote(err), id, err))
		return false
	}
	res.canceled = true
	if p, err := batchjob.Fetch(ctx, r.clients.admin, id); err == nil {
		res.out.Progress = p
	}
	return true
}

// progressReporter logs a run's jobs and their progress, and shows them
// where the caller asked (rotationOptions.show).
type progressReporter struct {
	ctx               context.Context
	opts              rotationOptions
	attempt, attempts int
	expected          int64
	prev              batchjob.Progress // the last saved report
	shown             time.Time
	liveOff           bool // the live counts cannot be read: show the reports
}

func (p *progressReporter) started(n int, id string) {
	p.attempt = n
	p.opts.say(p.ctx, fmt.Sprintf("started batch keyrotate job %s (attempt %d of %d)", id, n, p.attempts))
}

// report logs each new saved report; the CLI sees them only without live
// counts.
func (p *progressReporter) report(cur batchjob.Progress) {
	rate := batchjob.Rate(p.prev, cur)
	tflog.Info(p.ctx, "batch keyrotate progress", map[string]any{
		"job_id": cur.ID, "attempt": p.attempt, "status": string(cur.Status), "objects": cur.Objects, "failed": cur.ObjectsFailed,
		"objects_per_second": rate,
	})
	if p.opts.show != nil && p.liveOff {
		p.opts.display(liveLine(batchjob.Live{Progress: cur, Rate: rate}, p.attempt, p.attempts))
	}
	p.prev = cur
}

// live logs the live counts; the CLI gets a line every few seconds, and
// the end.
func (p *progressReporter) live(l batchjob.Live) {
	tflog.Info(p.ctx, "batch keyrotate live progress", map[string]any{
		"job_id": l.ID, "attempt": p.attempt, "status": string(l.Status), "objects": l.Objects, "failed": l.ObjectsFailed,
		"expected": p.expected, "objects_per_second": tenths(l.Rate), "seconds_left": tenths(l.Remaining.Seconds()),
	})
	if p.opts.show != nil && (time.Since(p.shown) >= showEvery || l.Status.Done()) {
		p.shown = time.Now()
		p.opts.display(liveLine(l, p.attempt, p.attempts))
	}
}

func (p *progressReporter) liveUnavailable(err error) {
	p.liveOff = true
	tflog.Warn(p.ctx, "the job's live progress cannot be read (admin:ServerInfo, or an older server); following its saved report, which MinIO updates every 10 seconds",
		map[string]any{"error": err.Error()})
}

// tenths rounds x to one decimal, for readable logs.
func tenths(x float64) float64 { return math.Round(x*10) / 10 }

// showEvery is how often the CLI shows a job's live progress.
const showEvery = 5 * time.Second

// liveLine is a job's live progress as the CLI shows it.
func liveLine(l batchjob.Live, attempt, attempts int) string {
	line := fmt.Sprintf("job %s (attempt %d of %d) %s: %s rotated, %d failed", l.ID, attempt, attempts, l.Status, count(l.Objects, "object"), l.ObjectsFailed)
	if l.Rate >= 1 {
		line += fmt.Sprintf(", %.0f objects/s", l.Rate)
	}
	if l.Remaining >= time.Second {
		line += fmt.Sprintf(", about %s left", l.Remaining.Round(time.Second))
	}
	return line
}

// jobSummary is the counts of a run's last job, for errors.
func jobSummary(out batchjob.Outcome) string {
	p := out.Progress
	return fmt.Sprintf("Job %s (attempt %d): %d objects rotated, %d failed, last object %q, in the job's last saved report (MinIO saves it every few seconds).",
		out.JobID, out.Attempts, p.Objects, p.ObjectsFailed, p.LastObject)
}

// isAre is the verb that agrees with n things.
func isAre(n int64) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// count is n with its noun, singular for 1: "1 object", "2 objects".
func count(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
