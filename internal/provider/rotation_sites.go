package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/preserve"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// Under site replication a keyrotate job re-seals the versions of its own
// site only: MinIO's KeyRotate writes through the object layer and never
// schedules replication, and keeps each version's replication status, so
// nothing re-sends the re-sealed versions (internal/serverfacts pins it).
// A rotation therefore runs on every site of the group, in phases:
//
//  1. every site is checked (reachable, bucket, target key usable by that
//     site's KMS, jobs followable) before any job starts anywhere;
//  2. every site records what its job will change and counts its scope,
//     concurrently;
//  3. one job per site, concurrently, each followed on its own site;
//  4. once every job has ended, each site in turn gets back what its job
//     changed, and is verified.
//
// Phase 4 waits for all jobs because what is put back on one site is
// replicated to the others (tags, delete markers): put back while another
// site's job still runs, it would be undone there again. Restore skips what
// replication already brought back (tags in place, objects still deleted).

// siteRun is one site's part of a rotation.
type siteRun struct {
	site  *site
	r     *rotator
	opts  rotationOptions
	diags diag.Diagnostics
	snap  *preserve.Snapshot
	res   rotationResult
}

// newSiteRuns prepares a run per site. Under site replication each run's
// progress is prefixed with its site's name, and the CLI sees the lines
// of concurrent sites one at a time.
func newSiteRuns(group []*site, opts rotationOptions) []*siteRun {
	runs := make([]*siteRun, len(group))
	var mu sync.Mutex
	for i, s := range group {
		o := opts
		if s.Name != "" {
			o.site = s.Name
			if show := opts.show; show != nil {
				o.show = func(msg string) {
					mu.Lock()
					defer mu.Unlock()
					show(msg)
				}
			}
		}
		runs[i] = &siteRun{site: s, r: &rotator{clients: s.clients}, opts: o}
	}
	return runs
}

// eachSite runs fn for every site at once and waits for all of them.
func eachSite(runs []*siteRun, fn func(*siteRun)) {
	eachOf(runs, func(_ int, run *siteRun) { fn(run) })
}

// eachOf runs fn for every element of list at once and waits for all of
// them; the sites of a group are few.
func eachOf[T any](list []T, fn func(int, T)) {
	var wg sync.WaitGroup
	for i, v := range list {
		wg.Go(func() { fn(i, v) })
	}
	wg.Wait()
}

// flush moves the run's diagnostics into diags, naming the site in each
// under site replication.
func (run *siteRun) flush(diags *diag.Diagnostics) {
	for _, d := range run.diags {
		diags.Append(siteDiagnosticIn(run.site.Name, d))
	}
	run.diags = nil
}

// siteDiagnostic is d with its detail opened by the site it is about; an
// attribute path is kept.
func siteDiagnostic(name string, d diag.Diagnostic) diag.Diagnostic {
	detail := fmt.Sprintf("On site %s: %s", name, d.Detail())
	var out diag.Diagnostic = diag.NewWarningDiagnostic(d.Summary(), detail)
	if d.Severity() == diag.SeverityError {
		out = diag.NewErrorDiagnostic(d.Summary(), detail)
	}
	if p, ok := d.(diag.DiagnosticWithPath); ok {
		return diag.WithPath(p.Path(), out)
	}
	return out
}

// prepare records what the site's job will change, counts its scope and,
// unless drop_expires, reads every rewritten version's Expires header, in
// one listing pass.
func (run *siteRun) prepare(ctx context.Context, spec keyrotate.Spec, deadline time.Time) {
	scope := scan.ScopeOf(spec)
	counter := scan.NewCounter(scope, scan.Options{})
	observe := counter.Add
	var expires *scan.ExpiresCounter
	if run.opts.checkExpires {
		expires = scan.NewExpiresCounter(ctx, run.r.clients.s3, scope, time.Now(), expiresHeadWorkers)
		observe = func(v scan.Version) { counter.Add(v); expires.Add(v) }
	}
	run.snap = run.r.takeSnapshot(ctx, run.opts, spec, deadline, observe, &run.diags)
	switch {
	case run.diags.HasError():
	case run.snap != nil:
		run.res.before = counter.Result()
	case expires != nil:
		if err := scan.Walk(ctx, run.r.clients.s3, scope.Bucket, scope.Prefix, func(v scan.Version) error { observe(v); return nil }); err != nil {
			expires.Fail(err)
		} else {
			run.res.before = counter.Result()
		}
	default:
		run.res.before = run.r.countScope(ctx, spec)
	}
	if expires != nil {
		n, err := expires.Result()
		if !run.diags.HasError() {
			run.r.expiresBeforeJob(spec, n, err, &run.diags)
		}
	}
}

