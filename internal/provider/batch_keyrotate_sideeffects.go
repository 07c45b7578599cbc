package provider

import (
	"context"
	"fmt"
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
// configuration unknown at the first plan is checked then.

// expiresHeadWorkers bounds the HEAD requests that count Expires headers.
const expiresHeadWorkers = 8

// planSideEffects checks a new rotation whose scope is known: an error when
// it would drop Expires headers (unless drop_expires), a warning with the
// counts when lifecycle rules age the versions it rewrites.
func (r *rotator) planSideEffects(ctx context.Context, spec keyrotate.Spec, b *specBuilder, dropExpires bool, diags *diag.Diagnostics) {
	if b.diags.HasError() || len(b.unknown) > 0 || spec.Bucket == "" {
		return
	}
	// A bucket created in the same apply cannot be looked at yet; apply
	// reports a missing one.
	if exists, err := r.clients.s3.BucketExists(ctx, spec.Bucket); err != nil || !exists {
		return
	}
	scope := scan.ScopeOf(spec)
	where := spec.Bucket + "/" + spec.Prefix
	if !dropExpires {
		began := time.Now()
		n, err := scan.CountExpires(ctx, r.clients.s3, scope, began, expiresHeadWorkers)
		tflog.Info(ctx, "counted Expires headers in the rotation's scope", map[string]any{"where": where, "versions": n, "seconds": time.Since(began).Seconds()})
		switch {
		case err != nil && r.clients.explain(err, fmt.Sprintf("drop_expires: the provider reads every version's headers under %s before a rotation, "+
			"because the rotation drops their Expires header, and a request failed; set drop_expires = true to skip it.", where), diags):
		case err != nil:
			diags.AddAttributeError(path.Root("drop_expires"), "Cannot Count Expires Headers",
				fmt.Sprintf("drop_expires: the provider reads every version's headers under %s before a rotation, because the rotation drops their Expires header, "+
					"and a request failed. Check that the credentials may read objects (s3:GetObject), or set drop_expires = true.\n\n%v", where, err))
		case n > 0:
			diags.AddAttributeError(path.Root("drop_expires"), "Rotation Would Drop Expires Headers",
				fmt.Sprintf("drop_expires: %d object versions under %s that this rotation re-seals have an Expires header. MinIO's rotation removes it from every version "+
					"it re-seals, and the provider cannot put it back without writing new versions. Nothing was started. Set drop_expires = true to rotate them anyway, "+
					"or narrow prefix or filter to leave them out.", n, where))
		}
	}
	rules, err := scan.LifecycleRules(ctx, r.clients.s3, spec.Bucket, spec.Prefix)
	if err != nil {
		r.clients.warn(err, "Lifecycle Rules Not Checked", fmt.Sprintf("The plan could not read the lifecycle configuration of bucket %q, "+
			"so it cannot say whether this rotation restarts the clocks of lifecycle rules (it sets Last-Modified of every version it re-seals).", spec.Bucket), diags)
		return
	}
	if rules == 0 {
		return
	}
	res, err := scan.Scan(ctx, r.clients.s3, scope, scan.Options{})
	if err != nil {
		r.clients.warn(err, "Lifecycle Clocks Not Counted", fmt.Sprintf("%d lifecycle rules of bucket %q count days since a version was last modified, "+
			"and the rotation restarts those clocks, but the plan could not count the versions it re-seals under %s.", rules, spec.Bucket, where), diags)
		return
	}
	diags.AddWarning("Rotation Restarts Lifecycle Clocks",
		fmt.Sprintf("%d lifecycle rules of bucket %q count days since a version was last modified, and apply to this rotation's scope. "+
			"The rotation sets Last-Modified of each of the %d versions it re-seals to the rotation time, so they expire or transition later than the rules say "+
			"(and age filters of later rotations see the new dates). This cannot be put back.", rules, spec.Bucket, res.Rewritten().Versions))
}
