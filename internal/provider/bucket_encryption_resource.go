package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/sse"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/conn"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/preflight"
)

var (
	_ resource.ResourceWithImportState    = (*bucketEncryptionResource)(nil)
	_ resource.ResourceWithValidateConfig = (*bucketEncryptionResource)(nil)
	_ resource.ResourceWithConfigure      = (*bucketEncryptionResource)(nil)
	_ resource.ResourceWithIdentity       = (*bucketEncryptionResource)(nil)
)

// bucketEncryptionResource is a bucket's default encryption: what objects
// written without encryption headers are sealed under. A rotation moves
// the objects that exist; this moves the ones written afterwards.
type bucketEncryptionResource struct {
	clients *clients
}

// NewBucketEncryptionResource is the minio_bucket_encryption resource.
func NewBucketEncryptionResource() resource.Resource { return &bucketEncryptionResource{} }

type bucketEncryptionModel struct {
	ID         types.String `tfsdk:"id"`
	Bucket     types.String `tfsdk:"bucket"`
	Encryption types.Object `tfsdk:"encryption"` // an object, not a struct: a dynamic block may leave it unknown
}

// The S3 error codes the resource tells apart.
const (
	bucketEncNoSuchBucket = "NoSuchBucket"
	bucketEncNotFound     = "ServerSideEncryptionConfigurationNotFoundError"
	bucketEncARNPrefix    = "arn:aws:kms:"
	bucketEncAES256       = "AES256"
	bucketEncAWSKMS       = "aws:kms"
)

// bucketEncryptionAttrTypes are the attributes of this resource's
// encryption block: the rotation's without context.
var bucketEncryptionAttrTypes = map[string]attr.Type{"type": types.StringType, "key": types.StringType}

func (r *bucketEncryptionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bucket_encryption"
}

func (r *bucketEncryptionResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = singleIdentitySchema(identityBucket, "The bucket whose default encryption this is.")
}

func (r *bucketEncryptionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *bucketEncryptionResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A bucket's default encryption: the key MinIO seals every object written to `bucket` without encryption headers under. " +
			"A rotation (`minio_batch_keyrotate`) re-seals the objects that exist but leaves the bucket default alone, so objects written after it " +
			"are sealed under whatever key the default still names; manage both, towards the same key.",
		Attributes: map[string]schema.Attribute{
			"id": computedString("The bucket name."),
			"bucket": schema.StringAttribute{
				Required: true, PlanModifiers: replaced,
				MarkdownDescription: "Bucket whose default encryption this is. It must exist. Changing it removes the default from the old bucket and sets it on the new one.",
			},
		},
		Blocks: map[string]schema.Block{
			"encryption": schema.SingleNestedBlock{
				MarkdownDescription: "The encryption objects written to the bucket without encryption headers get, as in `minio_batch_keyrotate`. " +
					"Required (checked at validate: a block cannot be marked required).",
				Attributes: map[string]schema.Attribute{
					"type": schema.StringAttribute{
						Optional:            true, // a Required argument of an absent block would be reported as missing too
						MarkdownDescription: "Required: `sse-kms` (seal under `key`) or `sse-s3` (seal under MinIO's default KMS key).",
					},
					"key": schema.StringAttribute{
						Optional: true,
						MarkdownDescription: "KMS key new objects are sealed under; required for `sse-kms`, refused for `sse-s3`. It must exist and be usable: " +
							"apply checks that before it changes the default. " + strings.ToUpper(keyrotate.KeyNameRule[:1]) + keyrotate.KeyNameRule[1:] + ".",
					},
				},
			},
		},
	}
}

// spec reads the configuration into the parts of a rotation spec it
// shares with minio_batch_keyrotate (bucket and encryption), through the
// same builder, so that the rules and their messages are the rotation's.
func (m *bucketEncryptionModel) spec(ctx context.Context) (keyrotate.Spec, *specBuilder) {
	b := &specBuilder{unknown: map[string]bool{}}
	s := keyrotate.Spec{Bucket: b.str(m.Bucket, path.Root("bucket"))}
	s.Encryption = b.encryption(ctx, bucketEncryptionWithContext(m.Encryption, &b.diags), path.Root("encryption"))
	return s, b
}

