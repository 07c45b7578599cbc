package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/usage"
)

// keyUsageSites checks what still uses key on every deployment the
// provider covers (c.sites: this one, and under site replication every
// other site of its group), all at once: each site's KMS default key, its
// bucket replication targets outside the group and its buckets
// (usage.ScanSites). On failure it adds an error per site that failed,
// starting with consequence(onSite) (onSite is " on site NAME" under site
// replication, else ""), and reports false: a check that did not finish
// on every site never counts as "unused". timeoutAdvice is said when ctx
// ran out.
func (c *clients) keyUsageSites(ctx context.Context, key string, consequence func(onSite string) string, timeoutAdvice string, diags *diag.Diagnostics) (usage.SitesReport, bool) {
	var found diag.Diagnostics
	group, ok := c.sites(ctx, "", &found)
	if found.HasError() && ctx.Err() != nil {
		// Out of time (or interrupted) before the sites were known: said as
		// every check that ran out of time is, with what to change.
		c.keyUsageFailure(key, usage.Report{Key: key}, &usage.Error{Doing: "asking the deployment whether it belongs to a site-replication group", Err: ctx.Err()},
			consequence(""), timeoutAdvice, diags)
		return usage.SitesReport{}, false
	}
	for _, d := range found {
		if d.Severity() == diag.SeverityError {
			// What could not be done comes first, as in every failure of
			// the check.
			diags.AddError(d.Summary(), consequence("")+" "+d.Detail())
		} else {
			diags.Append(d)
		}
	}
	if !ok || found.HasError() {
		return usage.SitesReport{}, false
	}
	ss := make([]usage.Site, len(group))
	for i, s := range group {
		ss[i] = usage.Site{Site: s.Site, S3: s.s3, Admin: s.admin}
	}
	began := time.Now()
	var mu sync.Mutex
	lastLog := make([]time.Time, len(group))
	rep, err := usage.ScanSites(ctx, ss, key, usage.SitesOptions{Concurrency: listingConcurrency, Progress: func(i int, p usage.Progress) {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(lastLog[i]) < time.Second && p.BucketsDone < p.BucketsTotal {
			return
		}
		lastLog[i] = time.Now()
		tflog.Info(ctx, "checking what still uses the KMS key", map[string]any{"key": key, "site": group[i].Name, "buckets_done": p.BucketsDone,
			"buckets_total": p.BucketsTotal, "bucket": p.Bucket, "versions_seen": p.VersionsSeen})
	}})
	for _, s := range rep.Sites {
		tflog.Info(ctx, "KMS key usage checked on one site", map[string]any{"key": key, "site": s.Site.Name, "complete": s.Complete,
			"buckets_scanned": s.BucketsScanned, "versions_seen": s.VersionsSeen, "buckets_using_key": len(s.Buckets),
			"versions_under_key": s.Versions, "minio_default_key": s.ServerDefault, "outside_targets": len(s.Targets)})
	}
	fields := map[string]any{"key": key, "sites": len(rep.Sites), "versions_under_key": rep.Versions(), "in_use": rep.InUse(),
		"outside_targets": len(rep.Targets()), "seconds": time.Since(began).Seconds()}
	if err == nil {
		tflog.Info(ctx, "KMS key usage checked", fields)
		return rep, true
	}
	fields["error"] = err.Error()
	tflog.Warn(ctx, "the KMS key usage check did not finish", fields)
	before := len(diags.Errors())
	for _, se := range usage.SiteErrors(err) {
		sc, partial := c, usage.Report{Key: key}
		for i, s := range rep.Sites {
			if s.Site.Name == se.Site.Name {
				sc, partial = group[i].clients, s.Report
			}
		}
		onSite := ""
		if se.Site.Name != "" {
			onSite = " on " + se.Site.Label()
		}
		sc.keyUsageFailure(key, partial, se.Err, consequence(onSite), timeoutAdvice, diags)
	}
	if len(diags.Errors()) == before { // never report a check that did not finish as done
		diags.AddError("Cannot Check Key Usage", fmt.Sprintf("%s The check did not finish.\n\n%v", consequence(""), err))
	}
	return rep, false
}

