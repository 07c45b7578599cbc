// Package provider is the Terraform glue of the minio provider: schemas,
// plan and state handling. The work itself is done by the plain packages
// beside it (keyrotate, batchjob, conn).
package provider

import (
	"context"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/conn"
)

var (
	_ provider.ProviderWithFunctions     = (*minioProvider)(nil)
	_ provider.ProviderWithActions       = (*minioProvider)(nil)
	_ provider.ProviderWithListResources = (*minioProvider)(nil)
)

type minioProvider struct {
	version string
}

// New returns a constructor of the provider for providerserver.Serve.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &minioProvider{version: version} }
}

type providerModel struct {
	Endpoint      types.String `tfsdk:"endpoint"`
	AccessKey     types.String `tfsdk:"access_key"`
	SecretKey     types.String `tfsdk:"secret_key"`
	SessionToken  types.String `tfsdk:"session_token"`
	Region        types.String `tfsdk:"region"`
	UseSSL        types.Bool   `tfsdk:"use_ssl"`
	CAFile        types.String `tfsdk:"ca_file"`
	CAPEM         types.String `tfsdk:"ca_pem"`
	Insecure      types.Bool   `tfsdk:"insecure"`
	SiteEndpoints types.Map    `tfsdk:"site_endpoints"`
	KES           types.Object `tfsdk:"kes"`
}

type kesModel struct {
	Endpoint       types.String `tfsdk:"endpoint"`
	APIKey         types.String `tfsdk:"api_key"`
	ClientCertFile types.String `tfsdk:"client_cert_file"`
	ClientKeyFile  types.String `tfsdk:"client_key_file"`
	CAFile         types.String `tfsdk:"ca_file"`
	ClientCertPEM  types.String `tfsdk:"client_cert_pem"`
	ClientKeyPEM   types.String `tfsdk:"client_key_pem"`
	CAPEM          types.String `tfsdk:"ca_pem"`
	Insecure       types.Bool   `tfsdk:"insecure"`
}

func (p *minioProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "minio"
	resp.Version = p.version
}

// conflictsWithSibling refuses a kes argument set together with its twin.
func conflictsWithSibling(name string) []validator.String {
	return []validator.String{stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName(name))}
}

func kesEnvDoc(field string) string {
	return " Read from `" + conn.KESEnvName(field) + "` when not set."
}

// envDoc is the sentence naming the variables that set an argument.
func envDoc(field string) string {
	return " Read from `" + strings.Join(conn.EnvNames(field), "`, else `") + "` when not set."
}

