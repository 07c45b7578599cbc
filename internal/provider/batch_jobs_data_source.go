package provider

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/minio/madmin-go/v3"
)

var _ datasource.DataSourceWithConfigure = (*batchJobsDataSource)(nil)

type batchJobsDataSource struct {
	clients *clients
}

// NewBatchJobsDataSource is the minio_batch_jobs data source.
func NewBatchJobsDataSource() datasource.DataSource { return &batchJobsDataSource{} }

type batchJobsModel struct {
	Type types.String   `tfsdk:"type"`
	Jobs []batchJobItem `tfsdk:"jobs"`
}

type batchJobItem struct {
	ID        types.String `tfsdk:"id"`
	Type      types.String `tfsdk:"type"`
	User      types.String `tfsdk:"user"`
	StartedAt types.String `tfsdk:"started_at"`
}

func (d *batchJobsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_batch_jobs"
}

func (d *batchJobsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *batchJobsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	var jobTypes []string
	for _, t := range madmin.SupportedJobTypes {
		jobTypes = append(jobTypes, string(t))
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The batch jobs the server knows: running ones, and finished ones for about 3 days.",
		Attributes: map[string]schema.Attribute{
			"type": schema.StringAttribute{
				Optional:            true,
				Validators:          []validator.String{stringvalidator.OneOf(jobTypes...)},
				MarkdownDescription: fmt.Sprintf("Only jobs of this type: one of %q. Default: all types.", jobTypes),
			},
			"jobs": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The jobs, oldest first.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"id":         schema.StringAttribute{Computed: true, MarkdownDescription: "Job ID."},
					"type":       schema.StringAttribute{Computed: true, MarkdownDescription: "Job type."},
					"user":       schema.StringAttribute{Computed: true, MarkdownDescription: "The MinIO user that started the job."},
					"started_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When the job started (RFC 3339)."},
				}},
			},
		},
	}
}

func (d *batchJobsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m batchJobsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !configured(d.clients, &resp.Diagnostics) {
		return
	}
	// madmin v3.0.109 refuses a nil filter; an empty one lists every type.
	list, err := d.clients.admin.ListBatchJobs(ctx, &madmin.ListBatchJobsFilter{ByJobType: m.Type.ValueString()})
	if err != nil {
		if d.clients.explain(err, "minio_batch_jobs: the batch jobs were not listed.", &resp.Diagnostics) {
			return
		}
		resp.Diagnostics.AddError("Cannot List Batch Jobs",
			"Listing batch jobs failed. Check that MinIO is reachable and the credentials may list batch jobs (admin:ListBatchJobs).\n\n"+err.Error())
		return
	}
	jobs := list.Jobs
	sort.SliceStable(jobs, func(i, j int) bool {
		if !jobs[i].Started.Equal(jobs[j].Started) {
			return jobs[i].Started.Before(jobs[j].Started)
		}
		return jobs[i].ID < jobs[j].ID
	})
	m.Jobs = []batchJobItem{}
	for _, j := range jobs {
		m.Jobs = append(m.Jobs, batchJobItem{
			ID: types.StringValue(j.ID), Type: types.StringValue(string(j.Type)), User: types.StringValue(j.User),
			StartedAt: types.StringValue(j.Started.UTC().Format(time.RFC3339)),
		})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
