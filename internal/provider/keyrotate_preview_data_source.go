package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/preflight"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

var (
	_ datasource.DataSourceWithConfigure      = (*keyrotatePreviewDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*keyrotatePreviewDataSource)(nil)
)

// keyrotatePreviewDataSource counts, before a rotation, what a
// minio_batch_keyrotate job with the same bucket, prefix and filter would
// look at, with one scan.Scan (the resource's own) and, on request, a HEAD
// per version it would rewrite.
type keyrotatePreviewDataSource struct {
	clients *clients
}

// NewKeyrotatePreviewDataSource is the minio_keyrotate_preview data source.
func NewKeyrotatePreviewDataSource() datasource.DataSource { return &keyrotatePreviewDataSource{} }

type keyrotatePreviewModel struct {
	Bucket       types.String `tfsdk:"bucket"`
	Prefix       types.String `tfsdk:"prefix"`
	CountExpires types.Bool   `tfsdk:"count_expires"`
	// The blocks are objects, not structs, for the reason given on
	// batchKeyrotateModel: a dynamic block may leave them unknown.
	Filter     types.Object `tfsdk:"filter"`
	Encryption types.Object `tfsdk:"encryption"`

	Versions       types.Int64 `tfsdk:"versions"`
	Bytes          types.Int64 `tfsdk:"bytes"`
	ByKey          types.Map   `tfsdk:"by_key"`
	Pending        types.Int64 `tfsdk:"pending"`
	TaggedVersions types.Int64 `tfsdk:"tagged_versions"`
	DeletedObjects types.Int64 `tfsdk:"deleted_objects"`
	ExpiresHeaders types.Int64 `tfsdk:"expires_headers"`
	LifecycleRules types.Int64 `tfsdk:"lifecycle_rules"`
	TargetUsable   types.Bool  `tfsdk:"target_key_usable"`
	Sites          types.List  `tfsdk:"sites"`
}

// The by_key entries that are not KMS keys.
const (
	byKeySSES3       = "sse-s3"
	byKeySSEC        = "sse-c"
	byKeyUnencrypted = "unencrypted"
)

// previewHeadWorkers bounds the HEAD requests count_expires runs at once.
const previewHeadWorkers = 8

var tallyType = types.ObjectType{AttrTypes: map[string]attr.Type{"versions": types.Int64Type, "bytes": types.Int64Type}}

func (d *keyrotatePreviewDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_keyrotate_preview"
}

func (d *keyrotatePreviewDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

// previewKVBlock is the resource's kvBlock in the data source schema.
func previewKVBlock(what, keyDoc, valueDoc string) schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: what,
		NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
			"key":   schema.StringAttribute{Required: true, MarkdownDescription: keyDoc},
			"value": schema.StringAttribute{Required: true, MarkdownDescription: valueDoc},
		}},
	}
}