// bucketEncryptionWithContext gives a known encryption block the rotation's context
// attribute, null, so that specBuilder.encryption can read it.
func bucketEncryptionWithContext(v types.Object, diags *diag.Diagnostics) types.Object {
	if v.IsNull() || v.IsUnknown() {
		return v
	}
	attrs := map[string]attr.Value{"context": types.MapNull(types.StringType)}
	attrTypes := map[string]attr.Type{"context": types.MapType{ElemType: types.StringType}}
	for k, t := range v.AttributeTypes(context.Background()) {
		attrs[k], attrTypes[k] = v.Attributes()[k], t
	}
	o, d := types.ObjectValue(attrTypes, attrs)
	diags.Append(d...)
	return o
}

// validate is the whole check of a configuration: a missing encryption
// block, then the rotation's rules for bucket and encryption. Errors in a
// block holding a value not yet known wait for apply.
func (m *bucketEncryptionModel) validate(ctx context.Context) (keyrotate.Spec, diag.Diagnostics) {
	spec, b := m.spec(ctx)
	if m.Encryption.IsNull() {
		b.missingEncryption("A bucket's default encryption needs the encryption new objects get.")
	}
	b.diags.Append(b.validationDiags(spec)...)
	return spec, b.diags
}

// ValidateConfig applies the rotation's rules at validate and plan time,
// on the argument that is wrong.
func (r *bucketEncryptionResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m bucketEncryptionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	_, d := m.validate(ctx)
	resp.Diagnostics.Append(d...)
}

func (r *bucketEncryptionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.apply(ctx, req.Plan.Get, &resp.State, resp.Identity, &resp.Diagnostics)
}

// Update sets the new default in place; bucket forces a replacement, so
// only encryption can have changed.
func (r *bucketEncryptionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.apply(ctx, req.Plan.Get, &resp.State, resp.Identity, &resp.Diagnostics)
}

type bucketEncryptionState interface {
	Set(context.Context, any) diag.Diagnostics
}

// apply checks that the bucket exists and the key is usable, then sets
// the bucket's default encryption.
func (r *bucketEncryptionResource) apply(ctx context.Context, get func(context.Context, any) diag.Diagnostics, state bucketEncryptionState, identity *tfsdk.ResourceIdentity, diags *diag.Diagnostics) {
	var plan bucketEncryptionModel
	diags.Append(get(ctx, &plan)...)
	if diags.HasError() || !configured(r.clients, diags) {
		return
	}
	// Values unknown at plan are known now: validate everything again.
	spec, d := plan.validate(ctx)
	diags.Append(d...)
	if diags.HasError() {
		return
	}
	bucket := spec.Bucket
	notChanged := fmt.Sprintf("The default encryption of bucket %q was not changed.", bucket)
	if !r.bucketExists(ctx, bucket, notChanged, diags) {
		return
	}
	key := ""
	cfg := sse.NewConfigurationSSES3()
	if spec.Encryption.Type == keyrotate.SSEKMS {
		key = spec.Encryption.Key
		cfg = sse.NewConfigurationSSEKMS(key)
	}
	if !r.keyUsable(ctx, bucket, key, notChanged, diags) {
		return
	}
	if err := r.clients.s3.SetBucketEncryption(ctx, bucket, cfg); err != nil {
		switch {
		case minio.ToErrorResponse(err).Code == bucketEncNoSuchBucket:
			r.clients.bucketNotFound(bucket, notChanged, path.Root("bucket"), diags)
		case r.clients.explain(err, notChanged, diags):
		default:
			diags.AddError("Cannot Set Bucket Encryption",
				fmt.Sprintf("%s MinIO refused to set it. Check that the credentials may set it (s3:PutEncryptionConfiguration) and that MinIO has a KMS configured.\n\n%v", notChanged, err))
		}
		return
	}
	tflog.Info(ctx, "set the bucket's default encryption", map[string]any{"bucket": bucket, "type": string(spec.Encryption.Type), "key": key})
	plan.ID = types.StringValue(bucket)
	diags.Append(state.Set(ctx, &plan)...)
	setIdentity(ctx, identity, identityBucket, bucket, diags)
}

