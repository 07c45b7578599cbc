package provider

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/minio/kes-go"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/conn"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/usage"
)

var (
	_ list.ListResourceWithConfigure = (*kesKeyList)(nil)
)

// kesKeyList lists the keys KES holds, for terraform query.
type kesKeyList struct {
	clients *clients
}

// NewKESKeyList is the minio_kes_key list resource.
func NewKESKeyList() list.ListResource { return &kesKeyList{} }

type kesKeyListModel struct {
	Pattern types.String `tfsdk:"pattern"`
	InUse   types.Bool   `tfsdk:"in_use"`
}

func (l *kesKeyList) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_kes_key"
}

func (l *kesKeyList) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *kesKeyList) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The keys KES holds, each as a `minio_kes_key` to import. Listed with `allow_destroy = false`.",
		Attributes: map[string]schema.Attribute{
			"pattern": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Only keys whose name matches this glob pattern (`*`, `?`, `[...]`), such as `finance-*`. Default: every key."},
			"in_use": schema.BoolAttribute{Optional: true,
				MarkdownDescription: "`true`: only keys something on the provider's deployment uses (a data version sealed under it, a bucket default naming it, " +
					"MinIO's own default key); `false`: only keys nothing there uses. Unset: no check. Checking lists every version of every bucket once."},
		},
	}
}

func (l *kesKeyList) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var cfg kesKeyListModel
	var diags diag.Diagnostics
	diags.Append(req.Config.Get(ctx, &cfg)...)
	names := l.names(ctx, cfg, &diags)
	if diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = listResults(ctx, req, identityKey, names, func(name string) foundItem {
		m := adoptedKESKey(name)
		if req.IncludeResource {
			err := l.clients.describeKESKey(ctx, &m)
			switch {
			case errors.Is(err, kes.ErrKeyNotFound): // deleted since it was listed
				return foundItem{skip: true}
			case err != nil:
				var d diag.Diagnostics
				l.explain(err, fmt.Sprintf("Key %q is left out of the list: describing it failed.", name), conn.KESDescribeKey, &d)
				return foundItem{failed: d}
			}
		}
		return foundItem{identity: name, display: name, model: &m}
	})
}

// names are the keys to list, sorted.
func (l *kesKeyList) names(ctx context.Context, cfg kesKeyListModel, diags *diag.Diagnostics) []string {
	if !kesConfigured(l.clients, "The minio_kes_key list", diags) {
		return nil
	}
	pattern := cfg.Pattern.ValueString()
	if pattern == "" {
		pattern = "*"
	}
	if _, err := path.Match(pattern, ""); err != nil {
		diags.AddError("Invalid Key Pattern", fmt.Sprintf("pattern: %q is not a glob pattern: %v. Use *, ? and [...], such as finance-*.", pattern, err))
		return nil
	}
	all, err := l.clients.listKESKeys(ctx)
	if err != nil {
		l.explain(err, "Listing keys failed.", conn.KESListKeys, diags)
		return nil
	}
	var used map[string]bool
	if !cfg.InUse.IsNull() {
		if used = l.keysInUse(ctx, diags); diags.HasError() {
			return nil
		}
	}
	var names []string
	for _, name := range all {
		if ok, _ := path.Match(pattern, name); ok && (cfg.InUse.IsNull() || used[name] == cfg.InUse.ValueBool()) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// keysInUse is every key something on the deployment uses.
func (l *kesKeyList) keysInUse(ctx context.Context, diags *diag.Diagnostics) map[string]bool {
	def, err := usage.ServerDefaultKey(ctx, l.clients.admin)
	if err == nil {
		var used map[string]bool
		if used, err = usage.KeysInUse(ctx, l.clients.s3, def); err == nil {
			return used
		}
	}
	const doing = "in_use: the list checks what uses each key, and reading the deployment failed."
	if !l.clients.explain(err, doing, diags) {
		diags.AddError("Cannot Check Key Usage", doing+" Check that the credentials may list every bucket and its versions (s3:ListBucket, s3:ListBucketVersions), "+
			"read bucket defaults (s3:GetEncryptionConfiguration) and MinIO's KMS status (admin:KMSKeyStatus), or leave in_use unset.\n\n"+err.Error())
	}
	return nil
}

// explain words a KES failure as the resources do.
func (l *kesKeyList) explain(err error, doing, call string, diags *diag.Diagnostics) {
	if !l.clients.explainKES(err, doing, call, diags) {
		diags.AddError("Cannot Read KES Keys", fmt.Sprintf("%s Check that the identity may list and describe keys (/v1/key/list/*, /v1/key/describe/*).\n\n%v", doing, err))
	}
}