func (p *minioProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Runs MinIO's server-side key rotation (batch `keyrotate` jobs) declaratively. " +
			"All arguments may come from the environment, so a configuration can leave the block empty.",
		Attributes: map[string]schema.Attribute{
			"endpoint": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "MinIO's S3 endpoint: `host:port`, or `http(s)://host:port`, whose scheme then decides TLS." + envDoc("endpoint"),
			},
			"access_key": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Access key of a MinIO user holding the policy of the guide \"Credentials\" (`examples/iam/minio-rotation-policy.json`); no root credentials are needed." + envDoc("access_key"),
			},
			"secret_key": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Secret key for `access_key`." + envDoc("secret_key"),
			},
			"session_token": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Session token of temporary (STS) credentials." + envDoc("session_token"),
			},
			"region": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Region MinIO is configured with, if any." + envDoc("region"),
			},
			"use_ssl": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Use HTTPS with a bare `host:port` endpoint. Defaults to false." + envDoc("use_ssl"),
			},
			"ca_file": schema.StringAttribute{
				Optional:            true,
				Validators:          []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("ca_pem"))},
				MarkdownDescription: "PEM file of a CA to trust besides the system's, for a MinIO with a private certificate." + envDoc("ca_file"),
			},
			"ca_pem": schema.StringAttribute{
				Optional:   true,
				Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("ca_file"))},
				MarkdownDescription: "The content of `ca_file` (`-----BEGIN CERTIFICATE-----...`), for runs that have variables but no files, such as Terraform Cloud. " +
					"Set one of the two." + envDoc("ca_pem"),
			},
			"insecure": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Skip TLS certificate verification. Only for tests: anyone on the path can read the credentials." + envDoc("insecure"),
			},
			"site_endpoints": schema.MapAttribute{
				Optional:    true,
				ElementType: types.StringType,
				Validators:  []validator.Map{mapvalidator.SizeAtLeast(1), mapvalidator.KeysAre(stringvalidator.LengthAtLeast(1)), mapvalidator.ValueStringsAre(stringvalidator.LengthAtLeast(1))},
				MarkdownDescription: "Where this machine reaches the other sites of a site-replication group, by site name (`{ \"site-b\" = \"10.0.0.2:9000\" }`; " +
					"`host:port` keeps the scheme of `endpoint`, a URL sets its own). The provider finds the sites itself, and reaches each at the endpoint the group knows it by; " +
					"set this only where that address does not work from here (a runner outside the sites' network, a load balancer). The credentials and CA settings serve every site. " +
					"A name the group does not have is an error. Read from `" + conn.SiteEndpointsEnv + "` (`site-b=host:port,site-c=https://host:port`) when not set.",
			},
		},
		Blocks: map[string]schema.Block{
			"kes": schema.SingleNestedBlock{
				MarkdownDescription: "Connection to KES, MinIO's key server, for `minio_kes_key` and `minio_kes_keys`. With it (or with `KES_SERVER` set), " +
					"`minio_batch_keyrotate` also checks through KES that its target key exists before it starts a job.",
				Attributes: map[string]schema.Attribute{
					"endpoint": schema.StringAttribute{Optional: true,
						MarkdownDescription: "KES URL, `https://host:port`." + kesEnvDoc("endpoint")},
					"api_key": schema.StringAttribute{Optional: true, Sensitive: true,
						MarkdownDescription: "KES API key (`kes:v1:...`, from `kes identity new`). Alternative to a client certificate." + kesEnvDoc("api_key")},
					"client_cert_file": schema.StringAttribute{Optional: true, Validators: conflictsWithSibling("client_cert_pem"),
						MarkdownDescription: "PEM client certificate, with `client_key_file`; alternative to `api_key`." + kesEnvDoc("client_cert_file")},
					"client_key_file": schema.StringAttribute{Optional: true, Validators: conflictsWithSibling("client_key_pem"),
						MarkdownDescription: "PEM private key of `client_cert_file`." + kesEnvDoc("client_key_file")},
					"ca_file": schema.StringAttribute{Optional: true, Validators: conflictsWithSibling("ca_pem"),
						MarkdownDescription: "PEM file of the CA that signed KES's certificate, if private." + kesEnvDoc("ca_file")},
					"client_cert_pem": schema.StringAttribute{Optional: true, Validators: conflictsWithSibling("client_cert_file"),
						MarkdownDescription: "The content of `client_cert_file`, for runs without files." + kesEnvDoc("client_cert_pem")},
					"client_key_pem": schema.StringAttribute{Optional: true, Sensitive: true, Validators: conflictsWithSibling("client_key_file"),
						MarkdownDescription: "The content of `client_key_file`, for runs without files. Pass it from an `ephemeral` variable or the environment, so that no plan file holds it." +
							kesEnvDoc("client_key_pem")},
					"ca_pem": schema.StringAttribute{Optional: true, Validators: conflictsWithSibling("ca_file"),
						MarkdownDescription: "The content of `ca_file`, for runs without files." + kesEnvDoc("ca_pem")},
					"insecure": schema.BoolAttribute{Optional: true,
						MarkdownDescription: "Skip verification of KES's certificate. Only for tests."},
				},
			},
		},
	}
}

