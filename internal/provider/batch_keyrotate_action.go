package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/action/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

var (
	_ action.ActionWithConfigure      = (*batchKeyrotateAction)(nil)
	_ action.ActionWithValidateConfig = (*batchKeyrotateAction)(nil)
	_ action.ActionWithModifyPlan     = (*batchKeyrotateAction)(nil)
)

// batchKeyrotateAction is the rotation as an operation: each invocation
// runs one rotation to its end, through the same rotator as the resource.
type batchKeyrotateAction struct {
	rotator
}

// NewBatchKeyrotateAction is the minio_batch_keyrotate action.
func NewBatchKeyrotateAction() action.Action { return &batchKeyrotateAction{} }

type batchKeyrotateActionModel struct {
	jobArgs
	runArgs
	ReportTo types.Object   `tfsdk:"report_to"`
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

type reportToModel struct {
	Bucket types.String `tfsdk:"bucket"`
	Prefix types.String `tfsdk:"prefix"`
}

func (a *batchKeyrotateAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_batch_keyrotate"
}

func (a *batchKeyrotateAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (a *batchKeyrotateAction) Schema(ctx context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	str := func(doc string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: doc}
	}
	boolean := func(doc string) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, MarkdownDescription: doc}
	}
	kv := func(what, keyDoc, valueDoc string) schema.ListNestedBlock {
		return schema.ListNestedBlock{MarkdownDescription: what, NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
			"key":   schema.StringAttribute{Required: true, MarkdownDescription: keyDoc},
			"value": schema.StringAttribute{Required: true, MarkdownDescription: valueDoc},
		}}}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Runs one MinIO batch `keyrotate` job each time it is invoked, by hand (`terraform apply -invoke`) or from another resource's " +
			"`action_trigger`: every matching object under `bucket`/`prefix` is re-sealed under the target key, and what the job changes besides the key " +
			"(tags, deleted objects) is put back. " +
			"Same arguments and code path as the `minio_batch_keyrotate` resource, without state: use the resource for drift in `terraform plan` and for OpenTofu. " +
			"Needs Terraform 1.14 or later.",
		Attributes: map[string]schema.Attribute{
			"bucket":        schema.StringAttribute{Required: true, MarkdownDescription: docBucket},
			"prefix":        str(docPrefix),
			"stall_timeout": schema.StringAttribute{Optional: true, Validators: []validator.String{durationValidator{}}, MarkdownDescription: docStallTimeout},
			"verify": boolean("After the job, list every version in scope (one listing, no request per object) and fail the invocation when any data version " +
				"is not under the target key. Default `true`."),
			"preserve_tags":    boolean(docPreserveTags),
			"preserve_deleted": boolean(docPreserveDeleted),
			"drop_expires":     boolean(docDropExpires),
		},
		Blocks: map[string]schema.Block{
			"encryption": schema.SingleNestedBlock{
				MarkdownDescription: docEncryption,
				Attributes: map[string]schema.Attribute{
					"type":    str(docEncryptionType),
					"key":     str(docEncryptionKey),
					"context": schema.MapAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: docEncryptionContext},
				},
			},
			"filter": schema.SingleNestedBlock{
				MarkdownDescription: docFilter,
				Attributes: map[string]schema.Attribute{
					"newer_than":     str(docNewerThan),
					"older_than":     str(docOlderThan),
					"created_after":  str(docCreatedAfter),
					"created_before": str(docCreatedBefore),
					"kms_key":        str(docFilterKMSKey),
				},
				Blocks: map[string]schema.Block{
					"tag":      kv(docTag, docTagKey, docPattern),
					"metadata": kv(docMetadata, docMetadataKey, docPattern),
				},
			},
			"notify": schema.SingleNestedBlock{
				MarkdownDescription: docNotify,
				Attributes: map[string]schema.Attribute{
					"endpoint": str(docNotifyEndpoint),
					"token_wo": schema.StringAttribute{Optional: true, WriteOnly: true,
						MarkdownDescription: "Sent as the `Authorization` header, e.g. `Bearer ...`. Write-only: an action's arguments are shown in plans " +
							"and cannot be marked sensitive, so the token is taken only this way. Pass it from an `ephemeral` variable."},
				},
			},
			"retry": schema.SingleNestedBlock{
				MarkdownDescription: docRetry,
				Attributes: map[string]schema.Attribute{
					"attempts": schema.Int64Attribute{Optional: true, MarkdownDescription: docRetryAttempts},
					"delay":    str(docRetryDelay),
				},
			},
			"report_to": schema.SingleNestedBlock{
				MarkdownDescription: "Where the invocation writes its report, the evidence of the rotation that a resource keeps in its `report` attribute " +
					"(same JSON document, `via` = `action`): one object `<prefix><job ID>.json` in `bucket`, written after every invocation that started a job, " +
					"whether the job completed or not. An invocation whose report cannot be written fails. A bucket with object locking and a default retention " +
					"keeps the reports unalterable.",
				Attributes: map[string]schema.Attribute{
					"bucket": str("Bucket the report goes to. Required in the block."),
					"prefix": str("Prefix of the report's object name, e.g. `keyrotate/payroll/`."),
				},
			},
			"timeouts": timeouts.Block(ctx),
		},
	}
}

