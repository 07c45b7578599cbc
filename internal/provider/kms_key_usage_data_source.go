package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/conn"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/usage"
)

var _ datasource.DataSourceWithConfigure = (*kmsKeyUsageDataSource)(nil)

// kmsKeyUsageDataSource tells what still depends on a KMS key, with the
// scan minio_kes_key runs before it deletes one (usage.Scan).
type kmsKeyUsageDataSource struct {
	clients *clients
}

// NewKMSKeyUsageDataSource is the minio_kms_key_usage data source.
func NewKMSKeyUsageDataSource() datasource.DataSource { return &kmsKeyUsageDataSource{} }

type kmsKeyUsageModel struct {
	Key             types.String        `tfsdk:"key"`
	Buckets         []kmsKeyUsageItem   `tfsdk:"buckets"`
	Versions        types.Int64         `tfsdk:"versions"`
	Bytes           types.Int64         `tfsdk:"bytes"`
	BucketsScanned  types.Int64         `tfsdk:"buckets_scanned"`
	MinIODefaultKey types.Bool          `tfsdk:"minio_default_key"`
	InUse           types.Bool          `tfsdk:"in_use"`
	Sites           []kmsKeyUsageSite   `tfsdk:"sites"`
	OutsideTargets  []kmsKeyUsageTarget `tfsdk:"outside_targets"`
}

type kmsKeyUsageItem struct {
	Bucket          types.String `tfsdk:"bucket"`
	Versions        types.Int64  `tfsdk:"versions"`
	Bytes           types.Int64  `tfsdk:"bytes"`
	DefaultNamesKey types.Bool   `tfsdk:"default_names_key"`
}

// kmsKeyUsageSite is one site's part of the answer.
type kmsKeyUsageSite struct {
	Name           types.String      `tfsdk:"name"`
	Endpoint       types.String      `tfsdk:"endpoint"`
	Versions       types.Int64       `tfsdk:"versions"`
	Bytes          types.Int64       `tfsdk:"bytes"`
	Buckets        []kmsKeyUsageItem `tfsdk:"buckets"`
	BucketsScanned types.Int64       `tfsdk:"buckets_scanned"`
	ServerDefault  types.Bool        `tfsdk:"server_default"`
	InUse          types.Bool        `tfsdk:"in_use"`
}

// kmsKeyUsageTarget is a bucket replication target outside the group.
type kmsKeyUsageTarget struct {
	Bucket       types.String   `tfsdk:"bucket"`
	Endpoint     types.String   `tfsdk:"endpoint"`
	TargetBucket types.String   `tfsdk:"target_bucket"`
	ARN          types.String   `tfsdk:"arn"`
	Sites        []types.String `tfsdk:"sites"`
	Description  types.String   `tfsdk:"description"`
}

func (d *kmsKeyUsageDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_kms_key_usage"
}