// The filter and encryption blocks repeat the resource's (same arguments,
// same meaning, same parsing through specBuilder); the descriptions are
// duplicated because the schema packages of resources and data sources
// differ.
func (d *keyrotatePreviewDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	count := func(doc string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: doc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "What a `minio_batch_keyrotate` job with the same `bucket`, `prefix` and `filter` would look at, counted before it runs: " +
			"for a reviewer, a `precondition` or a policy. One versioned listing of the scope (no request per object, unless `count_expires`), " +
			"with the server's filter rules; the resource runs the same scan before it starts a job.",
		Attributes: map[string]schema.Attribute{
			"bucket": schema.StringAttribute{Required: true,
				MarkdownDescription: "Bucket to look at. It must exist."},
			"prefix": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Only objects whose names start with this prefix, as in the resource."},
			"count_expires": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "Count the versions with an `Expires` header (`expires_headers`). Default `false`: the listing does not return the header, " +
					"so counting lists the scope a second time and sends one HEAD request per SSE-KMS and SSE-S3 version in scope (" + fmt.Sprint(previewHeadWorkers) + " at a time)."},

			"versions": count("Data versions in scope (under `prefix` and selected by `filter`), whatever their encryption; delete markers are not data versions."),
			"bytes":    count("Content bytes of the versions in `versions`."),
			"by_key": schema.MapNestedAttribute{Computed: true,
				MarkdownDescription: "The versions in scope by encryption: one entry per KMS key name holding SSE-KMS versions, and always `sse-s3`, " +
					"`sse-c` and `unencrypted` (0 when there are none). A rotation rewrites SSE-KMS and SSE-S3 versions and leaves SSE-C and plaintext ones as they are. " +
					"A KMS key literally named `sse-s3`, `sse-c` or `unencrypted` is added into that entry, with a warning.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"versions": count("Data versions."),
					"bytes":    count("Their content bytes."),
				}},
			},
			"pending": count("SSE-KMS versions in scope not under the `encryption` target: under another key for an `sse-kms` target, all of them for `sse-s3`. " +
				"Null without an `encryption` block. SSE-S3 versions are not counted (whether they were resealed cannot be seen), " +
				"though the job counts them in its `objects_rotated`."),
			"tagged_versions": count("SSE-KMS and SSE-S3 versions in scope with at least one tag: the rotation rewrites them without their tags."),
			"deleted_objects": count("Deleted objects under `prefix` (their latest version is a delete marker) with at least one version the rotation rewrites: " +
				"it gives that version a newer date than the delete marker, and the object is visible again (the resource puts the marker back). " +
				"Deleted objects whose versions the filter leaves out are not counted: the job never touches them."),
			"target_key_usable": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether MinIO's KMS can encrypt and decrypt with the `sse-kms` target key, checked as apply checks it before a job starts; " +
					"`false` comes with a warning naming the key. Null without an `sse-kms` target, and when the same plan creates the key (a `minio_kes_key`)."},
			"expires_headers": count("SSE-KMS and SSE-S3 versions in scope with an `Expires` header, which the rotation drops. " +
				"Null unless `count_expires = true`: the versioned listing does not return the header (measured), so counting takes a HEAD request per version."),
			"lifecycle_rules": count("Enabled lifecycle rules of the bucket that count days from a version's last-modified time (Expiration or Transition by `Days`, " +
				"NoncurrentVersionExpiration or NoncurrentVersionTransition by `NoncurrentDays`, MinIO's AllVersionsExpiration by `Days`) " +
				"and whose prefix overlaps `prefix`: the rotation restarts their clocks, so expiry and transitions come later. " +
				"Tag and size conditions of a rule are not evaluated (such a rule is counted). 0 without a lifecycle configuration."),
			"sites": previewSitesAttribute(),
		},
		Blocks: map[string]schema.Block{
			"filter": schema.SingleNestedBlock{
				MarkdownDescription: "Narrows the scope exactly as the resource's `filter` block does, with the same arguments and checks. " +
					"Time filters must all hold; then an object matches when any `tag` block matches, or else when any `metadata` block matches.",
				Attributes: map[string]schema.Attribute{
					"newer_than":     schema.StringAttribute{Optional: true, MarkdownDescription: docNewerThan},
					"older_than":     schema.StringAttribute{Optional: true, MarkdownDescription: docOlderThan},
					"created_after":  schema.StringAttribute{Optional: true, MarkdownDescription: docCreatedAfter},
					"created_before": schema.StringAttribute{Optional: true, MarkdownDescription: docCreatedBefore},
					"kms_key": schema.StringAttribute{Optional: true,
						MarkdownDescription: "**Refused**, as in the resource: the pinned MinIO never applies this filter and would rotate objects under every key; " +
							"narrow by `prefix` or `tag` instead, and read `by_key` for the keys in scope."},
				},
				Blocks: map[string]schema.Block{
					"tag":      previewKVBlock(docTag, docTagKey, docPattern),
					"metadata": previewKVBlock(docMetadata, docMetadataKey, docPattern),
				},
			},
			"encryption": schema.SingleNestedBlock{
				MarkdownDescription: "The rotation's target, for `pending`. Optional; when present, checked as the resource's `encryption` block.",
				Attributes: map[string]schema.Attribute{
					"type": schema.StringAttribute{Optional: true,
						MarkdownDescription: "Required in the block: `sse-kms` (target `key`) or `sse-s3`."},
					"key": schema.StringAttribute{Optional: true,
						MarkdownDescription: "KMS key rotated to; required for `sse-kms`, refused for `sse-s3`. ASCII letters, digits, `-` and `_`, at most 80 characters."},
				},
			},
		},
	}
}

// encryptionAttrTypes are those of the resource's encryption block, which
// specBuilder.encryption reads.
var encryptionAttrTypes = map[string]attr.Type{
	"type": types.StringType, "key": types.StringType, "context": types.MapType{ElemType: types.StringType},
}