// ValidateConfig checks the job as the resource does, at validate and plan
// time, before anything runs.
func (a *batchKeyrotateAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var m batchKeyrotateActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	spec, b := m.spec(ctx)
	b.checkJob(spec, m.jobArgs)
	resp.Diagnostics.Append(b.diags...)
	resp.Diagnostics.Append(checkReportTo(ctx, m.ReportTo)...)
}

// checkReportTo requires a bucket in a report_to block.
func checkReportTo(ctx context.Context, o types.Object) diag.Diagnostics {
	var diags diag.Diagnostics
	if o.IsNull() || o.IsUnknown() {
		return diags
	}
	var r reportToModel
	if diags.Append(o.As(ctx, &r, basetypes.ObjectAsOptions{})...); diags.HasError() {
		return diags
	}
	if r.Bucket.IsNull() || (!r.Bucket.IsUnknown() && r.Bucket.ValueString() == "") {
		diags.AddAttributeError(path.Root("report_to").AtName("bucket"), "Missing Report Bucket",
			"report_to.bucket: the report_to block needs the bucket the invocation's report is written to. Name an existing bucket, or remove the block.")
	}
	return diags
}

// ModifyPlan says at plan time what the resource's plan says: a deployment
// without redundancy, Expires headers the job would drop, lifecycle clocks
// it restarts.
func (a *batchKeyrotateAction) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	if a.clients == nil {
		return
	}
	var m batchKeyrotateActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(a.clients.redundancyWarning(ctx)...)
	spec, b := m.spec(ctx)
	a.planSideEffects(ctx, spec, b, m.DropExpires.ValueBool(), &resp.Diagnostics)
}

func (a *batchKeyrotateAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var m batchKeyrotateActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !configured(a.clients, &resp.Diagnostics) {
		return
	}
	timeout, d := m.Timeouts.Invoke(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// Values unknown at plan are known now: check everything again.
	spec, b := m.spec(ctx)
	b.checkJob(spec, m.jobArgs)
	if resp.Diagnostics.Append(b.diags...); resp.Diagnostics.HasError() {
		return
	}
	if resp.Diagnostics.Append(checkReportTo(ctx, m.ReportTo)...); resp.Diagnostics.HasError() {
		return
	}
	opts := m.options()
	opts.via = "action"
	opts.cancelUnfinished = true
	opts.keptSays = "An action keeps no state, so no later run can finish this: the counts above say what is left."
	opts.show = func(msg string) { resp.SendProgress(action.InvokeProgressEvent{Message: msg}) }
	res, started := a.rotate(ctx, spec, opts, &resp.Diagnostics)
	if !started {
		return
	}
	a.writeReport(ctx, m.ReportTo, res, opts, &resp.Diagnostics)
	if res.err != nil {
		resp.Diagnostics.AddError("Rotation Job Did Not Complete", actionErrorDetail(res, a.clients.deniedNote(res.err)))
		return
	}
	if res.verified != nil && res.verified.Pending(spec.Encryption).Versions > 0 {
		resp.Diagnostics.AddError(pendingError(spec, res.verified, "Invoke the action again to rotate them."))
		return
	}
	opts.say(ctx, actionSummary(spec, res))
}

// actionSummary is the last line an invocation shows.
func actionSummary(spec keyrotate.Spec, res rotationResult) string {
	if res.nothingPending != "" {
		return "no job started, nothing pending: " + res.nothingPending
	}
	parts := []string{fmt.Sprintf("rotated %s to %s with job %s", count(res.out.Progress.Objects, "object"), targetName(spec.Encryption), res.out.JobID)}
	if res.restored != nil {
		parts = append(parts, fmt.Sprintf("put back %s and %s", count(res.restored.TagsRestored, "tag set"), count(res.restored.MarkersPut, "delete marker")))
	}
	if v := res.verified; v != nil {
		parts = append(parts, fmt.Sprintf("verified: %s in scope, 0 pending, %d unencrypted", count(v.Rewritten().Versions, "data version"), v.Unencrypted.Versions))
	}
	return strings.Join(parts, "; ")
}

// actionErrorDetail says what an invocation whose job did not complete
// did and left, with the counts.
func actionErrorDetail(res rotationResult, denied string) string {
	what := jobSummary(res.out)
	if r := res.restored; r != nil && r.TagsRestored+r.MarkersPut > 0 {
		what += fmt.Sprintf(" What it changed besides the key was put back: %s.", r)
	}
	switch {
	case res.canceled && errors.Is(res.err, context.DeadlineExceeded):
		what += " The invocation's timeout ran out while the job was running, so the job was canceled. Raise timeouts.invoke for large buckets, and invoke again: rotation is idempotent."
	case res.canceled:
		what += " Terraform was interrupted while the job was running, so the job was canceled. Invoke again to finish: rotation is idempotent."
	case res.out.Progress.Status == batchjob.StatusRunning:
		what += fmt.Sprintf(" The job may still be running on the server: see `mc batch status ALIAS %s`.", res.out.JobID)
	default:
		what += " Objects that were not rotated are still readable under their old key. Check the MinIO server log for the failed objects, " +
			"fix the cause (often a key MinIO cannot use, or SSE-KMS objects sent to sse-s3), then invoke again."
	}
	return what + denied + "\n\n" + res.err.Error()
}
