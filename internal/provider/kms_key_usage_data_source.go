package provider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
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
	Key             types.String      `tfsdk:"key"`
	Buckets         []kmsKeyUsageItem `tfsdk:"buckets"`
	Versions        types.Int64       `tfsdk:"versions"`
	Bytes           types.Int64       `tfsdk:"bytes"`
	BucketsScanned  types.Int64       `tfsdk:"buckets_scanned"`
	MinIODefaultKey types.Bool        `tfsdk:"minio_default_key"`
}

type kmsKeyUsageItem struct {
	Bucket          types.String `tfsdk:"bucket"`
	Versions        types.Int64  `tfsdk:"versions"`
	Bytes           types.Int64  `tfsdk:"bytes"`
	DefaultNamesKey types.Bool   `tfsdk:"default_names_key"`
}

// keyUsageBlindSpots is what every scan cannot see, for the documentation
// of the data source and of minio_kes_key.
const keyUsageBlindSpots = "It cannot see buckets the credentials cannot list (give them `s3:ListAllMyBuckets`, and `s3:ListBucketVersions` and " +
	"`s3:GetEncryptionConfiguration` on every bucket: a bucket it lists but may not read fails the check rather than being skipped), " +
	"objects written after the listing, SSE-S3 objects sealed under a key that was MinIO's default key when they were written (the listing shows no key " +
	"for SSE-S3), nor anything outside this MinIO that uses the key through the same KES (other deployments, replication targets, applications)."

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
	resp.Schema = schema.Schema{
		MarkdownDescription: "What in MinIO still depends on a KMS key: the object versions sealed under it and the buckets whose default encryption names it, " +
			"bucket by bucket. For a `precondition` before retiring a key, or a policy. It runs the check `minio_kes_key` runs before it deletes a key " +
			"with `allow_destroy = true`. Its cost is one versioned listing of every bucket the credentials can list (1,000 versions a request, " +
			"no request per object, plus one or two requests per bucket), at every plan and refresh. " + keyUsageBlindSpots,
		Attributes: map[string]schema.Attribute{
			"key": schema.StringAttribute{Required: true,
				Validators:          []validator.String{kesKeyNameValidator{}},
				MarkdownDescription: "KMS key name, as MinIO and KES know it: " + keyrotate.KeyNameRule + "."},
			"buckets": schema.ListNestedAttribute{Computed: true,
				MarkdownDescription: "The buckets that depend on the key, by name: those holding versions under it or whose default encryption names it. Empty when none does.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"bucket":   schema.StringAttribute{Computed: true, MarkdownDescription: "Bucket name."},
					"versions": count("Data versions sealed under the key, noncurrent ones included (delete markers hold no data)."),
					"bytes":    count("Their content bytes."),
					"default_names_key": schema.BoolAttribute{Computed: true,
						MarkdownDescription: "The bucket's default encryption is SSE-KMS with this key: objects written to it without explicit encryption are sealed under the key."},
				}},
			},
			"versions":        count("Data versions sealed under the key in all buckets: what deleting the key would make unreadable for good."),
			"bytes":           count("Their content bytes."),
			"buckets_scanned": count("Buckets listed completely, whether they use the key or not."),
			"minio_default_key": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "The key is MinIO's KMS default key (`MINIO_KMS_KES_KEY_NAME`): SSE-S3 objects, buckets with SSE-S3 default encryption and " +
					"MinIO's own encrypted configuration depend on it, which no listing can count. `minio_kes_key` never deletes it."},
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
	rep, ok := d.clients.keyUsage(ctx, key, fmt.Sprintf("The usage of key %q was not read.", key), "", &resp.Diagnostics)
	if !ok {
		return
	}
	m.Buckets = make([]kmsKeyUsageItem, 0, len(rep.Buckets))
	for _, b := range rep.Buckets {
		m.Buckets = append(m.Buckets, kmsKeyUsageItem{Bucket: types.StringValue(b.Name), Versions: types.Int64Value(b.Versions),
			Bytes: types.Int64Value(b.Bytes), DefaultNamesKey: types.BoolValue(b.DefaultNamesKey)})
	}
	m.Versions = types.Int64Value(rep.Versions)
	m.Bytes = types.Int64Value(rep.Bytes)
	m.BucketsScanned = types.Int64Value(int64(rep.BucketsScanned))
	m.MinIODefaultKey = types.BoolValue(rep.ServerDefault)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// keyUsage asks MinIO for its KMS default key, then runs usage.Scan for