func (d *kmsKeyUsageDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *kmsKeyUsageDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	count := func(doc string) schema.Int64Attribute {
		return schema.Int64Attribute{Computed: true, MarkdownDescription: doc}
	}
	str := func(doc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: doc}
	}
	buckets := func(doc string) schema.ListNestedAttribute {
		return schema.ListNestedAttribute{Computed: true, MarkdownDescription: doc,
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"bucket":   str("Bucket name."),
				"versions": count("Data versions sealed under the key, noncurrent ones included (delete markers hold no data)."),
				"bytes":    count("Their content bytes."),
				"default_names_key": schema.BoolAttribute{Computed: true,
					MarkdownDescription: "The bucket's default encryption is SSE-KMS with this key: objects written to it without explicit encryption are sealed under the key."},
			}},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "What in MinIO still depends on a KMS key: the object versions sealed under it and the buckets whose default encryption names it, " +
			"bucket by bucket and site by site. For a `precondition` before retiring a key, or a policy: it runs the check `minio_kes_key` runs before it deletes a key " +
			"with `allow_destroy = true`.",
		Attributes: map[string]schema.Attribute{
			"key": schema.StringAttribute{Required: true,
				Validators:          []validator.String{kesKeyNameValidator{}},
				MarkdownDescription: "KMS key name, as MinIO and KES know it: " + keyrotate.KeyNameRule + "."},
			"buckets": buckets("The buckets that depend on the key on any site, by name: those holding versions under it or whose default encryption names it. " +
				"Under site replication a bucket's counts add up over the sites (each site holds and seals its own copies; `sites` has them apart), and " +
				"`default_names_key` is true when its default names the key on any site. Empty when none does."),
			"versions": count("Data versions sealed under the key in all buckets of every site: what deleting the key would make unreadable for good. " +
				"Under site replication each site's copy of a version counts, since each is sealed, and lost, on its own."),
			"bytes":           count("Their content bytes, over every site."),
			"buckets_scanned": count("Buckets listed completely, whether they use the key or not, added up over the sites."),
			"minio_default_key": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "The key is the KMS default key (`MINIO_KMS_KES_KEY_NAME`) of MinIO, or of any site of its group: SSE-S3 objects, buckets with SSE-S3 default encryption and " +
					"MinIO's own encrypted configuration depend on it, which no listing can count. `minio_kes_key` never deletes it."},
			"in_use": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Anything on any site depends on the key: a version sealed under it, a bucket default naming it, or it being a site's KMS default key. " +
					"`outside_targets` do not count here, since nothing of theirs is listed: check them apart."},
			"sites": schema.ListNestedAttribute{Computed: true,
				MarkdownDescription: "The check of each deployment, the provider's own first, then the other sites of its site-replication group by name. " +
					"One element, with an empty `name`, for a deployment in no group.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":            str("The site's name in its site-replication group (`site-b`); empty for a deployment in no group."),
					"endpoint":        str("The URL the group knows the site by (the provider may reach it at another address, `site_endpoints`); for a deployment in no group, the provider's endpoint."),
					"versions":        count("Data versions sealed under the key on this site, noncurrent ones included."),
					"bytes":           count("Their content bytes."),
					"buckets":         buckets("The site's buckets that depend on the key, by name."),
					"buckets_scanned": count("The site's buckets listed completely."),
					"server_default": schema.BoolAttribute{Computed: true,
						MarkdownDescription: "The key is this site's KMS default key (`MINIO_KMS_KES_KEY_NAME`)."},
					"in_use": schema.BoolAttribute{Computed: true, MarkdownDescription: "Anything on this site depends on the key."},
				}},
			},
			"outside_targets": schema.ListNestedAttribute{Computed: true,
				MarkdownDescription: "The bucket replication targets of any site that are not sites of its group (outside any group, every bucket replication target): " +
					"deployments holding copies of a bucket's objects, sealed by their own KMS under the key's name, which this check cannot list. Whether they still " +
					"need the key has to be checked there. Site replication's own targets are left out. Each target once, in site order; empty when there is none.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"bucket":        str("The replicated (source) bucket."),
					"endpoint":      str("The target deployment's URL, as `mc admin bucket remote ls` shows it."),
					"target_bucket": str("The bucket at the target that receives the copies."),
					"arn":           str("The replication target's ARN on the first site listing it."),
					"sites": schema.ListAttribute{Computed: true, ElementType: types.StringType,
						MarkdownDescription: "The sites that replicate the bucket to this target (an empty name for a deployment in no group)."},
					"description": str("The target in one line, as `minio_kes_key` names it when it refuses a destroy."),
				}},
			},
		},
	}
}

