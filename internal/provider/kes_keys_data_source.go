package provider

import (
	"context"
	"fmt"
	"path"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	tfpath "github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/conn"
)

var _ datasource.DataSourceWithConfigure = (*kesKeysDataSource)(nil)

type kesKeysDataSource struct {
	clients *clients
}

// NewKESKeysDataSource is the minio_kes_keys data source.
func NewKESKeysDataSource() datasource.DataSource { return &kesKeysDataSource{} }

type kesKeysModel struct {
	Pattern types.String `tfsdk:"pattern"`
	Keys    []kesKeyItem `tfsdk:"keys"`
}

type kesKeyItem struct {
	Name      types.String `tfsdk:"name"`
	CreatedAt types.String `tfsdk:"created_at"`
	CreatedBy types.String `tfsdk:"created_by"`
}

func (d *kesKeysDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_kes_keys"
}

func (d *kesKeysDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *kesKeysDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The keys in KES whose names match a pattern, through the provider's `kes` block.",
		Attributes: map[string]schema.Attribute{
			"pattern": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Glob pattern on key names (`*`, `?`, `[a-z]`), e.g. `finance-*`. Default: every key."},
			"keys": schema.ListNestedAttribute{
				Computed: true, MarkdownDescription: "Matching keys, by name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":       schema.StringAttribute{Computed: true, MarkdownDescription: "Key name."},
					"created_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When KES created the key (RFC 3339)."},
					"created_by": schema.StringAttribute{Computed: true, MarkdownDescription: "The KES identity that created the key."},
				}},
			},
		},
	}
}

func (d *kesKeysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m kesKeysModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !kesConfigured(d.clients, "minio_kes_keys", &resp.Diagnostics) {
		return
	}
	pattern := m.Pattern.ValueString()
	if pattern == "" {
		pattern = "*"
	}
	if _, err := path.Match(pattern, ""); err != nil {
		resp.Diagnostics.AddAttributeError(tfpath.Root("pattern"), "Invalid Key Pattern", fmt.Sprintf("%q is not a glob pattern: %v.", pattern, err))
		return
	}
	names, err := d.clients.listKESKeys(ctx)
	if err != nil {
		if !d.clients.explainKES(err, "Listing keys failed.", conn.KESListKeys, &resp.Diagnostics) {
			resp.Diagnostics.AddError("Cannot List KES Keys", "Listing keys in KES failed. Check that the identity may list keys (/v1/key/list/*).\n\n"+err.Error())
		}
		return
	}
	sort.Strings(names)
	m.Keys = []kesKeyItem{}
	for _, name := range names {
		if ok, _ := path.Match(pattern, name); !ok {
			continue
		}
		info, err := d.clients.kes.Client.DescribeKey(ctx, name)
		if err != nil {
			if !d.clients.explainKES(err, fmt.Sprintf("Describing key %q failed.", name), conn.KESDescribeKey, &resp.Diagnostics) {
				resp.Diagnostics.AddError("Cannot Read KES Key", fmt.Sprintf("Describing key %q failed. Check that the identity may describe keys (/v1/key/describe/*).\n\n%v", name, err))
			}
			return
		}
		m.Keys = append(m.Keys, kesKeyItem{Name: types.StringValue(name),
			CreatedAt: types.StringValue(info.CreatedAt.UTC().Format(time.RFC3339)), CreatedBy: types.StringValue(info.CreatedBy.String())})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// listKeys pages through every key name. KES 0.23 reads the list path as a
// glob, so "*" asks for all (newer servers read it as a prefix and
// continue from the token they return); the user's pattern is applied
// here, the same way for both.
func (c *clients) listKESKeys(ctx context.Context) ([]string, error) {
	var all []string
	for from := "*"; ; {
		names, next, err := c.kes.Client.ListKeys(ctx, from, 0)
		if err != nil {
			return nil, err
		}
		all = append(all, names...)
		if next == "" || next == from {
			return all, nil
		}
		from = next
	}
}