func (p *minioProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// An unknown value (from a resource not yet created) cannot be resolved;
	// resources then see no client and say so when they need one.
	var k kesModel
	if !m.KES.IsNull() && !m.KES.IsUnknown() {
		resp.Diagnostics.Append(m.KES.As(ctx, &k, basetypes.ObjectAsOptions{})...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	kes := path.Root("kes")
	for _, a := range []struct {
		p path.Path
		v interface{ IsUnknown() bool }
	}{{path.Root("endpoint"), m.Endpoint}, {path.Root("access_key"), m.AccessKey}, {path.Root("secret_key"), m.SecretKey},
		{path.Root("session_token"), m.SessionToken}, {path.Root("region"), m.Region}, {path.Root("use_ssl"), m.UseSSL},
		{path.Root("ca_file"), m.CAFile}, {path.Root("ca_pem"), m.CAPEM}, {path.Root("insecure"), m.Insecure}, {path.Root("site_endpoints"), m.SiteEndpoints}, {kes, m.KES},
		{kes.AtName("endpoint"), k.Endpoint}, {kes.AtName("api_key"), k.APIKey}, {kes.AtName("client_cert_file"), k.ClientCertFile},
		{kes.AtName("client_key_file"), k.ClientKeyFile}, {kes.AtName("ca_file"), k.CAFile}, {kes.AtName("client_cert_pem"), k.ClientCertPEM},
		{kes.AtName("client_key_pem"), k.ClientKeyPEM}, {kes.AtName("ca_pem"), k.CAPEM}, {kes.AtName("insecure"), k.Insecure}} {
		if a.v.IsUnknown() {
			resp.Diagnostics.AddAttributeWarning(a.p, "Provider Argument Not Yet Known",
				"The provider cannot connect until "+a.p.String()+" is known. Apply the resources it depends on first.")
			return
		}
	}
	settings := conn.Settings{
		Endpoint: m.Endpoint.ValueString(), AccessKey: m.AccessKey.ValueString(), SecretKey: m.SecretKey.ValueString(),
		SessionToken: m.SessionToken.ValueString(), Region: m.Region.ValueString(), CAFile: m.CAFile.ValueString(), CAPEM: m.CAPEM.ValueString(),
		UseSSL: m.UseSSL.ValueBoolPointer(), Insecure: m.Insecure.ValueBoolPointer(),
	}
	resolved, problems := settings.Resolve(os.LookupEnv)
	for _, p := range problems {
		resp.Diagnostics.AddAttributeError(path.Root(p.Field), p.Summary, p.Detail)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	c, err := newClients(resolved)
	if err != nil {
		resp.Diagnostics.AddError("Cannot Create MinIO Clients",
			"The provider settings were valid but no client could be built from them. Check endpoint and credentials.\n\n"+err.Error())
		return
	}
	c.version = p.version
	if c.siteEndpoints, c.siteEndpointsFrom = siteEndpointsOf(ctx, m.SiteEndpoints, resolved, &resp.Diagnostics); resp.Diagnostics.HasError() {
		return
	}
	if conn.KESConfigured(!m.KES.IsNull(), os.LookupEnv) {
		var ks conn.KESSettings
		if !m.KES.IsNull() {
			ks = conn.KESSettings{Endpoint: k.Endpoint.ValueString(), APIKey: k.APIKey.ValueString(), ClientCertFile: k.ClientCertFile.ValueString(),
				ClientKeyFile: k.ClientKeyFile.ValueString(), CAFile: k.CAFile.ValueString(), ClientCertPEM: k.ClientCertPEM.ValueString(),
				ClientKeyPEM: k.ClientKeyPEM.ValueString(), CAPEM: k.CAPEM.ValueString(), Insecure: k.Insecure.ValueBool()}
		}
		var kesProblems []conn.Problem
		c.kes, kesProblems = ks.ResolveKES(os.LookupEnv)
		for _, p := range kesProblems {
			resp.Diagnostics.AddAttributeError(path.Root("kes").AtName(strings.TrimPrefix(p.Field, "kes.")), p.Summary, p.Detail)
		}
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.ResourceData = c
	resp.DataSourceData = c
	resp.ActionData = c
	resp.ListResourceData = c
}

func (p *minioProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewBatchKeyrotateResource, NewKESKeyResource, NewBucketEncryptionResource}
}

func (p *minioProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewBatchJobStatusDataSource, NewBatchJobsDataSource, NewKESKeysDataSource,
		NewKMSKeyUsageDataSource,
		NewKeyrotatePreviewDataSource}
}

// Actions need Terraform 1.14 or later; older CLIs and OpenTofu ignore them.
func (p *minioProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{NewBatchKeyrotateAction}
}

// List resources (terraform query) need Terraform 1.14 or later.
func (p *minioProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewBatchKeyrotateList, NewKESKeyList, NewBucketEncryptionList}
}

func (p *minioProvider) Functions(context.Context) []func() function.Function {
	return nil
}
