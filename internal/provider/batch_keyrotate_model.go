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
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

type batchKeyrotateModel struct {
	jobArgs
	runArgs
	ID                types.String   `tfsdk:"id"`
	WaitForCompletion types.Bool     `tfsdk:"wait_for_completion"`
	Triggers          types.Map      `tfsdk:"triggers"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`

	Status         types.String `tfsdk:"status"`
	ObjectsRotated types.Int64  `tfsdk:"objects_rotated"`
	ObjectsFailed  types.Int64  `tfsdk:"objects_failed"`
	LastObject     types.String `tfsdk:"last_object"`
	StartedAt      types.String `tfsdk:"started_at"`
	LastUpdate     types.String `tfsdk:"last_update"`
	User           types.String `tfsdk:"user"`
	Attempts       types.Int64  `tfsdk:"attempts"`
	JobYAML        types.String `tfsdk:"job_yaml"`
	Report         types.String `tfsdk:"report"`
	History        types.List   `tfsdk:"history"`

	TagsRestored          types.Int64  `tfsdk:"tags_restored"`
	DeleteMarkersRestored types.Int64  `tfsdk:"delete_markers_restored"`
	RestorationPending    types.String `tfsdk:"restoration_pending"`

	VersionsPending     types.Int64  `tfsdk:"versions_pending"`
	VersionsUnencrypted types.Int64  `tfsdk:"versions_unencrypted"`
	VersionsSSES3       types.Int64  `tfsdk:"versions_sse_s3"`
	VerifiedAt          types.String `tfsdk:"verified_at"`
	PendingSince        types.String `tfsdk:"pending_since"`
	VerifyLimit         types.Int64  `tfsdk:"verify_limit"`
	Verification        types.String `tfsdk:"verification"`
	DriftBound          types.Int64  `tfsdk:"drift_bound"`
	ResealSince         types.String `tfsdk:"reseal_since"`

	Sites types.List `tfsdk:"sites"`
}

// The blocks are held as types.Object and types.List, not as structs:
// a dynamic block over a value not yet known makes a whole block unknown,
// which no struct can hold.

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
	Tags          types.List   `tfsdk:"tag"`
	Metadata      types.List   `tfsdk:"metadata"`
	KMSKey        types.String `tfsdk:"kms_key"`
}

type kvModel struct {
	Key   types.String `tfsdk:"key"`
	Value types.String `tfsdk:"value"`
}

type notifyModel struct {
	Endpoint       types.String `tfsdk:"endpoint"`
	Token          types.String `tfsdk:"token"`
	TokenWO        types.String `tfsdk:"token_wo"` // null outside the configuration
	TokenWOVersion types.Int64  `tfsdk:"token_wo_version"`
}

type retryModel struct {
	Attempts types.Int64  `tfsdk:"attempts"`
	Delay    types.String `tfsdk:"delay"`
}

// specBuilder converts the model into a keyrotate.Spec. Values not yet
// known (references to resources not yet created, dynamic blocks over
// unknown collections) are left at zero and remembered, so that
// validation does not blame them.
type specBuilder struct {
	diags   diag.Diagnostics
	unknown map[string]bool
	// writeOnlyToken is set when the token came from notify.token_wo, which
	// its errors then name.
	writeOnlyToken bool
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
		b.diags.AddAttributeError(p, "Invalid Duration", argumentName(p)+": "+err.Error())
		b.unparsed(p)
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
			argumentName(p)+": expected an RFC 3339 timestamp such as 2026-01-01T00:00:00Z, got "+strconv.Quote(s)+".\n\n"+err.Error())
		b.unparsed(p)
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
	for k, e := range v.Elements() {
		s, ok := e.(types.String)
		if !ok || s.IsUnknown() {
			b.unknown[p.AtMapKey(k).String()] = true
			continue
		}
		m[k] = s.ValueString()
	}
	return m
}

// unparsed records a value that does not parse: the rules of its block
// are not checked (they would compare a zero), those of other blocks are,
// so that one validate reports every mistake it can.
func (b *specBuilder) unparsed(p path.Path) { b.unknown[p.String()] = true }

// block decodes a block into target and reports whether it is present and
// known.
func (b *specBuilder) block(ctx context.Context, v basetypes.ObjectValue, p path.Path, target any) bool {
	if v.IsUnknown() {
		b.unknown[p.String()] = true
		return false
	}
	if v.IsNull() {
		return false
	}
	d := v.As(ctx, target, basetypes.ObjectAsOptions{})
	b.diags.Append(d...)
	return !d.HasError()
}

func (b *specBuilder) kvs(ctx context.Context, list types.List, p path.Path) []keyrotate.KV {
	if list.IsUnknown() {
		b.unknown[p.String()] = true
		return nil
	}
	var out []keyrotate.KV
	for i, e := range list.Elements() {
		at := p.AtListIndex(i)
		var kv kvModel
		obj, ok := e.(types.Object)
		if !ok || !b.block(ctx, obj, at, &kv) {
			continue
		}
		out = append(out, keyrotate.KV{Key: b.str(kv.Key, at.AtName("key")), Value: b.str(kv.Value, at.AtName("value"))})
	}
	return out
}

