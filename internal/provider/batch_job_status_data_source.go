package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
)

var _ datasource.DataSourceWithConfigure = (*batchJobStatusDataSource)(nil)

type batchJobStatusDataSource struct {
	clients *clients
}

// NewBatchJobStatusDataSource is the minio_batch_job_status data source.
func NewBatchJobStatusDataSource() datasource.DataSource { return &batchJobStatusDataSource{} }

type batchJobStatusModel struct {
	ID            types.String `tfsdk:"id"`
	Type          types.String `tfsdk:"type"`
	Status        types.String `tfsdk:"status"`
	Complete      types.Bool   `tfsdk:"complete"`
	Failed        types.Bool   `tfsdk:"failed"`
	Bucket        types.String `tfsdk:"bucket"`
	Objects       types.Int64  `tfsdk:"objects"`
	ObjectsFailed types.Int64  `tfsdk:"objects_failed"`
	LastObject    types.String `tfsdk:"last_object"`
	RetryAttempts types.Int64  `tfsdk:"retry_attempts"`
	StartedAt     types.String `tfsdk:"started_at"`
	LastUpdate    types.String `tfsdk:"last_update"`
	User          types.String `tfsdk:"user"`
}

func (d *batchJobStatusDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_batch_job_status"
}

func (d *batchJobStatusDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *batchJobStatusDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(doc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: doc}
	}
	count := func(doc string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: doc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "The status of one batch job of any type (`keyrotate`, `replicate`, `expire`), as the server reports it. " +
			"Use it to gate on a rotation: a `check` block or a `lifecycle.postcondition` on `status == \"complete\"`. " +
			"MinIO keeps finished jobs for about 3 days.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Required: true, MarkdownDescription: "Job ID, such as `keyrotate-Qsk1r9YBkAuwZtMB5Sq4:0`. " +
				"The `no-job-...` ID of a `minio_batch_keyrotate` that found nothing pending reads as `complete`, the `not-started-...` ID of one whose start was refused as `failed`."},
			"type":           computed("`keyrotate`, `replicate` or `expire`."),
			"status":         computed("`running`, `complete`, `failed` or `canceled`."),
			"complete":       schema.BoolAttribute{Computed: true, MarkdownDescription: "The server's complete flag."},
			"failed":         schema.BoolAttribute{Computed: true, MarkdownDescription: "The server's failed flag."},
			"bucket":         computed("Bucket of the last object handled."),
			"objects":        count("Objects handled successfully."),
			"objects_failed": count("Objects that failed."),
			"last_object":    computed("The last object handled."),
			"retry_attempts": count("Retry attempts the server counted (replicate jobs)."),
			"started_at":     computed("When the job started (RFC 3339)."),
			"last_update":    computed("When the server last saved the job's report (RFC 3339)."),
			"user":           computed("The MinIO user that started the job."),
		},
	}
}

func (d *batchJobStatusDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m batchJobStatusModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !configured(d.clients, &resp.Diagnostics) {
		return
	}
	id := m.ID.ValueString()
	if !hasJob(id) {
		// A minio_batch_keyrotate that found nothing pending (complete) or
		// whose start was refused (failed): there is no job to ask about.
		m.setNoJob(!strings.HasPrefix(id, notStartedPrefix))
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
		return
	}
	p, err := batchjob.Fetch(ctx, d.clients.admin, id)
	switch {
	case errors.Is(err, batchjob.ErrMalformedJobID):
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Malformed Batch Job ID",
			fmt.Sprintf("%q is not a batch job ID. IDs look like keyrotate-Qsk1r9YBkAuwZtMB5Sq4:0 (type, ID, node index); `mc batch list ALIAS` shows them.\n\n%v", id, err))
		return
	case batchjob.IsNoSuchJob(err):
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Batch Job Not Found",
			fmt.Sprintf("MinIO has no job %s. Either the ID belongs to no job of this deployment, or the job finished more than about 3 days ago: "+
				"MinIO keeps finished jobs for about 3 days, then purges them. A minio_batch_keyrotate resource keeps the last known status of its job after the purge.", id))
		return
	case err != nil && d.clients.explain(err, fmt.Sprintf("minio_batch_job_status: the status of job %s was not read.", id), &resp.Diagnostics):
		return
	case err != nil:
		resp.Diagnostics.AddError("Cannot Read Batch Job",
			fmt.Sprintf("Reading the status of job %s failed. Check that MinIO is reachable and the credentials may read batch jobs (admin:ListBatchJobs, admin:DescribeBatchJob).\n\n%v", id, err))
		return
	}
	m.Type = types.StringValue(p.Type)
	m.Status = types.StringValue(string(p.Status))
	m.Complete = types.BoolValue(p.Status == batchjob.StatusComplete)
	m.Failed = types.BoolValue(p.Status == batchjob.StatusFailed)
	m.Bucket = types.StringValue(p.Bucket)
	m.Objects = types.Int64Value(p.Objects)
	m.ObjectsFailed = types.Int64Value(p.ObjectsFailed)
	m.LastObject = types.StringValue(p.LastObject)
	m.RetryAttempts = types.Int64Value(int64(p.RetryAttempts))
	m.StartedAt = rfc3339(p.StartedAt)
	m.LastUpdate = rfc3339(p.LastUpdate)
	m.User = types.StringValue(d.clients.jobUser(ctx, id))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// setNoJob is the status of a rotation without a job: complete when it
// needed none (ID no-job-...), failed when its start was refused (ID
// not-started-...); nothing rotated either way.
func (m *batchJobStatusModel) setNoJob(complete bool) {
	status := batchjob.StatusComplete
	if !complete {
		status = batchjob.StatusFailed
	}
	m.Type, m.Status = types.StringValue("keyrotate"), types.StringValue(string(status))
	m.Complete, m.Failed = types.BoolValue(complete), types.BoolValue(!complete)
	m.Bucket, m.LastObject, m.User = types.StringValue(""), types.StringValue(""), types.StringValue("")
	m.Objects, m.ObjectsFailed, m.RetryAttempts = types.Int64Value(0), types.Int64Value(0), types.Int64Value(0)
	m.StartedAt, m.LastUpdate = types.StringValue(""), types.StringValue("")
}
