package usage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/sites"
)

// Under site replication every site holds and seals its own copy of each
// version, and a keyrotate job re-seals the site it runs on only (see
// package sites): a key is unused only when no site uses it. ScanSites
// runs Scan on every site of a group at once and keeps the reports apart,
// site by site, with the helpers that add them up.

// SiteAdmin is what ScanSites needs of a site's *madmin.AdminClient: its
// KMS default key, and its bucket replication targets.
type SiteAdmin interface {
	KMSStatusReader
	sites.TargetLister
}

// Site is one deployment ScanSites covers, with clients of its own.
type Site struct {
	sites.Site
	S3    Client
	Admin SiteAdmin
}

// SitesOptions tunes ScanSites. The zero value is usable.
type SitesOptions struct {
	// Samples is Options.Samples of every site's Scan.
	Samples int
	// Parallel bounds how many sites are scanned at once; 0 means
	// DefaultParallel.
	Parallel int
	// Concurrency is Options.Concurrency of every site's scan.
	Concurrency int
	// Progress, if set, is called as Options.Progress of the scan of site
	// i (its index in the sites given). Calls for different sites may be
	// concurrent; those for one site are not.
	Progress func(i int, p Progress)
}

// DefaultParallel is SitesOptions.Parallel when zero: a group rarely has
// more sites, and each scan is one sequential listing.
const DefaultParallel = 4

// What a site's check was doing when it failed, besides Scan's own steps
// (Error.Doing).
const (
	DoingDefaultKey = "asking MinIO which key is its KMS default key"
	DoingTargets    = "listing the bucket replication targets"
)

// SiteReport is what the check of one site found.
type SiteReport struct {
	Site sites.Site
	Report
	// Targets are the site's bucket replication targets outside the
	// group (sites.OutsideTargets over every bucket).
	Targets []sites.Target
	// Complete is set when every step of the site's check finished. A
	// site whose check was stopped because another site failed is
	// incomplete without an error of its own.
	Complete bool
}

// SitesReport is what ScanSites found, site by site in the order given:
// the provider's own deployment first.
type SitesReport struct {
	Key   string
	Sites []SiteReport
}

// Replicated reports whether the sites form a site-replication group
// (rather than one deployment in no group).
func (r SitesReport) Replicated() bool {
	return len(r.Sites) > 1 || (len(r.Sites) == 1 && r.Sites[0].Site.Name != "")
}

// Versions adds up the versions under the key of every site: each site's
// copy of a version is sealed, and lost, on its own.
func (r SitesReport) Versions() int64 {
	return sum(r.Sites, func(s SiteReport) int64 { return s.Versions })
}

// Bytes adds up the bytes of those versions.
func (r SitesReport) Bytes() int64 { return sum(r.Sites, func(s SiteReport) int64 { return s.Bytes }) }

// BucketsScanned adds up the buckets scanned on every site.
func (r SitesReport) BucketsScanned() int {
	return sum(r.Sites, func(s SiteReport) int { return s.BucketsScanned })
}

// VersionsSeen adds up the listing entries of every site.
func (r SitesReport) VersionsSeen() int64 {
	return sum(r.Sites, func(s SiteReport) int64 { return s.VersionsSeen })
}

// ServerDefault reports whether the key is the KMS default key of any site.
func (r SitesReport) ServerDefault() bool {
	return slices.ContainsFunc(r.Sites, func(s SiteReport) bool { return s.ServerDefault })
}

// InUse reports whether anything on any site depends on the key. The
// replicas at outside targets are not counted: no scan here sees them
// (see Targets).
func (r SitesReport) InUse() bool {
	return slices.ContainsFunc(r.Sites, func(s SiteReport) bool { return s.InUse() })
}

// Using lists the sites on which something depends on the key, in order.
func (r SitesReport) Using() []SiteReport {
	var out []SiteReport
	for _, s := range r.Sites {
		if s.InUse() {
			out = append(out, s)
		}
	}
	return out
}

