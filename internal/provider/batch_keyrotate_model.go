package provider

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

type batchKeyrotateModel struct {
	ID                types.String     `tfsdk:"id"`
	Bucket            types.String     `tfsdk:"bucket"`
	Prefix            types.String     `tfsdk:"prefix"`
	Encryption        *encryptionModel `tfsdk:"encryption"`
	Filter            *filterModel     `tfsdk:"filter"`
	Notify            *notifyModel     `tfsdk:"notify"`
	Retry             *retryModel      `tfsdk:"retry"`
	WaitForCompletion types.Bool       `tfsdk:"wait_for_completion"`
	StallTimeout      types.String     `tfsdk:"stall_timeout"`
	Triggers          types.Map        `tfsdk:"triggers"`
	Timeouts          timeouts.Value   `tfsdk:"timeouts"`

	Status         types.String `tfsdk:"status"`
	ObjectsRotated types.Int64  `tfsdk:"objects_rotated"`
	ObjectsFailed  types.Int64  `tfsdk:"objects_failed"`
	LastObject     types.String `tfsdk:"last_object"`
	StartedAt      types.String `tfsdk:"started_at"`
	LastUpdate     types.String `tfsdk:"last_update"`
	User           types.String `tfsdk:"user"`
	Attempts       types.Int64  `tfsdk:"attempts"`
	JobYAML        types.String `tfsdk:"job_yaml"`
}

type encryptionModel struct {
	Type    types.String `tfsdk:"type"`
	Key     types.String `tfsdk:"key"`
	Context types.Map    `tfsdk:"context"`
}

type filterModel struct {
	NewerThan     types.String `tfsdk:"newer_than"`
	OlderThan     types.String `tfsdk:"older_than"`
	CreatedAfter  types.String `tfsdk:"created_after"`
	CreatedBefore types.String `tfsdk:"created_before"`
	Tags          []kvModel    `tfsdk:"tags"`
	Metadata      []kvModel    `tfsdk:"metadata"`
	KMSKey        types.String `tfsdk:"kms_key"`
}

type kvModel struct {
	Key   types.String `tfsdk:"key"`
	Value types.String `tfsdk:"value"`
}

type notifyModel struct {
	Endpoint types.String `tfsdk:"endpoint"`
	Token    types.String `tfsdk:"token"`
}

type retryModel struct {
	Attempts types.Int64  `tfsdk:"attempts"`
	Delay    types.String `tfsdk:"delay"`
}

// specBuilder converts the model into a keyrotate.Spec. Values not yet
// known (references to resources not yet created) are left at zero and
// remembered, so that validation does not blame them.
type specBuilder struct {
	diags   diag.Diagnostics
	unknown map[string]bool
}

func (b *specBuilder) str(v types.String, p path.Path) string {
	if v.IsUnknown() {
		b.unknown[p.String()] = true
	}
	return v.ValueString()
}

func (b *specBuilder) duration(v types.String, p path.Path) time.Duration {
	s := b.str(v, p)
	if s == "" {
		return 0
	}
	d, err := keyrotate.ParseDuration(s)
	if err != nil {
		b.diags.AddAttributeError(p, "Invalid Duration", err.Error())
	}
	return d
}

func (b *specBuilder) time(v types.String, p path.Path) time.Time {
	s := b.str(v, p)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		b.diags.AddAttributeError(p, "Invalid Timestamp",
			"Expected an RFC 3339 timestamp such as 2026-01-01T00:00:00Z.\n\n"+err.Error())
	}
	return t
}

func (b *specBuilder) stringMap(ctx context.Context, v types.Map, p path.Path) map[string]string {
	if v.IsUnknown() {
		b.unknown[p.String()] = true
		return nil
	}
	if v.IsNull() {
		return nil
	}
	m := map[string]string{}
	b.diags.Append(v.ElementsAs(ctx, &m, false)...)
	return m
}

func (b *specBuilder) kvs(list []kvModel, p path.Path) []keyrotate.KV {
	var out []keyrotate.KV
	for i, kv := range list {
		at := p.AtListIndex(i)
		out = append(out, keyrotate.KV{Key: b.str(kv.Key, at.AtName("key")), Value: b.str(kv.Value, at.AtName("value"))})
	}
	return out
}