func (d *kmsKeyUsageDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m kmsKeyUsageModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !configured(d.clients, &resp.Diagnostics) {
		return
	}
	key := m.Key.ValueString()
	rep, ok := d.clients.keyUsageSites(ctx, key, func(onSite string) string {
		return fmt.Sprintf("The usage of key %q was not read%s.", key, onSite)
	}, "", &resp.Diagnostics)
	if !ok {
		return
	}
	m.Buckets = usageItems(rep.Buckets())
	m.Versions = types.Int64Value(rep.Versions())
	m.Bytes = types.Int64Value(rep.Bytes())
	m.BucketsScanned = types.Int64Value(int64(rep.BucketsScanned()))
	m.MinIODefaultKey = types.BoolValue(rep.ServerDefault())
	m.InUse = types.BoolValue(rep.InUse())
	m.Sites = make([]kmsKeyUsageSite, 0, len(rep.Sites))
	for _, s := range rep.Sites {
		endpoint := s.Site.Endpoint
		if endpoint == "" && s.Site.Name == "" {
			endpoint = d.clients.s3.EndpointURL().String()
		}
		m.Sites = append(m.Sites, kmsKeyUsageSite{Name: types.StringValue(s.Site.Name), Endpoint: types.StringValue(endpoint),
			Versions: types.Int64Value(s.Versions), Bytes: types.Int64Value(s.Bytes), Buckets: usageItems(s.Buckets),
			BucketsScanned: types.Int64Value(int64(s.BucketsScanned)), ServerDefault: types.BoolValue(s.ServerDefault),
			InUse: types.BoolValue(s.InUse())})
	}
	m.OutsideTargets = make([]kmsKeyUsageTarget, 0)
	for _, t := range rep.Targets() {
		names := make([]types.String, len(t.Sites))
		for i, n := range t.Sites {
			names[i] = types.StringValue(n)
		}
		m.OutsideTargets = append(m.OutsideTargets, kmsKeyUsageTarget{Bucket: types.StringValue(t.Bucket), Endpoint: types.StringValue(t.Endpoint),
			TargetBucket: types.StringValue(t.TargetBucket), ARN: types.StringValue(t.ARN), Sites: names, Description: types.StringValue(t.String())})
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func usageItems(bs []usage.Bucket) []kmsKeyUsageItem {
	out := make([]kmsKeyUsageItem, 0, len(bs))
	for _, b := range bs {
		out = append(out, kmsKeyUsageItem{Bucket: types.StringValue(b.Name), Versions: types.Int64Value(b.Versions),
			Bytes: types.Int64Value(b.Bytes), DefaultNamesKey: types.BoolValue(b.DefaultNamesKey)})
	}
	return out
}

func prefixed(sep, s string) string {
	if s == "" {
		return ""
	}
	return sep + s
}

// keyUsageFailure words a scan that did not finish.
func (c *clients) keyUsageFailure(key string, partial usage.Report, err error, consequence, timeoutAdvice string, diags *diag.Diagnostics) {
	var ue *usage.Error
	errors.As(err, &ue)
	where := "listing the buckets"
	if ue != nil {
		where = ue.Doing
	}
	if ue != nil && ue.Bucket != "" {
		where = fmt.Sprintf("%s of bucket %q, after %d of %d buckets (%d versions listed)", ue.Doing, ue.Bucket, ue.BucketsDone, ue.BucketsTotal, partial.VersionsSeen)
	}
	found := ""
	if partial.InUse() {
		found = "\n\nBefore it stopped, the check had already found:\n" + keyUsageLines(partial, 10)
	}
	var er minio.ErrorResponse
	switch action := conn.DeniedAction(err); {
	case errors.Is(err, context.DeadlineExceeded):
		diags.AddError("Key Usage Check Timed Out", fmt.Sprintf("%s The check lists every version of every bucket and ran out of time while %s.%s%s\n\n%v",
			consequence, where, prefixed(" ", timeoutAdvice), found, err))
	case errors.Is(err, context.Canceled):
		diags.AddError("Key Usage Check Interrupted", fmt.Sprintf("%s Terraform was interrupted while %s.%s\n\n%v", consequence, where, found, err))
	case action != "":
		diags.AddError("Cannot Check Key Usage", fmt.Sprintf("%s MinIO denied the provider's credentials %s: their policy does not allow %s, which %s. "+
			"The check must read every bucket the credentials can list, or it cannot tell what is sealed under %q: add %s to the policy "+
			"(examples/iam/minio-rotation-policy.json has every action the provider uses, the Credentials guide says what each is for), or use credentials that may.%s\n\n%v",
			consequence, where, action, conn.NeededBy(action), key, action, found, err))
	case errors.As(err, &er) && er.Code == "AccessDenied":
		diags.AddError("Cannot Check Key Usage", fmt.Sprintf("%s MinIO denied the provider's credentials %s. The check must read every bucket "+
			"the credentials can list, or it cannot tell what is sealed under %q: allow s3:ListBucket, s3:ListBucketVersions and s3:GetEncryptionConfiguration "+
			"on every bucket (and s3:ListAllMyBuckets), or use credentials that may.%s\n\n%v", consequence, where, key, found, err))
	case c.explain(err, consequence, diags):
	case ue != nil && ue.Doing == usage.DoingDefaultKey:
		diags.AddError("Cannot Check Key Usage", consequence+" Before anything else the check asks MinIO which key is its KMS default key "+
			"(the one SSE-S3 objects depend on), and that failed. Check that the credentials may read MinIO's KMS status (kms:Status).\n\n"+ue.Err.Error())
	default:
		diags.AddError("Cannot Check Key Usage", fmt.Sprintf("%s The check failed while %s.%s\n\n%v", consequence, where, found, err))
	}
}

// keyUsageLines lists the buckets of a report that depend on the key, at
// most limit of them, one a line, with samples.
func keyUsageLines(r usage.Report, limit int) string {
	var b strings.Builder
	if r.ServerDefault {
		b.WriteString("  - MinIO's KMS default key: SSE-S3 objects and MinIO's own encrypted configuration depend on it\n")
	}
	for i, bk := range r.Buckets {
		if i == limit {
			var versions int64
			for _, rest := range r.Buckets[limit:] {
				versions += rest.Versions
			}
			fmt.Fprintf(&b, "  - and %s (%s)\n", plural(len(r.Buckets)-limit, "more bucket"), plural(versions, "version"))
			break
		}
		var parts []string
		if bk.Versions > 0 {
			p := fmt.Sprintf("%s (%s)", plural(bk.Versions, "version"), plural(bk.Bytes, "byte"))
			var smp []string
			for _, s := range bk.Samples {
				if s.VersionID == "" || s.VersionID == "null" { // unversioned bucket
					smp = append(smp, fmt.Sprintf("%q", s.Name))
				} else {
					smp = append(smp, fmt.Sprintf("%q (version %s)", s.Name, s.VersionID))
				}
			}
			if len(smp) > 0 {
				p += ", such as " + strings.Join(smp, ", ")
			}
			parts = append(parts, p)
		}
		if bk.DefaultNamesKey {
			parts = append(parts, "its default encryption names the key")
		}
		fmt.Fprintf(&b, "  - bucket %q: %s\n", bk.Name, strings.Join(parts, "; "))
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// keyInUseDetail is the detail of a refused deletion, for a deployment in
// no site-replication group.
func keyInUseDetail(r usage.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Key %q was not deleted: deleting it would make what is sealed under it unreadable for good. ", r.Key)
	b.WriteString(capitalized(usageWhat(r)) + ":\n")
	b.WriteString(keyUsageLines(r, 10))
	b.WriteString("\n\nTo retire the key: ")
	b.WriteString(retireSteps(r.Versions > 0, r.DefaultBuckets() > 0, r.ServerDefault, false) + ", then destroy again. ")
	fmt.Fprintf(&b, "The check listed every version of the %s the credentials can list (%s).", plural(r.BucketsScanned, "bucket"), plural(r.VersionsSeen, "listing entry"))
	return b.String()
}

// usageWhat says in one clause what depends on the key in r.
func usageWhat(r usage.Report) string {
	var what []string
	if r.Versions > 0 {
		are := "are"
		if r.Versions == 1 {
			are = "is"
		}
		what = append(what, fmt.Sprintf("%s (%s) in %s %s sealed under it", plural(r.Versions, "object version"), plural(r.Bytes, "byte"),
			plural(countVersionBuckets(r), "bucket"), are))
	}
	if n := r.DefaultBuckets(); n > 0 {
		if n == 1 {
			what = append(what, "1 bucket names it as its default encryption")
		} else {
			what = append(what, fmt.Sprintf("%d buckets name it as their default encryption", n))
		}
	}
	if r.ServerDefault {
		what = append(what, "it is MinIO's KMS default key")
	}
	return strings.Join(what, "; ")
}

// retireSteps says what to do before a key can be retired: for versions
// under it, bucket defaults naming it, it being MinIO's default key. With
// perSite, the versions are to be rotated on each site named.
func retireSteps(versions, defaults, serverDefault, perSite bool) string {
	var steps []string
	if versions {
		rotate := "rotate those versions to another key with minio_batch_keyrotate (one per bucket, with encryption { type = \"sse-kms\", key = \"NEW-KEY\" })"
		if perSite {
			rotate = "rotate those versions to another key on every site named (minio_batch_keyrotate, one per bucket, with encryption { type = \"sse-kms\", key = \"NEW-KEY\" }; " +
				"a keyrotate job re-seals only the site it runs on)"
		}
		steps = append(steps, rotate)
	}
	if defaults {
		steps = append(steps, "point those buckets' default encryption at another key with minio_bucket_encryption (or `mc encrypt set sse-kms NEW-KEY ALIAS/BUCKET`)")
	}
	if serverDefault {
		steps = append(steps, "point MinIO at another default key (MINIO_KMS_KES_KEY_NAME) and rotate its SSE-S3 objects; even then the provider does not delete "+
			"the key it finds in use as MinIO's default, and SSE-S3 objects written before the change stay sealed under it, which no listing can tell: "+
			"retire such a key by hand, if ever")
	}
	return strings.Join(steps, ", then ")
}

func countVersionBuckets(r usage.Report) int {
	n := 0
	for _, b := range r.Buckets {
		if b.Versions > 0 {
			n++
		}
	}
	return n
}

func capitalized(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// plural is n with the noun, in the plural unless n is 1.
func plural[N int | int64](n N, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return fmt.Sprint(n) + " " + strings.TrimSuffix(noun, "y") + "ies"
	}
	return fmt.Sprint(n) + " " + noun + "s"
}