// Buckets merges the buckets that depend on the key on any site by name:
// versions and bytes add up over the sites, a default naming the key on
// any site counts, samples come from the first site that has some.
func (r SitesReport) Buckets() []Bucket {
	var out []Bucket
	at := map[string]int{}
	for _, s := range r.Sites {
		for _, b := range s.Buckets {
			i, ok := at[b.Name]
			if !ok {
				at[b.Name] = len(out)
				b.Samples = slices.Clone(b.Samples)
				out = append(out, b)
				continue
			}
			m := &out[i]
			m.Versions += b.Versions
			m.Bytes += b.Bytes
			m.DefaultNamesKey = m.DefaultNamesKey || b.DefaultNamesKey
			if len(m.Samples) == 0 {
				m.Samples = slices.Clone(b.Samples)
			}
		}
	}
	slices.SortFunc(out, func(a, b Bucket) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// SiteTarget is a bucket replication target outside the group, with the
// sites that replicate to it.
type SiteTarget struct {
	sites.Target
	// Sites names the sites listing the target, in site order ("" for a
	// deployment in no group).
	Sites []string
}

// Targets lists the outside targets of every site, each once: a target
// is the same when it replicates the same bucket to the same bucket at
// the same endpoint, whatever ARN each site gave it (the ARN kept is the
// first site's). In order of the first site listing each, then as that
// site lists them.
func (r SitesReport) Targets() []SiteTarget {
	type id struct{ bucket, endpoint, target string }
	var out []SiteTarget
	at := map[id]int{}
	for _, s := range r.Sites {
		for _, t := range s.Targets {
			k := id{t.Bucket, t.Endpoint, t.TargetBucket}
			i, ok := at[k]
			if !ok {
				at[k] = len(out)
				out = append(out, SiteTarget{Target: t, Sites: []string{s.Site.Name}})
				continue
			}
			if !slices.Contains(out[i].Sites, s.Site.Name) {
				out[i].Sites = append(out[i].Sites, s.Site.Name)
			}
		}
	}
	return out
}

func sum[N int | int64](ss []SiteReport, f func(SiteReport) N) N {
	var n N
	for _, s := range ss {
		n += f(s)
	}
	return n
}

// SiteError is the check of one site that did not finish. Err is an
// *Error: Scan's own, or one whose Doing is DoingDefaultKey or
// DoingTargets.
type SiteError struct {
	Site sites.Site
	Err  error
}

func (e *SiteError) Error() string {
	if e.Site.Name == "" {
		return e.Err.Error()
	}
	return fmt.Sprintf("site %s: %v", e.Site.Name, e.Err)
}

func (e *SiteError) Unwrap() error { return e.Err }

// SiteErrors lists the *SiteError of an error ScanSites returned, in site
// order.
func SiteErrors(err error) []*SiteError {
	var out []*SiteError
	var walk func(error)
	walk = func(err error) {
		var se *SiteError
		switch j := err.(type) { //nolint:errorlint // walks the tree of joined errors itself
		case nil:
		case interface{ Unwrap() []error }:
			for _, e := range j.Unwrap() {
				walk(e)
			}
		default:
			if errors.As(err, &se) {
				out = append(out, se)
			}
		}
	}
	walk(err)
	return out
}

// errOtherSite ends the checks still running when one site's check failed.
var errOtherSite = errors.New("the check of another site failed")

// ScanSites checks every site of group for key, at most
// SitesOptions.Parallel at once: it asks the site for its KMS default key
// (ServerDefaultKey), lists its bucket replication targets outside the
// group (sites.OutsideTargets over every bucket) and runs Scan. The
// reports are in the order of group, complete or not.
//
// A site whose check fails stops the checks of the others, since the
// answer can no longer be "unused"; the error joins one *SiteError per
// site that failed on its own (SiteErrors lists them). A site stopped by
// another's failure has no error and an incomplete report. ctx bounds
// every site's check.
func ScanSites(ctx context.Context, group []Site, key string, o SitesOptions) (SitesReport, error) {
	r := SitesReport{Key: key, Sites: make([]SiteReport, len(group))}
	g := sites.Group{Replicated: len(group) > 1 || (len(group) == 1 && group[0].Name != "")}
	for i, s := range group {
		g.Sites = append(g.Sites, s.Site)
		r.Sites[i] = SiteReport{Site: s.Site, Report: Report{Key: key}}
	}
	parallel := o.Parallel
	if parallel <= 0 {
		parallel = DefaultParallel
	}
	sctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	errs := make([]error, len(group))
	slots := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, s := range group {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case slots <- struct{}{}: // a free slot first, even if stopped meanwhile
			default:
				select {
				case slots <- struct{}{}:
				case <-sctx.Done():
					errs[i] = &Error{Doing: "waiting for the checks of other sites to make room", Err: sctx.Err()}
					return
				}
			}
			defer func() { <-slots }()
			var progress func(Progress)
			if o.Progress != nil {
				progress = func(p Progress) { o.Progress(i, p) }
			}
			r.Sites[i], errs[i] = checkSite(sctx, g, s, key, Options{Samples: o.Samples, Progress: progress, Concurrency: o.Concurrency})
			if errs[i] != nil {
				stop(errOtherSite)
			}
		}()
	}
	wg.Wait()
	var failed []error
	for i, err := range errs {
		if err == nil {
			continue
		}
		// Stopped because another site failed: not a failure of its own.
		if ctx.Err() == nil && errors.Is(context.Cause(sctx), errOtherSite) && errors.Is(err, context.Canceled) {
			continue
		}
		failed = append(failed, &SiteError{Site: group[i].Site, Err: err})
	}
	if len(failed) == 0 && sctx.Err() != nil && ctx.Err() == nil {
		// Every failing site was taken for a stopped one; cannot happen,
		// but never report a stopped check as a finished one.
		failed = append(failed, &SiteError{Err: &Error{Doing: "checking every site", Err: context.Cause(sctx)}})
	}
	return r, errors.Join(failed...)
}

// checkSite is one site's part of ScanSites.
func checkSite(ctx context.Context, g sites.Group, s Site, key string, o Options) (SiteReport, error) {
	rep := SiteReport{Site: s.Site, Report: Report{Key: key}}
	def, err := ServerDefaultKey(ctx, s.Admin)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return rep, &Error{Doing: DoingDefaultKey, Err: inner(err)}
	}
	rep.Targets, err = sites.OutsideTargets(ctx, s.Admin, g, "")
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return rep, &Error{Doing: DoingTargets, Err: inner(err)}
	}
	o.ServerDefaultKey = def
	rep.Report, err = Scan(ctx, s.S3, key, o)
	rep.Complete = err == nil
	return rep, err
}

// inner is err without the wrapping that says what was being done (Doing
// says it).
func inner(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}