// spec builds the job spec from the model. Diagnostics are set for values
// that cannot be parsed.
func (m *batchKeyrotateModel) spec(ctx context.Context) (keyrotate.Spec, *specBuilder) {
	b := &specBuilder{unknown: map[string]bool{}}
	s := keyrotate.Spec{
		Bucket: b.str(m.Bucket, path.Root("bucket")),
		Prefix: b.str(m.Prefix, path.Root("prefix")),
	}
	if e := m.Encryption; e != nil {
		p := path.Root("encryption")
		s.Encryption = keyrotate.Encryption{
			Type:    keyrotate.EncryptionType(b.str(e.Type, p.AtName("type"))),
			Key:     b.str(e.Key, p.AtName("key")),
			Context: b.stringMap(ctx, e.Context, p.AtName("context")),
		}
	}
	if f := m.Filter; f != nil {
		p := path.Root("filter")
		s.Filter = keyrotate.Filter{
			NewerThan:     b.duration(f.NewerThan, p.AtName("newer_than")),
			OlderThan:     b.duration(f.OlderThan, p.AtName("older_than")),
			CreatedAfter:  b.time(f.CreatedAfter, p.AtName("created_after")),
			CreatedBefore: b.time(f.CreatedBefore, p.AtName("created_before")),
			Tags:          b.kvs(f.Tags, p.AtName("tags")),
			Metadata:      b.kvs(f.Metadata, p.AtName("metadata")),
			KMSKey:        b.str(f.KMSKey, p.AtName("kms_key")),
		}
	}
	if n := m.Notify; n != nil {
		p := path.Root("notify")
		s.Notify = keyrotate.Notify{Endpoint: b.str(n.Endpoint, p.AtName("endpoint")), Token: b.str(n.Token, p.AtName("token"))}
	}
	if r := m.Retry; r != nil {
		p := path.Root("retry")
		if r.Attempts.IsUnknown() {
			b.unknown[p.AtName("attempts").String()] = true
		}
		s.Retry = keyrotate.Retry{Attempts: int(r.Attempts.ValueInt64()), Delay: b.duration(r.Delay, p.AtName("delay"))}
	}
	return s, b
}

// validationDiags turns the spec's validation errors into attribute
// diagnostics. Rules compare values within one block (filter, encryption,
// ...), so an error in a block with a value not yet known is left for
// apply time, when everything is known.
func (b *specBuilder) validationDiags(s keyrotate.Spec) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, fe := range s.Validate() {
		if b.anyUnknownUnder(fe.Path[0]) {
			continue
		}
		diags.AddAttributeError(fieldPath(fe.Path), fe.Summary, fe.Detail)
	}
	return diags
}

func (b *specBuilder) anyUnknownUnder(root string) bool {
	for p := range b.unknown {
		if p == root || strings.HasPrefix(p, root+".") {
			return true
		}
	}
	return false
}

// fieldPath maps a keyrotate field path onto the attribute path.
func fieldPath(parts []string) path.Path {
	p := path.Root(parts[0])
	for _, part := range parts[1:] {
		if i, err := strconv.Atoi(part); err == nil {
			p = p.AtListIndex(i)
		} else {
			p = p.AtName(part)
		}
	}
	return p
}

// setSpec fills the spec arguments of the model from a spec, as import
// does from the server's stored job.
func (m *batchKeyrotateModel) setSpec(s keyrotate.Spec) {
	m.Bucket = types.StringValue(s.Bucket)
	m.Prefix = optionalString(s.Prefix)
	m.Encryption = &encryptionModel{
		Type:    types.StringValue(string(s.Encryption.Type)),
		Key:     optionalString(s.Encryption.Key),
		Context: types.MapNull(types.StringType),
	}
	if len(s.Encryption.Context) > 0 {
		elems := map[string]attr.Value{}
		for k, v := range s.Encryption.Context {
			elems[k] = types.StringValue(v)
		}
		m.Encryption.Context = types.MapValueMust(types.StringType, elems)
	}
	m.Filter = nil
	if f := s.Filter; f.NewerThan != 0 || f.OlderThan != 0 || !f.CreatedAfter.IsZero() || !f.CreatedBefore.IsZero() ||
		len(f.Tags) > 0 || len(f.Metadata) > 0 || f.KMSKey != "" {
		m.Filter = &filterModel{
			NewerThan:     optionalDuration(f.NewerThan),
			OlderThan:     optionalDuration(f.OlderThan),
			CreatedAfter:  optionalTime(f.CreatedAfter),
			CreatedBefore: optionalTime(f.CreatedBefore),
			Tags:          kvModels(f.Tags),
			Metadata:      kvModels(f.Metadata),
			KMSKey:        optionalString(f.KMSKey),
		}
	}
	m.Notify = nil
	if s.Notify.Endpoint != "" {
		m.Notify = &notifyModel{Endpoint: types.StringValue(s.Notify.Endpoint), Token: optionalString(s.Notify.Token)}
	}
	m.Retry = nil
	if s.Retry.Attempts != 0 || s.Retry.Delay != 0 {
		m.Retry = &retryModel{Attempts: types.Int64Null(), Delay: optionalDuration(s.Retry.Delay)}
		if s.Retry.Attempts != 0 {
			m.Retry.Attempts = types.Int64Value(int64(s.Retry.Attempts))
		}
	}
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

func kvModels(kvs []keyrotate.KV) []kvModel {
	var out []kvModel
	for _, kv := range kvs {
		out = append(out, kvModel{Key: types.StringValue(kv.Key), Value: types.StringValue(kv.Value)})
	}
	return out
}

// setProgress copies a job's report into the computed attributes.
func (m *batchKeyrotateModel) setProgress(p batchjob.Progress) {
	m.Status = types.StringValue(string(p.Status))
	m.ObjectsRotated = types.Int64Value(p.Objects)
	m.ObjectsFailed = types.Int64Value(p.ObjectsFailed)
	m.LastObject = types.StringValue(p.LastObject)
	m.StartedAt = rfc3339(p.StartedAt)
	m.LastUpdate = rfc3339(p.LastUpdate)
}

func rfc3339(t time.Time) types.String {
	if t.IsZero() {
		return types.StringValue("")
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}
