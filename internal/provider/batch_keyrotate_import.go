package provider

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

// keyrotateBlockTypes are the object types of the resource's blocks, read
// from its schema so that import builds exactly what a plan holds.
var keyrotateBlockTypes = sync.OnceValue(func() map[string]map[string]attr.Type {
	var resp resource.SchemaResponse
	(&batchKeyrotateResource{}).Schema(context.Background(), resource.SchemaRequest{}, &resp)
	out := map[string]map[string]attr.Type{}
	for name, b := range resp.Schema.Blocks {
		// timeouts has a type of its own, an object all the same.
		out[name] = b.Type().(attr.TypeWithAttributeTypes).AttributeTypes()
	}
	return out
})

// blockValue is a block built from a model; a nil model is an absent block.
func blockValue(ctx context.Context, name string, model any, diags *diag.Diagnostics) types.Object {
	attrTypes := keyrotateBlockTypes()[name]
	if model == nil {
		return types.ObjectNull(attrTypes)
	}
	v, d := types.ObjectValueFrom(ctx, attrTypes, model)
	diags.Append(d...)
	return v
}

// setSpec fills the spec arguments of the model from a spec, as import
// does from the server's stored job. Absent blocks are null and absent
// repeated blocks empty lists, as Terraform itself represents them.
func (m *batchKeyrotateModel) setSpec(ctx context.Context, s keyrotate.Spec) diag.Diagnostics {
	var diags diag.Diagnostics
	m.Bucket = types.StringValue(s.Bucket)
	m.Prefix = optionalString(s.Prefix)

	ctxMap := types.MapNull(types.StringType)
	if len(s.Encryption.Context) > 0 {
		elems := map[string]attr.Value{}
		for k, v := range s.Encryption.Context {
			elems[k] = types.StringValue(v)
		}
		ctxMap = types.MapValueMust(types.StringType, elems)
	}
	m.Encryption = blockValue(ctx, "encryption", &encryptionModel{
		Type:    types.StringValue(string(s.Encryption.Type)),
		Key:     optionalString(s.Encryption.Key),
		Context: ctxMap,
	}, &diags)

	var filter *filterModel
	if f := s.Filter; f.NewerThan != 0 || f.OlderThan != 0 || !f.CreatedAfter.IsZero() || !f.CreatedBefore.IsZero() ||
		len(f.Tags) > 0 || len(f.Metadata) > 0 || f.KMSKey != "" {
		filter = &filterModel{
			NewerThan:     optionalDuration(f.NewerThan),
			OlderThan:     optionalDuration(f.OlderThan),
			CreatedAfter:  optionalTime(f.CreatedAfter),
			CreatedBefore: optionalTime(f.CreatedBefore),
			Tags:          kvList(ctx, f.Tags, &diags),
			Metadata:      kvList(ctx, f.Metadata, &diags),
			KMSKey:        optionalString(f.KMSKey),
		}
	}
	m.Filter = blockValue(ctx, "filter", filter, &diags)

	var notify *notifyModel
	if s.Notify.Endpoint != "" {
		// The token the server keeps is not imported: state is no place
		// for it. job_yaml shows that the job has one (redacted), and
		// jobChanged takes a token declared later for that same one.
		notify = &notifyModel{Endpoint: types.StringValue(s.Notify.Endpoint), Token: types.StringNull(),
			TokenWO: types.StringNull(), TokenWOVersion: types.Int64Null()}
	}
	m.Notify = blockValue(ctx, "notify", notify, &diags)

	var retry *retryModel
	if s.Retry.Attempts != 0 || s.Retry.Delay != 0 {
		retry = &retryModel{Attempts: types.Int64Null(), Delay: optionalDuration(s.Retry.Delay)}
		if s.Retry.Attempts != 0 {
			retry.Attempts = types.Int64Value(int64(s.Retry.Attempts))
		}
	}
	m.Retry = blockValue(ctx, "retry", retry, &diags)
	return diags
}

func optionalString(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func optionalDuration(d time.Duration) types.String {
	if d == 0 {
		return types.StringNull()
	}
	return types.StringValue(keyrotate.FormatDuration(d))
}

func optionalTime(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339Nano))
}

// kvList is a repeated tag or metadata block; none is an empty list.
func kvList(ctx context.Context, kvs []keyrotate.KV, diags *diag.Diagnostics) types.List {
	models := make([]kvModel, 0, len(kvs))
	for _, kv := range kvs {
		models = append(models, kvModel{Key: types.StringValue(kv.Key), Value: types.StringValue(kv.Value)})
	}
	return kvListOf(ctx, models, diags)
}

