package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/conn"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/preflight"
)

// ModifyPlan replaces a job that failed or was canceled since the last
// apply: the rotation it stood for did not happen, so a new job must run.
// A plan that starts a job warns, before anything runs, when the
// deployment has no redundancy.
func (r *batchKeyrotateResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	if req.State.Raw.IsNull() {
		planJobYAML(ctx, req.Config, resp)
	}
	if !req.State.Raw.IsNull() {
		var state batchKeyrotateModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		switch status := batchjob.Status(state.Status.ValueString()); status {
		case batchjob.StatusFailed, batchjob.StatusCanceled:
			resp.RequiresReplace = append(resp.RequiresReplace, path.Root("status"))
			what := fmt.Sprintf("Job %s is %s on the server (%d objects rotated, %d failed, last object %q).",
				state.ID.ValueString(), status, state.ObjectsRotated.ValueInt64(), state.ObjectsFailed.ValueInt64(), state.LastObject.ValueString())
			if !hasJob(state.ID.ValueString()) {
				what = "The rotation's start was refused at apply; no job ran."
			}
			resp.Diagnostics.AddAttributeWarning(path.Root("status"), "Rotation Job Did Not Complete",
				what+" The plan replaces it with a new rotation, which re-seals only what is still pending.")
			resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("status"), types.StringUnknown())...)
		default:
			planDrift(ctx, state, resp)
		}
	}
	// A new rotation, or the new half of a replacement: Terraform plans
	// that half again with no prior state, so this runs once per plan.
	if r.clients != nil && req.State.Raw.IsNull() {
		resp.Diagnostics.Append(r.clients.redundancyWarning(ctx)...)
		var plan batchKeyrotateModel
		resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
		// Terraform plans the new half of a replacement again during
		// apply, after the old half was destroyed: an error here would
		// lose the history the old one handed on. Create checks all of
		// this again before any job starts, and keeps the history when
		// it refuses.
		spec, b := plan.spec(ctx)
		if !resp.Diagnostics.HasError() && !r.clients.histories.handedOn(spec) {
			if !b.unknown["encryption.key"] && !b.unknown["encryption"] && !b.unknown["encryption.type"] {
				r.checkTargetAtPlan(ctx, spec.Encryption, &resp.Diagnostics)
			}
			r.planSideEffects(ctx, spec, b, plan.DropExpires.ValueBool(), &resp.Diagnostics)
			if !plan.Bucket.IsUnknown() {
				r.warnOutsideReplicas(ctx, spec, &resp.Diagnostics)
			}
		}
	}
}

// redundancyWarning is said once per provider instance, that is once per
// plan and deployment however many rotations the plan starts.
func (c *clients) redundancyWarning(ctx context.Context) diag.Diagnostics {
	var diags diag.Diagnostics
	c.redundancyOnce.Do(func() {
		red, err := preflight.ReadRedundancy(ctx, c.admin)
		switch {
		case err != nil && conn.DeniedAction(err) != "":
			// Denied: apply works all the same, without this warning and
			// without live progress.
			f, _ := c.minio.Explain(err)
			diags.AddWarning(f.Summary, "The plan could not read the deployment's drive layout, so it cannot warn about a deployment without redundancy, "+
				"and a rotation cannot show its live progress (it follows the job's saved report, which MinIO updates every 10 seconds). "+f.Detail)
		case err != nil:
			if f, ok := c.minio.Explain(err); ok {
				// A plan only warns: the same failure stops apply before any job starts.
				diags.AddWarning(f.Summary, "The plan could not read the deployment (admin:ServerInfo); apply will fail the same way unless this is fixed. "+f.Detail)
				return
			}
			diags.AddWarning("Deployment Redundancy Unknown",
				"The provider could not read the deployment's drive layout (admin:ServerInfo), so it cannot warn about a deployment without redundancy.\n\n"+err.Error())
		case red.Unprotected():
			diags.AddWarning("Rotating On A Deployment Without Redundancy",
				fmt.Sprintf("This MinIO has %s. A crash during a rotation can destroy the object being rotated there "+
					"(MinIO rewrites object metadata in place and has no other copy to heal from). Back up or replicate the bucket before you apply.", red))
		}
	})
	return diags
}

// planJobYAML shows the job a create (or the create half of a replacement)
// will start, redacted, whenever the configuration is known: reviewers and
// policies read it in the plan. Apply encodes the same values the same way.
func planJobYAML(ctx context.Context, config tfsdk.Config, resp *resource.ModifyPlanResponse) {
	var m batchKeyrotateModel
	if config.Get(ctx, &m).HasError() {
		return
	}
	spec, b := m.spec(ctx)
	if b.diags.HasError() || len(b.unknown) > 0 {
		return // known after apply
	}
	shown, err := keyrotate.EncodeRedacted(spec)
	if err != nil {
		return // apply reports it
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("job_yaml"), string(shown))...)
}