// asResourceEncryption gives the data source's encryption block the
// resource's shape (no context), so that specBuilder reads it.
func asResourceEncryption(v types.Object) (types.Object, diag.Diagnostics) {
	switch {
	case v.IsNull():
		return types.ObjectNull(encryptionAttrTypes), nil
	case v.IsUnknown():
		return types.ObjectUnknown(encryptionAttrTypes), nil
	}
	attrs := maps.Clone(v.Attributes())
	attrs["context"] = types.MapNull(types.StringType)
	return types.ObjectValue(encryptionAttrTypes, attrs)
}

// spec builds the job spec the preview looks at, through the resource's
// specBuilder. Without an encryption block there is no target to check.
func (m *keyrotatePreviewModel) spec(ctx context.Context) (keyrotate.Spec, *specBuilder) {
	b := &specBuilder{unknown: map[string]bool{}}
	s := keyrotate.Spec{
		Bucket: b.str(m.Bucket, path.Root("bucket")),
		Prefix: b.str(m.Prefix, path.Root("prefix")),
	}
	s.Filter = b.filter(ctx, m.Filter, path.Root("filter"))
	enc, d := asResourceEncryption(m.Encryption)
	b.diags.Append(d...)
	s.Encryption = b.encryption(ctx, enc, path.Root("encryption"))
	if m.Encryption.IsNull() {
		b.unknown["encryption"] = true // no target: its rules have nothing to check
	}
	return s, b
}

// validate reports what does not parse and the spec's own rules, on the
// argument's path, as the resource does.
func (m *keyrotatePreviewModel) validate(ctx context.Context) (keyrotate.Spec, diag.Diagnostics) {
	spec, b := m.spec(ctx)
	b.diags.Append(b.validationDiags(spec)...)
	return spec, b.diags
}

func (d *keyrotatePreviewDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m keyrotatePreviewModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	_, diags := m.validate(ctx)
	resp.Diagnostics.Append(diags...)
}