// bucketExists reports whether bucket exists, saying why not otherwise.
func (r *bucketEncryptionResource) bucketExists(ctx context.Context, bucket, notChanged string, diags *diag.Diagnostics) bool {
	exists, err := r.clients.s3.BucketExists(ctx, bucket)
	switch {
	case err != nil:
		if !r.clients.explain(err, notChanged, diags) {
			diags.AddAttributeError(path.Root("bucket"), "Cannot Check Bucket",
				fmt.Sprintf("bucket: %s Checking that the bucket exists failed. Check that the credentials may list it (s3:ListBucket).\n\n%v", notChanged, err))
		}
		return false
	case !exists:
		r.clients.bucketNotFound(bucket, notChanged, path.Root("bucket"), diags)
		return false
	}
	return true
}

// keyUsable checks the key as a rotation does before it starts: MinIO's
// KMS key status API encrypts and decrypts with it (key "" is MinIO's
// default key, used for SSE-S3), then KES, when configured, says whether
// it has the key, which names a missing key more plainly.
func (r *bucketEncryptionResource) keyUsable(ctx context.Context, bucket, key, notChanged string, diags *diag.Diagnostics) bool {
	err := preflight.CheckKey(ctx, r.clients.admin, key)
	if err != nil && r.clients.explain(err, notChanged, diags) {
		return false
	}
	if r.clients.kes != nil && key != "" {
		if kerr := preflight.CheckKESKey(ctx, r.clients.kes.Client, key); kerr != nil {
			if r.clients.explainKES(kerr, notChanged, conn.KESDescribeKey, diags) {
				return false
			}
			err = kerr
		}
	}
	if err == nil {
		return true
	}
	if key == "" {
		diags.AddAttributeError(path.Root("encryption").AtName("type"), "Target Key Not Usable",
			fmt.Sprintf("encryption.type: %s MinIO cannot use its default KMS key, which sse-s3 seals objects under. "+
				"Check MinIO's KMS configuration (MINIO_KMS_KES_KEY_NAME names the default key, which KES must hold and MinIO's KES identity may use), "+
				"or use type = \"sse-kms\" with a key, then apply again.\n\n%v", notChanged, err))
		return false
	}
	diags.AddAttributeError(path.Root("encryption").AtName("key"), "Target Key Not Usable",
		fmt.Sprintf("encryption.key: %s MinIO cannot use key %q. Create the key first (the minio_kes_key resource, `mc admin kms key create ALIAS %s` or `kes key create %s`) "+
			"and make sure MinIO's KES identity may use it, then apply again.\n\n%v", notChanged, key, key, key, err))
	return false
}

func (r *bucketEncryptionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state bucketEncryptionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !configured(r.clients, &resp.Diagnostics) {
		return
	}
	bucket := state.Bucket.ValueString()
	cfg, err := r.clients.s3.GetBucketEncryption(ctx, bucket)
	if err != nil {
		switch minio.ToErrorResponse(err).Code {
		case bucketEncNotFound:
			tflog.Warn(ctx, "the bucket has no default encryption any more (removed outside Terraform); removing it from state, the next plan sets it again",
				map[string]any{"bucket": bucket})
			resp.State.RemoveResource(ctx)
			return
		case bucketEncNoSuchBucket:
			tflog.Warn(ctx, "the bucket no longer exists; removing its default encryption from state", map[string]any{"bucket": bucket})
			resp.State.RemoveResource(ctx)
			return
		}
		doing := fmt.Sprintf("Reading the default encryption of bucket %q failed.", bucket)
		if !r.clients.explain(err, doing, &resp.Diagnostics) {
			resp.Diagnostics.AddError("Cannot Read Bucket Encryption",
				fmt.Sprintf("%s Check that the credentials may read it (s3:GetEncryptionConfiguration).\n\n%v", doing, err))
		}
		return
	}
	enc, d := bucketEncryptionObject(cfg)
	resp.Diagnostics.Append(d...)
	state.Encryption = enc
	state.ID = types.StringValue(bucket)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	setIdentity(ctx, resp.Identity, identityBucket, bucket, &resp.Diagnostics)
}