func kvListOf(ctx context.Context, models []kvModel, diags *diag.Diagnostics) types.List {
	elemType := keyrotateBlockTypes()["filter"]["tag"].(types.ListType).ElemType
	if models == nil {
		models = []kvModel{}
	}
	v, d := types.ListValueFrom(ctx, elemType, models)
	diags.Append(d...)
	return v
}

// adoption is a job to take under management, and how to word a failure.
type adoption struct {
	id string
	// user is who started the job when the caller knows it already (the
	// list has it from the job list); "" reads it.
	user string
	// failure is the summary of an error, notDone what it leaves undone.
	failure, notDone string
	// skipGone makes a job MinIO no longer has (purged since it was
	// listed) no error: ok is false with no diagnostics.
	skipGone bool
}

// adopt is the state of job a.id taken under management (import, list):
// its definition as the arguments, its progress, its twins on the other
// sites of a group, and the other arguments at their defaults.
func (r *batchKeyrotateResource) adopt(ctx context.Context, a adoption, diags *diag.Diagnostics) (batchKeyrotateModel, bool) {
	id, notDone := a.id, a.notDone
	if typ, err := batchjob.ParseJobID(id); err != nil || typ != "keyrotate" {
		diags.AddError("Invalid Job ID",
			fmt.Sprintf("%q is not a keyrotate job ID. Import takes the ID `mc batch list ALIAS` shows, such as keyrotate-Qsk1r9YBkAuwZtMB5Sq4:0.", id))
		return batchKeyrotateModel{}, false
	}
	group, ok := r.clients.sites(ctx, notDone, diags)
	if !ok {
		return batchKeyrotateModel{}, false
	}
	from, doc, err := describeOnAnySite(ctx, group, id)
	if err != nil && a.skipGone && batchjob.IsNoSuchJob(err) {
		return batchKeyrotateModel{}, false
	}
	if err != nil {
		detail := fmt.Sprintf("MinIO could not describe job %s%s. It may not exist, or it finished more than about 3 days ago and was purged.\n\n%v", id, onWhichSites(group), err)
		if note := from.deniedNote(err); note != "" {
			detail = fmt.Sprintf("MinIO could not describe job %s.%s\n\n%v", id, note, err)
		}
		diags.AddError(a.failure, detail)
		return batchKeyrotateModel{}, false
	}
	spec, err := keyrotate.Decode([]byte(doc))
	if err != nil {
		diags.AddError(a.failure, fmt.Sprintf("The stored definition of job %s could not be read.\n\n%v", id, err))
		return batchKeyrotateModel{}, false
	}
	p, err := batchjob.Fetch(ctx, from.admin, id)
	if err != nil && a.skipGone && batchjob.IsNoSuchJob(err) {
		return batchKeyrotateModel{}, false
	}
	if err != nil {
		diags.AddError(a.failure, fmt.Sprintf("Reading the status of job %s failed.%s\n\n%v", id, from.deniedNote(err), err))
		return batchKeyrotateModel{}, false
	}
	m := batchKeyrotateModel{
		ID:                types.StringValue(id),
		WaitForCompletion: types.BoolValue(true),
		runArgs: runArgs{
			StallTimeout: types.StringValue(defaultStallTimeout), Verify: types.BoolValue(true),
			PreserveTags: types.BoolValue(true), PreserveDeleted: types.BoolValue(true), DropExpires: types.BoolValue(false),
		},
		Triggers:    types.MapNull(types.StringType),
		VerifyLimit: types.Int64Value(defaultVerifyLimit),
		Attempts:    types.Int64Value(1),
		User:        types.StringValue(a.user),
		Sites:       types.ListValueMust(types.ObjectType{AttrTypes: siteStateAttrTypes()}, nil),
		History:     emptyHistory(),
	}
	if a.user == "" {
		m.User = types.StringValue(from.jobUser(ctx, id))
	}
	m.Timeouts.Object = types.ObjectNull(keyrotateBlockTypes()["timeouts"])
	diags.Append(m.setSpec(ctx, spec)...)
	m.setProgress(p)
	if len(group) > 1 {
		r.importSites(ctx, from, group, spec, p, &m, diags)
	}
	shown, _ := keyrotate.EncodeRedacted(spec)
	m.JobYAML = types.StringValue(string(shown))
	return m, !diags.HasError()
}
