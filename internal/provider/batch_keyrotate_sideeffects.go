package provider

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// MinIO's job re-seals each version with a copy that also drops its
// Expires header and sets its Last-Modified to the rotation time
// (internal/serverfacts). Neither can be put back without writing new
// versions, so a plan that starts a job says so before anything runs.
// ModifyPlan runs again when apply plans, with every value known, so a
// configuration unknown at the first plan is checked then. The plan reads
// the headers of a bounded sample; apply reads every version's before any
// job starts (expiresBeforeJob), once.

// expiresHeadWorkers bounds the HEAD requests that read Expires headers.
const expiresHeadWorkers = 8

// expiresSampleSize is how many versions a plan reads the headers of, at
// most: with the bucket check and the lifecycle configuration, a plan
// makes one listing pass and at most 100 other object requests, whatever
// the scope's size. Apply reads them all (expiresBeforeJob).
const expiresSampleSize = 96

// planSideEffects checks a new rotation whose scope is known, in one
// listing pass: an error when it would drop Expires headers (unless
// drop_expires), found in a random sample of the versions it rewrites; a
// warning with the counts when lifecycle rules age the versions it
// rewrites.
func (r *rotator) planSideEffects(ctx context.Context, spec keyrotate.Spec, b *specBuilder, dropExpires bool, diags *diag.Diagnostics) {
	if b.diags.HasError() || len(b.unknown) > 0 || spec.Bucket == "" {
		return
	}
	// A bucket created in the same apply cannot be looked at yet; apply
	// reports a missing one.
	if exists, err := r.clients.s3.BucketExists(ctx, spec.Bucket); err != nil || !exists {
		return
	}
	where := spec.Bucket + "/" + spec.Prefix
	rules, rulesErr := scan.LifecycleRules(ctx, r.clients.s3, spec.Bucket, spec.Prefix)
	if rulesErr != nil {
		r.clients.warn(rulesErr, "Lifecycle Rules Not Checked", fmt.Sprintf("The plan could not read the lifecycle configuration of bucket %q, "+
			"so it cannot say whether this rotation restarts the clocks of lifecycle rules (it sets Last-Modified of every version it re-seals).", spec.Bucket), diags)
	}
	if dropExpires && rules == 0 {
		return
	}
	n := expiresSampleSize
	if dropExpires {
		n = 0
	}
	began := time.Now()
	sample, err := scan.SampleExpires(ctx, r.clients.s3, scan.ScopeOf(spec), scan.Options{}, n, rand.New(rand.NewPCG(uint64(began.UnixNano()), 0)))
	if err != nil {
		if dropExpires {
			r.clients.warn(err, "Lifecycle Clocks Not Counted", fmt.Sprintf("%d lifecycle rules of bucket %q count days since a version was last modified, "+
				"and the rotation restarts those clocks, but the plan could not count the versions it re-seals under %s.", rules, spec.Bucket, where), diags)
		} else if !r.clients.explain(err, fmt.Sprintf("drop_expires: the plan reads the headers of a sample of the versions under %s, "+
			"because the rotation drops their Expires header, and a request failed; set drop_expires = true to skip it.", where), diags) {
			diags.AddAttributeError(path.Root("drop_expires"), "Cannot Check Expires Headers",
				fmt.Sprintf("drop_expires: the plan reads the headers of a sample of the versions under %s, because the rotation drops their Expires header, "+
					"and a request failed. Check that the credentials may read objects (s3:GetObject), or set drop_expires = true.\n\n%v", where, err))
		}
		return
	}
	rewritten := sample.Result.Rewritten().Versions
	tflog.Info(ctx, "sampled Expires headers in the rotation's scope", map[string]any{"where": where, "rewritten": rewritten,
		"checked": sample.Checked, "with_expires": sample.WithExpires, "seconds": time.Since(began).Seconds()})
	if sample.WithExpires > 0 {
		diags.AddAttributeError(path.Root("drop_expires"), "Rotation Would Drop Expires Headers",
			fmt.Sprintf("drop_expires: %s. MinIO's rotation removes the Expires header from every version it re-seals, and the provider cannot put it back "+
				"without writing new versions. Nothing was started. Set drop_expires = true to rotate them anyway, or narrow prefix or filter to leave them out.",
				expiresFound(sample, where)))
	}
	if rules > 0 {
		diags.AddWarning("Rotation Restarts Lifecycle Clocks",
			fmt.Sprintf("%d lifecycle rules of bucket %q count days since a version was last modified, and apply to this rotation's scope. "+
				"The rotation sets Last-Modified of each of the %d versions it re-seals to the rotation time, so they expire or transition later than the rules say "+
				"(and age filters of later rotations see the new dates). This cannot be put back.", rules, spec.Bucket, rewritten))
	}
}

// expiresBeforeJob refuses, before any job starts, a rotation that would
// drop Expires headers: n versions carry one, or err says why they could
// not all be read.
func (r *rotator) expiresBeforeJob(spec keyrotate.Spec, n int64, err error, diags *diag.Diagnostics) {
	where := spec.Bucket + "/" + spec.Prefix
	switch {
	case err != nil && r.clients.explain(err, fmt.Sprintf("No job was started. drop_expires: before a rotation the provider reads the headers of every version under %s "+
		"that it re-seals, because the rotation drops their Expires header, and a request failed; set drop_expires = true to skip it.", where), diags):
	case err != nil:
		diags.AddAttributeError(path.Root("drop_expires"), "Cannot Check Expires Headers",
			fmt.Sprintf("drop_expires: before a rotation the provider reads the headers of every version under %s that it re-seals, because the rotation drops their "+
				"Expires header, and a request failed. No job was started. Check that the credentials may read objects (s3:GetObject), or set drop_expires = true.\n\n%v", where, err))
	case n > 0:
		verb := "have"
		if n == 1 {
			verb = "has"
		}
		diags.AddAttributeError(path.Root("drop_expires"), "Rotation Would Drop Expires Headers",
			fmt.Sprintf("drop_expires: %s under %s that this rotation re-seals %s an Expires header. MinIO's rotation removes it from every version "+
				"it re-seals, and the provider cannot put it back without writing new versions. No job was started. Set drop_expires = true to rotate them anyway, "+
				"or narrow prefix or filter to leave them out.", count(n, "object version"), where, verb))
	}
}

// expiresFound says how many versions with an Expires header a sample
// found, and of how many.
func expiresFound(s scan.ExpiresSample, where string) string {
	if s.Exact() {
		return fmt.Sprintf("%d of the %d object versions under %s that this rotation re-seals have an Expires header", s.WithExpires, s.Checked, where)
	}
	return fmt.Sprintf("%d of %d object versions read at random among the %d under %s that this rotation re-seals have an Expires header "+
		"(apply reads every one of them before any job starts)", s.WithExpires, s.Checked, s.Result.Rewritten().Versions, where)
}
