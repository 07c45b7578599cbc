package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

var (
	_ resource.ResourceWithImportState    = (*batchKeyrotateResource)(nil)
	_ resource.ResourceWithValidateConfig = (*batchKeyrotateResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*batchKeyrotateResource)(nil)
	_ resource.ResourceWithConfigure      = (*batchKeyrotateResource)(nil)
	_ resource.ResourceWithIdentity       = (*batchKeyrotateResource)(nil)
)

type batchKeyrotateResource struct {
	rotator
}

func (r *batchKeyrotateResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = singleIdentitySchema(identityJobID, "The keyrotate job's ID on the server, as `mc batch list` shows it (the provider's own site's under site replication).")
}

// NewBatchKeyrotateResource is the minio_batch_keyrotate resource.
func NewBatchKeyrotateResource() resource.Resource { return &batchKeyrotateResource{} }

const (
	defaultCreateTimeout = 60 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
	defaultJobAttempts   = 3
)

func (r *batchKeyrotateResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_batch_keyrotate"
}

func (r *batchKeyrotateResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig runs the job spec's own validation at validate and plan
// time, so a bad argument is reported on its attribute before anything is
// started.
func (r *batchKeyrotateResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m batchKeyrotateModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(m.validate(ctx)...)
}

func (r *batchKeyrotateResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan batchKeyrotateModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !configured(r.clients, &resp.Diagnostics) {
		return
	}
	// The history a replaced rotation handed on is taken first: whatever
	// fails below keeps it in a tainted record (keepHistory).
	spec, _ := plan.spec(ctx)
	history := r.clients.histories.take(spec)
	plan.History = historyValue(history)
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	// Values unknown at plan are known now: validate everything again.
	resp.Diagnostics.Append(plan.validate(ctx)...)
	if resp.Diagnostics.HasError() {
		r.keepHistory(ctx, &plan, spec, history, resp)
		return
	}
	var config batchKeyrotateModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if wo := notifyOf(ctx, config.Notify).TokenWO; !wo.IsNull() {
		spec.Notify.Token = wo.ValueString() // write-only: only the configuration holds it
	}
	shown, err := keyrotate.EncodeRedacted(spec)
	if err != nil {
		resp.Diagnostics.AddError("Cannot Encode Rotation Job", "The job definition could not be encoded; this is a bug in the provider.\n\n"+err.Error())
		r.keepHistory(ctx, &plan, spec, history, resp)
		return
	}
	plan.JobYAML = types.StringValue(string(shown))

	opts := plan.options()
	opts.wait = plan.WaitForCompletion.ValueBool()
	opts.keptSays = "The resource is tainted; the next apply puts back the rest before it starts a new rotation."
	opts.via = "resource"
	if len(history) > 0 {
		opts.predecessor = history[len(history)-1]
	}
	res, started := r.rotate(ctx, spec, opts, &resp.Diagnostics)
	if !started {
		r.keepHistory(ctx, &plan, spec, history, resp)
		return
	}
	r.record(ctx, &plan, spec, res, resp)
}

// keepHistory records a rotation that started no job, when it replaces
// one whose history must survive the failure: the tainted record (ID
// no-job-..., status failed) holds it, and its replacement, which
// destroys it first, is handed it again. Without a history there is
// nothing to keep, and no state.
func (r *batchKeyrotateResource) keepHistory(ctx context.Context, plan *batchKeyrotateModel, spec keyrotate.Spec, history []string, resp *resource.CreateResponse) {
	if len(history) == 0 {
		return
	}
	if plan.JobYAML.IsUnknown() {
		plan.JobYAML = types.StringNull()
	}
	r.record(ctx, plan, spec, rotationResult{began: time.Now()}, resp)
}

// record puts a rotation into state: its job's ID, so that nothing is
// orphaned, its counts and report; a result without a job (res.out
// empty, nothing pending aside) is a start that failed. An error leaves
// the resource tainted.
func (r *batchKeyrotateResource) record(ctx context.Context, plan *batchKeyrotateModel, spec keyrotate.Spec, res rotationResult, resp *resource.CreateResponse) {
	started := res.out.JobID != "" || res.nothingPending != ""
	out := res.out
	switch {
	case res.nothingPending != "":
		plan.ID = types.StringValue(noJobID(res.began))
	case !started:
		plan.ID = types.StringValue(notStartedID(res.began))
	default:
		plan.ID = types.StringValue(out.JobID)
	}
	plan.Attempts = types.Int64Value(int64(out.Attempts))
	plan.setProgress(out.Progress)
	plan.User = types.StringValue(res.user)
	plan.TagsRestored, plan.DeleteMarkersRestored, plan.RestorationPending = types.Int64Null(), types.Int64Null(), types.StringNull()
	if res.restored != nil {
		plan.TagsRestored = types.Int64Value(res.restored.TagsRestored)
		plan.DeleteMarkersRestored = types.Int64Value(res.restored.MarkersPut)
	}
	if res.pending != "" {
		plan.RestorationPending = types.StringValue(res.pending)
	}
	plan.setVerified(res.verified, res.verifiedAt, spec)
	plan.ResealSince = types.StringNull()
	if !res.resealSince.IsZero() {
		plan.ResealSince = types.StringValue(res.resealSince.UTC().Format(time.RFC3339Nano))
	}
	resp.Diagnostics.Append(plan.setSites(ctx, siteStatesOf(res, spec))...)
	if res.sites != nil && !plan.VersionsPending.IsNull() {
		plan.PendingSince = pendingSinceValue(earliest(oldestPendingOf(res, spec)))
	}
	plan.Report = types.StringValue(res.report)
	if !started {
		plan.Status, plan.Report = types.StringValue(string(batchjob.StatusFailed)), types.StringNull()
	}
	resp.Diagnostics.Append(writeVerifyMemo(ctx, resp.Private, res.memo)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
	setIdentity(ctx, resp.Identity, identityJobID, plan.ID.ValueString(), &resp.Diagnostics)
	if res.err != nil {
		resp.Diagnostics.AddError("Rotation Job Did Not Complete", doneWhere(res)+runErrorDetail(out, res.err, r.clients.deniedNote(res.err)))
		return
	}
	for _, run := range sitesOf(res) {
		if v := run.res.verified; v != nil && v.Pending(spec.Encryption).Versions > 0 {
			summary, detail := pendingError(spec, v, "Apply again to rotate them (the resource is tainted).")
			resp.Diagnostics.Append(siteDiagnosticIn(run.site.Name, diag.NewErrorDiagnostic(summary, detail)))
		}
	}
}

// jobChain lists every job of a run, oldest first.
func jobChain(out batchjob.Outcome) string {
	ids := make([]string, 0, len(out.Replaced)+1)
	for _, rep := range out.Replaced {
		ids = append(ids, rep.JobID)
	}
	return strings.Join(append(ids, out.JobID), " -> ")
}

func runErrorDetail(out batchjob.Outcome, err error, denied string) string {
	what := jobSummary(out)
	switch {
	case denied != "":
		return what + " The provider could not follow the job to its end:" + denied +
			" The job may still be running on the server: see `mc batch status ALIAS " + out.JobID + "`.\n\n" + err.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return what + " The create timeout ran out while the job was still running; it keeps running on the server. " +
			"The resource is tainted: the next apply cancels it and starts a new job. To keep the running job instead, " +
			"run `terraform untaint` on this resource and let refreshes follow it. Raise timeouts.create for large buckets.\n\n" + err.Error()
	case errors.Is(err, context.Canceled):
		return what + " Terraform was interrupted; the job keeps running on the server and its ID is saved. " +
			"The next apply replaces it, or `terraform untaint` keeps it.\n\n" + err.Error()
	}
	return what + " Objects that were not rotated are still readable under their old key. Check the MinIO server log for the failed objects, " +
		"fix the cause (often a key MinIO cannot use, or SSE-KMS objects sent to sse-s3), then apply again to start a new job.\n\n" + err.Error()
}

func (r *batchKeyrotateResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state batchKeyrotateModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !configured(r.clients, &resp.Diagnostics) {
		return
	}
	if state.History.IsNull() {
		state.History = emptyHistory() // a state written before histories were kept
	}
	if sites, _ := state.siteStates(ctx); len(sites) > 0 {
		// Every site's job, this resource's own among them.
		r.readSites(ctx, &state, &resp.Diagnostics)
	} else if r.readJob(ctx, &state, &resp.Diagnostics) {
		memo := r.verify(ctx, &state, readVerifyMemo(ctx, req.Private), &resp.Diagnostics)
		resp.Diagnostics.Append(writeVerifyMemo(ctx, resp.Private, memo)...)
	}
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
		setIdentity(ctx, resp.Identity, identityJobID, state.ID.ValueString(), &resp.Diagnostics)
	}
}

// readJob reads the resource's job into m; false (with an error) when it
// could not be read. A job MinIO purged keeps its last known state.
func (r *batchKeyrotateResource) readJob(ctx context.Context, m *batchKeyrotateModel, diags *diag.Diagnostics) bool {
	if !hasJob(m.ID.ValueString()) {
		return true // nothing was pending: there is no job to read
	}
	p, err := batchjob.Fetch(ctx, r.clients.admin, m.ID.ValueString())
	switch {
	case batchjob.IsNoSuchJob(err):
		// MinIO purges finished jobs about 3 days after they end. The
		// rotation happened; keeping the last known state avoids a
		// surprise re-rotation every few days.
		tflog.Info(ctx, "batch job no longer on the server (purged); keeping its last known state", map[string]any{"job_id": m.ID.ValueString()})
	case err != nil:
		diags.AddError("Cannot Read Rotation Job",
			fmt.Sprintf("Reading the status of job %s failed.%s Check that MinIO is reachable and the credentials may read batch jobs (admin:ListBatchJobs, admin:DescribeBatchJob).\n\n%v",
				m.ID.ValueString(), r.clients.deniedNote(err), err))
		return false
	default:
		m.setProgress(p)
	}
	return true
}

// Update only changes arguments that are not part of the job
// (wait_for_completion, stall_timeout, verify, timeouts, a change of
// spelling): nothing to do on the server but to count the versions again.
func (r *batchKeyrotateResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan batchKeyrotateModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !configured(r.clients, &resp.Diagnostics) {
		return
	}
	var state batchKeyrotateModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	plan.Sites = state.Sites
	if sites, _ := plan.siteStates(ctx); len(sites) > 0 {
		r.readSites(ctx, &plan, &resp.Diagnostics)
	} else {
		memo := r.verify(ctx, &plan, readVerifyMemo(ctx, req.Private), &resp.Diagnostics)
		resp.Diagnostics.Append(writeVerifyMemo(ctx, resp.Private, memo)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	setIdentity(ctx, resp.Identity, identityJobID, plan.ID.ValueString(), &resp.Diagnostics)
}

func (r *batchKeyrotateResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state batchKeyrotateModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !configured(r.clients, &resp.Diagnostics) {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	// A job that still runs is canceled before an unfinished restoration
	// is put back, so that the job cannot undo it again.
	if sites, d := state.siteStates(ctx); len(sites) > 0 || d.HasError() {
		resp.Diagnostics.Append(d...)
		if r.deleteSites(ctx, state, sites, &resp.Diagnostics); !resp.Diagnostics.HasError() {
			resp.Diagnostics.Append(r.clients.histories.handOn(ctx, state)...)
		}
		return
	}
	if r.cancelIfRunning(ctx, state, state.ID.ValueString(), &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	// A finished rotation cannot be undone; forgetting it is all there is,
	// once what it changed besides the key is back.
	if r.finishRestore(ctx, state.RestorationPending, &resp.Diagnostics); !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(r.clients.histories.handOn(ctx, state)...)
	}
}

// cancelIfRunning cancels job id when it still runs, with a warning of
// what it left undone.
func (r *batchKeyrotateResource) cancelIfRunning(ctx context.Context, state batchKeyrotateModel, id string, diags *diag.Diagnostics) {
	if !hasJob(id) {
		return
	}
	p, err := batchjob.Fetch(ctx, r.clients.admin, id)
	switch {
	case batchjob.IsNoSuchJob(err):
	case err != nil:
		diags.AddError("Cannot Read Rotation Job",
			fmt.Sprintf("Before removing job %s the provider must know whether it still runs, and reading its status failed.%s Try again when MinIO is reachable.\n\n%v", id, r.clients.deniedNote(err), err))
	case p.Status == batchjob.StatusRunning:
		if err := r.clients.admin.CancelBatchJob(ctx, id); err != nil && !batchjob.IsNoSuchJob(err) {
			diags.AddError("Cannot Cancel Rotation Job",
				fmt.Sprintf("Job %s is still running and canceling it failed.%s Cancel it with `mc batch cancel ALIAS %s`, or try again.\n\n%v", id, r.clients.deniedNote(err), id, err))
			return
		}
		diags.Append(r.canceledWarning(ctx, state, id, p)...)
	}
}

// canceledWarning says what a destroy left undone: the job's count, and
// the versions in scope still not on the target key, counted afresh.
func (r *batchKeyrotateResource) canceledWarning(ctx context.Context, state batchKeyrotateModel, id string, p batchjob.Progress) diag.Diagnostics {
	var diags diag.Diagnostics
	spec, b := state.spec(ctx)
	left := "The versions it did not reach stay under their old key."
	if !b.diags.HasError() && spec.Encryption.Type == keyrotate.SSEKMS {
		if res, err := scan.ScanConcurrent(ctx, r.clients.s3, scan.ScopeOf(spec), scan.Options{}, listingConcurrency); err == nil {
			left = fmt.Sprintf("%d object versions in scope are not under %s and stay under their old key.", res.Pending(spec.Encryption).Versions, spec.Encryption.Key)
		} else {
			tflog.Warn(ctx, "could not count the versions the canceled job left", map[string]any{"error": err.Error()})
		}
	}
	diags.AddWarning("Rotation Job Canceled",
		fmt.Sprintf("Job %s was still running and was canceled after rotating %d objects. %s They remain readable; apply a rotation again to finish the work.", id, p.Objects, left))
	return diags
}

func (r *batchKeyrotateResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := importID(ctx, req, identityJobID, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !configured(r.clients, &resp.Diagnostics) {
		return
	}
	m, ok := r.adopt(ctx, adoption{id: id, failure: "Cannot Import Rotation Job", notDone: "Nothing was imported."}, &resp.Diagnostics)
	if !ok {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(ctx, resp.Identity, identityJobID, m.ID.ValueString(), &resp.Diagnostics)
}