// encryption reads an encryption block; absent or unknown, the zero value.
func (b *specBuilder) encryption(ctx context.Context, v types.Object, p path.Path) keyrotate.Encryption {
	var e encryptionModel
	if !b.block(ctx, v, p, &e) {
		return keyrotate.Encryption{}
	}
	return keyrotate.Encryption{
		Type:    keyrotate.EncryptionType(b.str(e.Type, p.AtName("type"))),
		Key:     b.str(e.Key, p.AtName("key")),
		Context: b.stringMap(ctx, e.Context, p.AtName("context")),
	}
}

// filter reads a filter block; absent or unknown, the zero value (every
// object).
func (b *specBuilder) filter(ctx context.Context, v types.Object, p path.Path) keyrotate.Filter {
	var f filterModel
	if !b.block(ctx, v, p, &f) {
		return keyrotate.Filter{}
	}
	return keyrotate.Filter{
		NewerThan:     b.duration(f.NewerThan, p.AtName("newer_than")),
		OlderThan:     b.duration(f.OlderThan, p.AtName("older_than")),
		CreatedAfter:  b.time(f.CreatedAfter, p.AtName("created_after")),
		CreatedBefore: b.time(f.CreatedBefore, p.AtName("created_before")),
		Tags:          b.kvs(ctx, f.Tags, p.AtName("tag")),
		Metadata:      b.kvs(ctx, f.Metadata, p.AtName("metadata")),
		KMSKey:        b.str(f.KMSKey, p.AtName("kms_key")),
	}
}

// jobArgs are the arguments of the job itself, as the resource and the
// action both declare them (embedded in their models). The action's notify
// block has no token nor token_wo_version: its attributes cannot be
// sensitive, so it takes the token write-only.
type jobArgs struct {
	Bucket     types.String `tfsdk:"bucket"`
	Prefix     types.String `tfsdk:"prefix"`
	Encryption types.Object `tfsdk:"encryption"`
	Filter     types.Object `tfsdk:"filter"`
	Notify     types.Object `tfsdk:"notify"`
	Retry      types.Object `tfsdk:"retry"`
}

// runArgs say how a rotation runs, for the resource and the action alike.
type runArgs struct {
	StallTimeout    types.String `tfsdk:"stall_timeout"`
	Verify          types.Bool   `tfsdk:"verify"`
	PreserveTags    types.Bool   `tfsdk:"preserve_tags"`
	PreserveDeleted types.Bool   `tfsdk:"preserve_deleted"`
	DropExpires     types.Bool   `tfsdk:"drop_expires"`
}

// options are the rotation's options, waiting for the job. A null
// argument (an action's, which cannot have a default in its schema) takes
// the resource's default.
func (r runArgs) options() rotationOptions {
	stall, _ := keyrotate.ParseDuration(defaultStallTimeout)
	if s := r.StallTimeout.ValueString(); s != "" {
		stall, _ = keyrotate.ParseDuration(s)
	}
	return rotationOptions{
		wait:            true,
		stall:           stall,
		preserveTags:    onByDefault(r.PreserveTags),
		preserveDeleted: onByDefault(r.PreserveDeleted),
		verify:          onByDefault(r.Verify),
		checkExpires:    !r.DropExpires.ValueBool(),
	}
}

// spec builds the job spec from the arguments. Diagnostics are set for
// values that cannot be parsed.
func (j jobArgs) spec(ctx context.Context) (keyrotate.Spec, *specBuilder) {
	b := &specBuilder{unknown: map[string]bool{}}
	s := keyrotate.Spec{
		Bucket: b.str(j.Bucket, path.Root("bucket")),
		Prefix: b.str(j.Prefix, path.Root("prefix")),
	}
	s.Encryption = b.encryption(ctx, j.Encryption, path.Root("encryption"))
	s.Filter = b.filter(ctx, j.Filter, path.Root("filter"))
	if p := path.Root("notify"); b.present(j.Notify, p) {
		attrs := j.Notify.Attributes()
		s.Notify = keyrotate.Notify{Endpoint: b.str(stringAttr(attrs, "endpoint"), p.AtName("endpoint")), Token: b.str(stringAttr(attrs, "token"), p.AtName("token"))}
		if wo := b.str(stringAttr(attrs, "token_wo"), p.AtName("token_wo")); wo != "" {
			s.Notify.Token, b.writeOnlyToken = wo, true // only a model read from the configuration holds it
		}
	}
	var r retryModel
	if p := path.Root("retry"); b.block(ctx, j.Retry, p, &r) {
		if r.Attempts.IsUnknown() {
			b.unknown[p.AtName("attempts").String()] = true
		}
		s.Retry = keyrotate.Retry{Attempts: int(r.Attempts.ValueInt64()), Delay: b.duration(r.Delay, p.AtName("delay"))}
	}
	return s, b
}