// closeSnapshots drops every site's snapshot (and its spill file).
func closeSnapshots(runs []*siteRun) {
	for _, run := range runs {
		if run.snap != nil {
			run.snap.Close()
		}
	}
}

// started reports whether the site's job was started.
func (run *siteRun) started() bool { return run.res.out.JobID != "" }

// sitesLabel says on which sites a step runs, for progress lines: "" for a
// deployment outside any group.
func sitesLabel(runs []*siteRun) string {
	if len(runs) < 2 {
		return ""
	}
	return fmt.Sprintf(" on %d sites", len(runs))
}

// joinSiteErrors is the error of a rotation across sites: each site's
// error, named; nil when every site's job completed.
func joinSiteErrors(runs []*siteRun) error {
	var errs []error
	for _, run := range runs {
		if run.res.err == nil {
			continue
		}
		if run.site.Name == "" {
			errs = append(errs, run.res.err)
		} else {
			errs = append(errs, fmt.Errorf("site %s: %w", run.site.Name, run.res.err))
		}
	}
	return errors.Join(errs...)
}

// sitesOf is every site's run of res: res.sites under site replication,
// else the one deployment's.
func sitesOf(res rotationResult) []*siteRun {
	if res.sites != nil {
		return res.sites
	}
	return []*siteRun{{site: &site{}, res: res}}
}

// siteDiagnosticIn is d naming site name; d itself outside a group.
func siteDiagnosticIn(name string, d diag.Diagnostic) diag.Diagnostic {
	if name == "" {
		return d
	}
	return siteDiagnostic(name, d)
}

// tagsCanBePutBack refuses, before any job starts, a rotation across
// sites that would have to put tags back. Measured on the pinned server
// (internal/serverfacts): a tag set put on a version of one site is
// replicated to the others as a metadata update, and leaves their copy of
// that version stored without encryption (still readable, its SSE-KMS
// headers gone). Putting the tags back would thus undo the very
// encryption the rotation is for, on every other site.
func tagsCanBePutBack(runs []*siteRun, diags *diag.Diagnostics) bool {
	if len(runs) < 2 {
		return true
	}
	var tagged []string
	for _, run := range runs {
		if run.snap != nil && run.snap.Tagged > 0 {
			tagged = append(tagged, fmt.Sprintf("%s on site %s", count(run.snap.Tagged, "tagged version"), run.site.Name))
		}
	}
	if len(tagged) == 0 {
		return true
	}
	diags.AddAttributeError(path.Root("preserve_tags"), "Tags Cannot Be Put Back Under Site Replication",
		fmt.Sprintf("No job was started on any site. The scope holds %s. MinIO's job drops the tags of every version it re-seals, and the provider would put them back; "+
			"but under site replication a tag set put on one site is replicated to the other sites as a metadata update, which leaves their copy of the version "+
			"stored without encryption (measured on the pinned server: readable, with no SSE-KMS key). Set preserve_tags = false to rotate and lose the tags "+
			"(record them first if you need them: minio_keyrotate_preview counts them), or remove the tags, then apply again. Deleted objects are still put back.",
			strings.Join(tagged, ", ")))
	return false
}

// doneWhere says, for a rotation across sites, what each site's job did,
// as the opening of an error; "" outside a group.
func doneWhere(res rotationResult) string {
	var b strings.Builder
	for _, run := range res.sites {
		switch p := run.res.out.Progress; {
		case !run.started():
			fmt.Fprintf(&b, "Site %s: no job started. ", run.site.Name)
		default:
			fmt.Fprintf(&b, "Site %s: job %s %s, %s rotated, %d failed (its last saved report). ", run.site.Name, run.res.out.JobID, p.Status, count(p.Objects, "object"), p.ObjectsFailed)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return b.String() + "Nothing is lost: versions a job did not reach stay readable under their old key, and the next apply rotates every site again. "
}