// bucketEncryptionObject is the encryption block that describes cfg: the
// server's values, so that a default changed outside Terraform shows in
// the plan as a difference from the configuration.
func bucketEncryptionObject(cfg *sse.Configuration) (types.Object, diag.Diagnostics) {
	typ, key := types.StringNull(), types.StringNull()
	if cfg != nil && len(cfg.Rules) > 0 {
		apply := cfg.Rules[0].Apply
		switch apply.SSEAlgorithm {
		case bucketEncAES256:
			typ = types.StringValue(string(keyrotate.SSES3))
		case bucketEncAWSKMS:
			typ = types.StringValue(string(keyrotate.SSEKMS))
		default:
			// Not a default this resource writes: shown as it is, the
			// plan then puts the configured one back.
			typ = types.StringValue(apply.SSEAlgorithm)
		}
		if apply.KmsMasterKeyID != "" {
			key = types.StringValue(strings.TrimPrefix(apply.KmsMasterKeyID, bucketEncARNPrefix))
		}
	}
	return types.ObjectValue(bucketEncryptionAttrTypes, map[string]attr.Value{"type": typ, "key": key})
}

// Delete removes the default. Objects already stored keep their keys.
func (r *bucketEncryptionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state bucketEncryptionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !configured(r.clients, &resp.Diagnostics) {
		return
	}
	bucket := state.Bucket.ValueString()
	err := r.clients.s3.RemoveBucketEncryption(ctx, bucket)
	if err == nil {
		return
	}
	switch minio.ToErrorResponse(err).Code {
	case bucketEncNoSuchBucket, bucketEncNotFound:
		return // already gone
	}
	doing := fmt.Sprintf("The default encryption of bucket %q was not removed.", bucket)
	if !r.clients.explain(err, doing, &resp.Diagnostics) {
		resp.Diagnostics.AddError("Cannot Remove Bucket Encryption",
			fmt.Sprintf("%s Check that the credentials may change it (s3:PutEncryptionConfiguration), then destroy again.\n\n%v", doing, err))
	}
}

// ImportState takes the bucket name. The bucket must have a default
// encryption: there is nothing to import otherwise.
func (r *bucketEncryptionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	bucket := importID(ctx, req, identityBucket, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("bucket"), bucket)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), bucket)...)
	setIdentity(ctx, resp.Identity, identityBucket, bucket, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || r.clients == nil {
		return // the read that follows says what is missing
	}
	_, err := r.clients.s3.GetBucketEncryption(ctx, bucket)
	switch code := minio.ToErrorResponse(err).Code; {
	case err == nil:
	case code == bucketEncNotFound:
		resp.Diagnostics.AddError("Bucket Has No Default Encryption",
			fmt.Sprintf("Bucket %q has no default encryption, so there is nothing to import. Remove the import and let apply create it.\n\n%v", bucket, err))
	case code == bucketEncNoSuchBucket:
		r.clients.bucketNotFound(bucket, "Import takes the name of a bucket that has a default encryption.", path.Empty(), &resp.Diagnostics)
	default:
		doing := fmt.Sprintf("Reading the default encryption of bucket %q failed.", bucket)
		if !r.clients.explain(err, doing, &resp.Diagnostics) {
			resp.Diagnostics.AddError("Cannot Import Bucket Encryption",
				fmt.Sprintf("%s Check that the credentials may read it (s3:GetEncryptionConfiguration).\n\n%v", doing, err))
		}
	}
}
