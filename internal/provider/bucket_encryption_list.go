package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

var (
	_ list.ListResourceWithConfigure = (*bucketEncryptionList)(nil)
)

// bucketEncryptionList lists the buckets that have a default encryption,
// for terraform query.
type bucketEncryptionList struct {
	clients *clients
}

// NewBucketEncryptionList is the minio_bucket_encryption list resource.
func NewBucketEncryptionList() list.ListResource { return &bucketEncryptionList{} }

type bucketEncryptionListModel struct {
	Type types.String `tfsdk:"type"`
	Key  types.String `tfsdk:"key"`
}

// bucketDefault is a bucket's default encryption as the list found it.
type bucketDefault struct {
	bucket     string
	encryption types.Object
}

func (l *bucketEncryptionList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_bucket_encryption"
}

func (l *bucketEncryptionList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *bucketEncryptionList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The buckets that have a default encryption, each as a `minio_bucket_encryption` to import. Buckets without one are left out.",
		Attributes: map[string]schema.Attribute{
			"type": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Only defaults of this type: `sse-kms` or `sse-s3`.",
				Validators:          []validator.String{stringvalidator.OneOf(string(keyrotate.SSEKMS), string(keyrotate.SSES3))}},
			"key": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Only `sse-kms` defaults naming this KMS key."},
		},
	}
}

func (l *bucketEncryptionList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg bucketEncryptionListModel
	var diags diag.Diagnostics
	diags.Append(req.Config.Get(ctx, &cfg)...)
	found := l.defaults(ctx, cfg, &diags)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = listResults(ctx, req, identityBucket, found, func(d bucketDefault) foundItem {
		m := bucketEncryptionModel{ID: types.StringValue(d.bucket), Bucket: types.StringValue(d.bucket), Encryption: d.encryption}
		return foundItem{identity: d.bucket, display: d.bucket, model: &m}
	})
}

// defaults are the buckets' defaults that match cfg, by bucket name.
func (l *bucketEncryptionList) defaults(ctx context.Context, cfg bucketEncryptionListModel, diags *diag.Diagnostics) []bucketDefault {
	if !configured(l.clients, diags) {
		return nil
	}
	buckets, err := l.clients.s3.ListBuckets(ctx)
	if err != nil {
		l.fail(err, "Listing the buckets failed.", diags)
		return nil
	}
	var found []bucketDefault
	for _, b := range buckets { // sorted by name, as S3 lists them
		sseCfg, err := l.clients.s3.GetBucketEncryption(ctx, b.Name)
		switch code := minio.ToErrorResponse(err).Code; {
		case code == bucketEncNotFound || code == bucketEncNoSuchBucket:
			continue
		case err != nil:
			l.fail(err, fmt.Sprintf("Reading the default encryption of bucket %q failed.", b.Name), diags)
			return nil
		}
		enc, d := bucketEncryptionObject(sseCfg)
		if diags.Append(d...); diags.HasError() {
			return nil
		}
		typ, _ := enc.Attributes()["type"].(types.String)
		key, _ := enc.Attributes()["key"].(types.String)
		if (!cfg.Type.IsNull() && typ.ValueString() != cfg.Type.ValueString()) || (!cfg.Key.IsNull() && key.ValueString() != cfg.Key.ValueString()) {
			continue
		}
		found = append(found, bucketDefault{bucket: b.Name, encryption: enc})
	}
	return found
}

func (l *bucketEncryptionList) fail(err error, doing string, diags *diag.Diagnostics) {
	if !l.clients.explain(err, doing, diags) {
		diags.AddError("Cannot List Bucket Encryption",
			doing+" Check that the credentials may list the buckets and read their defaults (s3:ListAllMyBuckets, s3:GetEncryptionConfiguration).\n\n"+err.Error())
	}
}