func (d *keyrotatePreviewDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m keyrotatePreviewModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Everything is known at read: check again what validate may have
	// left for later.
	spec, diags := m.validate(ctx)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || !configured(d.clients, &resp.Diagnostics) {
		return
	}
	if !d.bucketExists(ctx, spec.Bucket, &resp.Diagnostics) {
		return
	}
	scope := scan.ScopeOf(spec)
	where := spec.Bucket + "/" + spec.Prefix
	now := time.Now()
	res, err := scan.ScanConcurrent(ctx, d.clients.s3, scope, scan.Options{Now: now, Tags: d.clients.s3, Progress: func(seen int64) {
		tflog.Info(ctx, "previewing the rotation's scope", map[string]any{"where": where, "versions_seen": seen})
	}}, listingConcurrency)
	if err != nil {
		if !d.clients.explain(err, "The preview was not read.", &resp.Diagnostics) {
			resp.Diagnostics.AddError("Cannot List Object Versions",
				fmt.Sprintf("Listing the versions under %s failed, so nothing could be counted. Check that the credentials may list object versions (s3:ListBucketVersions).\n\n%v", where, err))
		}
		return
	}
	rules, err := scan.LifecycleRules(ctx, d.clients.s3, spec.Bucket, spec.Prefix)
	if err != nil {
		if !d.clients.explain(err, "The preview was not read.", &resp.Diagnostics) {
			resp.Diagnostics.AddError("Cannot Read Lifecycle Configuration",
				fmt.Sprintf("Reading the lifecycle configuration of bucket %q failed, so lifecycle_rules cannot be counted. Check that the credentials may read it (s3:GetLifecycleConfiguration).\n\n%v", spec.Bucket, err))
		}
		return
	}
	m.ExpiresHeaders = types.Int64Null()
	if m.CountExpires.ValueBool() {
		n, err := scan.CountExpires(ctx, d.clients.s3, scope, now, previewHeadWorkers)
		if err != nil {
			if !d.clients.explain(err, "The preview was not read.", &resp.Diagnostics) {
				resp.Diagnostics.AddAttributeError(path.Root("count_expires"), "Cannot Read Object Headers",
					fmt.Sprintf("count_expires: a HEAD request for a version under %s failed, so expires_headers cannot be counted. "+
						"Check that the credentials may read objects (s3:GetObject), or set count_expires = false.\n\n%v", where, err))
			}
			return
		}
		m.ExpiresHeaders = types.Int64Value(n)
	}

	var sd diag.Diagnostics
	if res, m.Sites = d.previewSites(ctx, scope, now, res, &sd); sd.HasError() {
		resp.Diagnostics.Append(sd...)
		return
	}
	m.Versions = types.Int64Value(res.InScope.Versions)
	m.Bytes = types.Int64Value(res.InScope.Bytes)
	byKey, d2 := byKeyValue(res)
	resp.Diagnostics.Append(d2...)
	m.ByKey = byKey
	m.Pending = types.Int64Null()
	if !m.Encryption.IsNull() {
		m.Pending = types.Int64Value(res.Pending(spec.Encryption).Versions)
	}
	m.TaggedVersions = types.Int64Value(res.Tagged)
	m.DeletedObjects = types.Int64Value(res.Resurfacing)
	m.TargetUsable = d.targetUsable(ctx, spec.Encryption, &resp.Diagnostics)
	m.LifecycleRules = types.Int64Value(rules)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (d *keyrotatePreviewDataSource) bucketExists(ctx context.Context, bucket string, diags *diag.Diagnostics) bool {
	exists, err := d.clients.s3.BucketExists(ctx, bucket)
	switch {
	case err != nil:
		if !d.clients.explain(err, "The preview was not read.", diags) {
			diags.AddAttributeError(path.Root("bucket"), "Cannot Check Bucket",
				fmt.Sprintf("bucket: checking that bucket %q exists failed. Check that the credentials may list it (s3:ListBucket).\n\n%v", bucket, err))
		}
		return false
	case !exists:
		d.clients.bucketNotFound(bucket, "There is nothing to preview.", path.Root("bucket"), diags)
		return false
	}
	return true
}

// byKeyValue is the by_key map of a scan.
func byKeyValue(res *scan.Result) (types.Map, diag.Diagnostics) {
	var diags diag.Diagnostics
	entries := map[string]scan.Tally{byKeySSES3: res.SSES3, byKeySSEC: res.SSEC, byKeyUnencrypted: res.Unencrypted}
	for _, key := range slices.Sorted(maps.Keys(res.KMS)) {
		t := res.KMS[key]
		if other, clash := entries[key]; clash {
			diags.AddAttributeWarning(path.Root("by_key").AtMapKey(key), "KMS Key Name Shared With by_key Entry",
				fmt.Sprintf("by_key[%q]: %d SSE-KMS versions in scope are under a KMS key named %q, which is also the name of the entry for %s versions. "+
					"The entry adds both; count the others with a prefix or filter that tells them apart.", key, t.Versions, key, key))
			t = scan.Tally{Versions: t.Versions + other.Versions, Bytes: t.Bytes + other.Bytes}
		}
		entries[key] = t
	}
	values := make(map[string]attr.Value, len(entries))
	for k, t := range entries {
		values[k] = types.ObjectValueMust(tallyType.AttrTypes, map[string]attr.Value{
			"versions": types.Int64Value(t.Versions), "bytes": types.Int64Value(t.Bytes)})
	}
	m, d := types.MapValue(tallyType, values)
	diags.Append(d...)
	return m, diags
}

// targetUsable checks an sse-kms target key as apply's preflight does;
// null without one. A key MinIO cannot use is a warning, not an error: the
// preview is for reviewers, and the key may be created in the same apply.
func (d *keyrotatePreviewDataSource) targetUsable(ctx context.Context, target keyrotate.Encryption, diags *diag.Diagnostics) types.Bool {
	if target.Type != keyrotate.SSEKMS || target.Key == "" || d.clients.keyPlanned(target.Key) {
		return types.BoolNull() // a key this plan creates cannot be checked before apply
	}
	if err := preflight.CheckKey(ctx, d.clients.admin, target.Key); err != nil {
		diags.AddAttributeWarning(path.Root("encryption").AtName("key"), "Target Key Not Usable",
			fmt.Sprintf("MinIO's KMS cannot use key %q, the target of this preview, so a rotation to it would stop before any job starts. "+
				"Create it first (minio_kes_key, or `kes key create %s`), or correct encryption.key.\n\n%v", target.Key, target.Key, err))
		return types.BoolValue(false)
	}
	return types.BoolValue(true)
}