// key, logging its progress. On failure it adds an error that starts with
// consequence (what was not done) and reports false: a scan that did not
// finish never counts as "unused". timeoutAdvice is said when ctx ran out.
func (c *clients) keyUsage(ctx context.Context, key, consequence, timeoutAdvice string, diags *diag.Diagnostics) (usage.Report, bool) {
	def, err := usage.ServerDefaultKey(ctx, c.admin)
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled):
		c.keyUsageFailure(key, usage.Report{Key: key}, &usage.Error{Doing: "asking MinIO which key is its KMS default key", Err: cmp.Or(ctx.Err(), err)}, consequence, timeoutAdvice, diags)
		return usage.Report{}, false
	case err != nil:
		if !c.explain(err, consequence, diags) {
			diags.AddError("Cannot Check Key Usage", consequence+" Before anything else the check asks MinIO which key is its KMS default key "+
				"(the one SSE-S3 objects depend on), and that failed. Check that the credentials may read MinIO's KMS status (kms:Status).\n\n"+err.Error())
		}
		return usage.Report{}, false
	}
	began := time.Now()
	var lastLog time.Time
	rep, err := usage.Scan(ctx, c.s3, key, usage.Options{ServerDefaultKey: def, Progress: func(p usage.Progress) {
		if time.Since(lastLog) < time.Second && p.BucketsDone < p.BucketsTotal {
			return
		}
		lastLog = time.Now()
		tflog.Info(ctx, "checking what still uses the KMS key", map[string]any{"key": key, "buckets_done": p.BucketsDone,
			"buckets_total": p.BucketsTotal, "bucket": p.Bucket, "versions_seen": p.VersionsSeen})
	}})
	fields := map[string]any{"key": key, "buckets_scanned": rep.BucketsScanned, "versions_seen": rep.VersionsSeen,
		"buckets_using_key": len(rep.Buckets), "versions_under_key": rep.Versions, "minio_default_key": rep.ServerDefault,
		"seconds": time.Since(began).Seconds()}
	if err != nil {
		fields["error"] = err.Error()
		tflog.Warn(ctx, "the KMS key usage check did not finish", fields)
		c.keyUsageFailure(key, rep, err, consequence, timeoutAdvice, diags)
		return rep, false
	}
	tflog.Info(ctx, "KMS key usage checked", fields)
	return rep, true
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

// keyInUseDetail is the detail of a refused deletion.
func keyInUseDetail(r usage.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Key %q was not deleted: deleting it would make what is sealed under it unreadable for good. ", r.Key)
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
	b.WriteString(capitalized(strings.Join(what, "; ")) + ":\n")
	b.WriteString(keyUsageLines(r, 10))
	b.WriteString("\n\nTo retire the key: ")
	var steps []string
	if r.Versions > 0 {
		steps = append(steps, "rotate those versions to another key with minio_batch_keyrotate (one per bucket, with encryption { type = \"sse-kms\", key = \"NEW-KEY\" })")
	}
	if r.DefaultBuckets() > 0 {
		steps = append(steps, "point those buckets' default encryption at another key with minio_bucket_encryption (or `mc encrypt set sse-kms NEW-KEY ALIAS/BUCKET`)")
	}
	if r.ServerDefault {
		steps = append(steps, "point MinIO at another default key (MINIO_KMS_KES_KEY_NAME) and rotate its SSE-S3 objects; even then the provider does not delete "+
			"the key it finds in use as MinIO's default, and SSE-S3 objects written before the change stay sealed under it, which no listing can tell: "+
			"retire such a key by hand, if ever")
	}
	b.WriteString(strings.Join(steps, ", then ") + ", then destroy again. ")
	fmt.Fprintf(&b, "The check listed every version of the %s the credentials can list (%s).", plural(r.BucketsScanned, "bucket"), plural(r.VersionsSeen, "listing entry"))
	return b.String()
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