// keyRetireVerdict is what the check before deleting a key found: nil
// diagnostics when the key may go.
//
// Any use on any site refuses ("Key In Use"); bucket replication targets
// outside the group refuse too ("Key May Be In Use At Replication
// Targets"), unless outsideChecked (the resource's
// outside_replicas_checked) says they were checked elsewhere, in which
// case the deletion goes ahead with a warning naming them. Outside a group
// the message is the one of a single deployment (keyInUseDetail).
func keyRetireVerdict(r usage.SitesReport, outsideChecked bool) diag.Diagnostics {
	var diags diag.Diagnostics
	targets := r.Targets()
	switch {
	case r.InUse():
		var b strings.Builder
		if r.Replicated() {
			b.WriteString(keyInUseSitesDetail(r))
		} else {
			b.WriteString(keyInUseDetail(r.Sites[0].Report))
		}
		if len(targets) > 0 {
			b.WriteString("\n\n")
			if outsideChecked {
				fmt.Fprintf(&b, "outside_replicas_checked = true takes the %s as checked; it never lets a destroy past a use found here.",
					targetsNoun(r, len(targets)))
			} else {
				b.WriteString(capitalized(outsideTargetsText(r, targets)) + "\n\nOnce those are checked too, set outside_replicas_checked = true on this resource and apply before destroying again.")
			}
		}
		diags.AddError(summaryKeyInUse, b.String())
	case len(targets) > 0 && !outsideChecked:
		var b strings.Builder
		fmt.Fprintf(&b, "Key %q was not deleted: nothing %s uses it, but %s\n\n", r.Key, checkedWhere(r), outsideTargetsText(r, targets))
		b.WriteString("Check each of them for what is still sealed under the key (for instance with minio_kms_key_usage through a provider configured for that deployment) " +
			"and rotate or retire it there. Once none of them needs the key, set outside_replicas_checked = true on this resource, apply, then destroy again. ")
		b.WriteString(checkedSummary(r))
		diags.AddError(summaryKeyMayBeInUse, b.String())
	case len(targets) > 0:
		diags.AddWarning("Key Deleted Past Replication Targets",
			fmt.Sprintf("Key %q was deleted: nothing %s used it, and outside_replicas_checked = true says that these bucket replication targets were checked and no longer need it:\n%s",
				r.Key, checkedWhere(r), targetLines(r, targets)))
	}
	return diags
}

// keyInUseSitesDetail is the detail of a refused deletion under site
// replication: what uses the key, site by site.
func keyInUseSitesDetail(r usage.SitesReport) string {
	using := r.Using()
	var b strings.Builder
	fmt.Fprintf(&b, "Key %q was not deleted: deleting it would make what is sealed under it unreadable for good. ", r.Key)
	names := make([]string, len(using))
	for i, s := range using {
		names[i] = s.Site.Name
	}
	which := "site " + names[0]
	if len(names) > 1 {
		which = "sites " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
	}
	fmt.Fprintf(&b, "It is in use on %s (%d of the %s of the site-replication group; each site holds and seals its own copies, and a keyrotate job "+
		"re-seals only the site it runs on).", which, len(using), plural(len(r.Sites), "site"))
	var versions, defaults, serverDefault bool
	for _, s := range using {
		fmt.Fprintf(&b, "\n\nOn %s, %s:\n%s", s.Site.Label(), usageWhat(s.Report), keyUsageLines(s.Report, 10))
		versions = versions || s.Versions > 0
		defaults = defaults || s.DefaultBuckets() > 0
		serverDefault = serverDefault || s.ServerDefault
	}
	var unused []string
	for _, s := range r.Sites {
		if !s.InUse() {
			unused = append(unused, s.Site.Label())
		}
	}
	if len(unused) > 0 {
		fmt.Fprintf(&b, "\n\nNothing on %s uses it.", strings.Join(unused, " or "))
	}
	b.WriteString("\n\nTo retire the key: " + retireSteps(versions, defaults, serverDefault, true) + ", then destroy again. ")
	b.WriteString(checkedSummary(r))
	return b.String()
}

// checkedWhere is "in this deployment", or "on the N sites of the
// site-replication group".
func checkedWhere(r usage.SitesReport) string {
	if !r.Replicated() {
		return "in this deployment"
	}
	return "on the " + plural(len(r.Sites), "site") + " of the site-replication group"
}

// checkedSummary says what the check listed, site by site.
func checkedSummary(r usage.SitesReport) string {
	if !r.Replicated() {
		s := r.Sites[0]
		return fmt.Sprintf("The check listed every version of the %s the credentials can list (%s).", plural(s.BucketsScanned, "bucket"), plural(s.VersionsSeen, "listing entry"))
	}
	parts := make([]string, len(r.Sites))
	for i, s := range r.Sites {
		parts[i] = fmt.Sprintf("%s on %s (%s)", plural(s.BucketsScanned, "bucket"), s.Site.Label(), plural(s.VersionsSeen, "listing entry"))
	}
	return "The check listed every version of every bucket the credentials can list on every site: " + strings.Join(parts, ", ") + "."
}

// targetsNoun is "N bucket replication target(s) outside the group", or
// without a group "N bucket replication target(s)".
func targetsNoun(r usage.SitesReport, n int) string {
	if r.Replicated() {
		return plural(n, "bucket replication target") + " outside the group"
	}
	return plural(n, "bucket replication target")
}

// outsideTargetsText says, in a clause starting in lower case, what the
// outside targets are and why they stop a deletion, with one line per
// target.
func outsideTargetsText(r usage.SitesReport, targets []usage.SiteTarget) string {
	where := "to other deployments (bucket replication targets)"
	if r.Replicated() {
		where = "to deployments outside the site-replication group"
	}
	return fmt.Sprintf("buckets are replicated %s. The replicas there are sealed by each target deployment's own KMS under the key's name, which no scan here can "+
		"see; where that KMS is this KES, deleting the key makes them unreadable for good. The %s:\n%s", where, targetsNoun(r, len(targets)), targetLines(r, targets))
}

// targetLines lists the targets one a line, with the sites replicating to
// each under site replication.
func targetLines(r usage.SitesReport, targets []usage.SiteTarget) string {
	lines := make([]string, len(targets))
	for i, t := range targets {
		lines[i] = "  - " + t.String()
		if r.Replicated() {
			lines[i] += ", from site " + strings.Join(t.Sites, " and site ")
		}
	}
	return strings.Join(lines, "\n")
}
