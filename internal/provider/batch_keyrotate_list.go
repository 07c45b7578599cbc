package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/minio/madmin-go/v3"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
)

var (
	_ list.ListResourceWithConfigure = (*batchKeyrotateList)(nil)
)

// batchKeyrotateList lists the keyrotate jobs the server still knows, for
// terraform query: each as the rotation an import of its ID would give.
type batchKeyrotateList struct {
	resource batchKeyrotateResource
}

// NewBatchKeyrotateList is the minio_batch_keyrotate list resource.
func NewBatchKeyrotateList() list.ListResource { return &batchKeyrotateList{} }

type batchKeyrotateListModel struct {
	Bucket types.String `tfsdk:"bucket"`
	Status types.String `tfsdk:"status"`
}

func (l *batchKeyrotateList) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	l.resource.Metadata(ctx, req, resp)
}

func (l *batchKeyrotateList) Configure(ctx context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.resource.Configure(ctx, req, resp)
}

func (l *batchKeyrotateList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The keyrotate jobs the server still knows (MinIO purges finished ones about 3 days after they end), each as a " +
			"`minio_batch_keyrotate` to import, with the arguments that reproduce its definition. Under site replication, the provider's own site's jobs.",
		Attributes: map[string]schema.Attribute{
			"bucket": schema.StringAttribute{Optional: true, MarkdownDescription: "Only jobs of this bucket."},
			"status": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Only jobs with this status: `running`, `complete`, `failed` or `canceled`.",
				Validators: []validator.String{stringvalidator.OneOf(string(batchjob.StatusRunning), string(batchjob.StatusComplete),
					string(batchjob.StatusFailed), string(batchjob.StatusCanceled))}},
		},
	}
}

func (l *batchKeyrotateList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg batchKeyrotateListModel
	var diags diag.Diagnostics
	diags.Append(req.Config.Get(ctx, &cfg)...)
	jobs := l.jobs(ctx, &diags)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = listResults(ctx, req, identityJobID, jobs, func(j madmin.BatchJobResult) foundItem {
		var d diag.Diagnostics
		m, ok := l.resource.adopt(ctx, adoption{id: j.ID, user: j.User, failure: "Cannot List Rotation Job",
			notDone: fmt.Sprintf("Job %s is left out of the list.", j.ID), skipGone: true}, &d)
		switch {
		case !ok && !d.HasError(): // purged since it was listed
			return foundItem{skip: true}
		case !ok:
			return foundItem{failed: d}
		}
		return foundItem{skip: !matches(cfg, m), identity: j.ID, model: &m, notes: d,
			display: fmt.Sprintf("%s (%s, %s)", j.ID, m.Bucket.ValueString(), m.Status.ValueString())}
	})
}

// matches reports whether job m passes the list's filters.
func matches(cfg batchKeyrotateListModel, m batchKeyrotateModel) bool {
	return (cfg.Bucket.IsNull() || cfg.Bucket.ValueString() == m.Bucket.ValueString()) &&
		(cfg.Status.IsNull() || cfg.Status.ValueString() == m.Status.ValueString())
}

// jobs are the keyrotate jobs the provider's deployment lists, by ID.
func (l *batchKeyrotateList) jobs(ctx context.Context, diags *diag.Diagnostics) []madmin.BatchJobResult {
	c := l.resource.clients
	if !configured(c, diags) {
		return nil
	}
	jobs, err := c.admin.ListBatchJobs(ctx, &madmin.ListBatchJobsFilter{ByJobType: string(madmin.BatchJobKeyRotate)})
	if err != nil {
		const doing = "Listing the batch jobs failed."
		if !c.explain(err, doing, diags) {
			diags.AddError("Cannot List Rotation Jobs", doing+" Check that the credentials may list them (admin:ListBatchJobs).\n\n"+err.Error())
		}
		return nil
	}
	sorted := slices.Clone(jobs.Jobs)
	slices.SortFunc(sorted, func(a, b madmin.BatchJobResult) int { return strings.Compare(a.ID, b.ID) })
	return sorted
}