// missingEncryption reports the encryption block missing; need says what
// it is for.
func (b *specBuilder) missingEncryption(need string) {
	b.diags.AddAttributeError(path.Root("encryption"), "Missing Encryption Block",
		need+" Add a block\n\n"+
			"  encryption {\n    type = \"sse-kms\"\n    key  = \"finance-2026-11\"\n  }\n\n"+
			"(or type = \"sse-s3\" without key).")
	b.unknown["encryption"] = true // its rules have nothing to check
}

// present reports a block that is set and known.
func (b *specBuilder) present(v types.Object, p path.Path) bool {
	if v.IsUnknown() {
		b.unknown[p.String()] = true
	}
	return !v.IsNull() && !v.IsUnknown()
}

// stringAttr is a block's string attribute; null when the block has no
// such attribute.
func stringAttr(attrs map[string]attr.Value, name string) types.String {
	if s, ok := attrs[name].(types.String); ok {
		return s
	}
	return types.StringNull()
}

// validate is the whole check of a configuration: values that do not
// parse, a missing encryption block, then the spec's own rules.
func (m *batchKeyrotateModel) validate(ctx context.Context) diag.Diagnostics {
	spec, b := m.spec(ctx)
	if known(m.WaitForCompletion) && !m.WaitForCompletion.ValueBool() && (onByDefault(m.PreserveTags) || onByDefault(m.PreserveDeleted)) {
		b.diags.AddAttributeError(path.Root("wait_for_completion"), "Cannot Preserve Without Waiting",
			"wait_for_completion = false cannot be combined with preserve_tags or preserve_deleted (both default to true): the provider puts back the tags and "+
				"deleted objects when the job ends, which it only sees while it waits. Wait, or set preserve_tags = false and preserve_deleted = false "+
				"(the job then drops the tags of the versions it re-seals, and makes deleted objects in versioned buckets visible again).")
	}
	b.checkJob(spec, m.jobArgs)
	return b.diags
}

// checkJob adds what is wrong with the job: a missing encryption block, a
// notify block without endpoint, then the spec's own rules.
func (b *specBuilder) checkJob(spec keyrotate.Spec, j jobArgs) {
	if j.Encryption.IsNull() {
		b.missingEncryption("A rotation needs the encryption to rotate to.")
	}
	if spec.Notify.Endpoint == "" && spec.Notify.Token == "" && !j.Notify.IsNull() && !b.anyUnknownUnder("notify") {
		b.diags.AddAttributeError(path.Root("notify").AtName("endpoint"), "Missing Notification Endpoint",
			"notify.endpoint: a notify block needs the http or https URL the server posts the job's report to. Set endpoint or remove the block.")
	}
	b.diags.Append(b.validationDiags(spec)...)
}

// known reports a value set in the configuration and known.
func known(v types.Bool) bool { return !v.IsNull() && !v.IsUnknown() }

// onByDefault reports an argument that defaults to true and is not known
// to be false.
func onByDefault(v types.Bool) bool { return v.IsNull() || (!v.IsUnknown() && v.ValueBool()) }

// crossFieldRules are the spec's rules that compare two arguments of one
// block; the others are about their own argument alone.
var crossFieldRules = map[string]bool{
	"Unexpected Encryption Key": true, "Empty Age Window": true, "Empty Creation Window": true, "Conflicting Filters": true,
}

// validationDiags turns the spec's validation errors into attribute
// diagnostics. An error waits for apply, when everything is known, if its
// argument (or a block holding it) is not known yet, or if its rule
// compares arguments of a block with a value not yet known; an invalid
// type is reported even while the key beside it is unknown.
func (b *specBuilder) validationDiags(s keyrotate.Spec) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, fe := range s.Validate() {
		p := fieldPath(fe.Path)
		if b.unknownAt(p) || (crossFieldRules[fe.Summary] && b.anyUnknownUnder(fe.Path[0])) {
			continue
		}
		if b.writeOnlyToken && p.Equal(path.Root("notify").AtName("token")) {
			p = path.Root("notify").AtName("token_wo")
		}
		diags.AddAttributeError(p, fe.Summary, argumentName(p)+": "+fe.Detail)
	}
	return diags
}

// argumentName is how a diagnostic's text names the argument, since the
// CLI shows only its line: "filter.tag[1].key".
func argumentName(p path.Path) string { return p.String() }

func (b *specBuilder) anyUnknownUnder(root string) bool {
	for p := range b.unknown {
		if p == root || strings.HasPrefix(p, root+".") {
			return true
		}
	}
	return false
}

// unknownAt reports whether the value at p, or a block holding it, is not
// known yet.
func (b *specBuilder) unknownAt(p path.Path) bool {
	at := p.String()
	for u := range b.unknown {
		if at == u || strings.HasPrefix(at, u+".") || strings.HasPrefix(at, u+"[") {
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
