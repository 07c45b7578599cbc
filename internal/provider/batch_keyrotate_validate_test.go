package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// parts are the blocks of a configuration as plain structs; each case
// breaks one thing in a copy of valid parts.
type parts struct {
	bucket     types.String
	encryption *encryptionModel
	filter     *filterModel
	notify     *notifyModel
	retry      *retryModel
}

func validParts() parts {
	return parts{
		bucket:     types.StringValue("finance"),
		encryption: &encryptionModel{Type: types.StringValue("sse-kms"), Key: types.StringValue("finance-2026-11"), Context: types.MapNull(types.StringType)},
	}
}

func (p parts) model(t *testing.T) batchKeyrotateModel {
	t.Helper()
	ctx := context.Background()
	var diags diag.Diagnostics
	m := batchKeyrotateModel{
		jobArgs:           jobArgs{Bucket: p.bucket, Prefix: types.StringNull()},
		WaitForCompletion: types.BoolNull(),
		runArgs:           runArgs{StallTimeout: types.StringNull()},
		Triggers:          types.MapNull(types.StringType),
		Status:            types.StringNull(), ObjectsRotated: types.Int64Null(), ObjectsFailed: types.Int64Null(),
		LastObject: types.StringNull(), StartedAt: types.StringNull(), LastUpdate: types.StringNull(),
		User: types.StringNull(), Attempts: types.Int64Null(), JobYAML: types.StringNull(), ID: types.StringNull(),
	}
	// A nil pointer in an interface is not a nil interface: blockValue
	// must see nil for an absent block.
	block := func(name string, model any, absent bool) types.Object {
		if absent {
			model = nil
		}
		return blockValue(ctx, name, model, &diags)
	}
	m.Encryption = block("encryption", p.encryption, p.encryption == nil)
	m.Filter = block("filter", p.filter, p.filter == nil)
	m.Notify = block("notify", p.notify, p.notify == nil)
	m.Retry = block("retry", p.retry, p.retry == nil)
	m.Timeouts.Object = types.ObjectNull(keyrotateBlockTypes()["timeouts"])
	m.Sites = types.ListNull(types.ObjectType{AttrTypes: siteStateAttrTypes()})
	m.History = types.ListNull(types.StringType)
	if diags.HasError() {
		t.Fatalf("building the model: %v", diags)
	}
	return m
}

func emptyFilter() *filterModel {
	none := types.ListValueMust(keyrotateBlockTypes()["filter"]["tag"].(types.ListType).ElemType, nil)
	return &filterModel{NewerThan: types.StringNull(), OlderThan: types.StringNull(), CreatedAfter: types.StringNull(),
		CreatedBefore: types.StringNull(), KMSKey: types.StringNull(), Tags: none, Metadata: none}
}

// kvs is a list of tag or metadata blocks.
func kvs(kv ...string) types.List {
	var models []kvModel
	for i := 0; i+1 < len(kv); i += 2 {
		models = append(models, kvModel{Key: types.StringValue(kv[i]), Value: types.StringValue(kv[i+1])})
	}
	var diags diag.Diagnostics
	return kvListOf(context.Background(), models, &diags)
}

// validate runs the resource's ValidateConfig on m and returns the paths
// of its error diagnostics.
func validate(t *testing.T, p parts) []path.Path {
	t.Helper()
	m := p.model(t)
	ctx := context.Background()
	r := &batchKeyrotateResource{}
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	state := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}
	if d := state.Set(ctx, &m); d.HasError() {
		t.Fatalf("building config: %v", d)
	}
	var resp resource.ValidateConfigResponse
	r.ValidateConfig(ctx, resource.ValidateConfigRequest{Config: tfsdk.Config{Schema: sr.Schema, Raw: state.Raw}}, &resp)
	var paths []path.Path
	for _, d := range resp.Diagnostics.Errors() {
		if wp, ok := d.(interface{ Path() path.Path }); ok {
			paths = append(paths, wp.Path())
		} else {
			t.Errorf("diagnostic %q has no attribute path", d.Summary())
		}
	}
	return paths
}

// TestValidationErrorPaths checks that each validation error lands on the
// attribute that is wrong, nested ones included (which the CLI cannot show).
func TestValidationErrorPaths(t *testing.T) {
	enc, filter := path.Root("encryption"), path.Root("filter")
	for name, tc := range map[string]struct {
		breakIt func(*parts)
		want    path.Path
	}{
		"encryption type": {func(p *parts) { p.encryption.Type = types.StringValue("aes") }, enc.AtName("type")},
		"missing key":     {func(p *parts) { p.encryption.Key = types.StringNull() }, enc.AtName("key")},
		"key with sse-s3": {func(p *parts) { p.encryption.Type = types.StringValue("sse-s3") }, enc.AtName("key")},
		"context": {func(p *parts) {
			p.encryption.Context = types.MapValueMust(types.StringType, map[string]attr.Value{"a": types.StringValue("b")})
		}, enc.AtName("context")},
		"no encryption block": {func(p *parts) { p.encryption = nil }, enc},
		"newer_than": {func(p *parts) {
			p.filter = emptyFilter()
			p.filter.NewerThan = types.StringValue("7days")
		}, filter.AtName("newer_than")},
		"age window": {func(p *parts) {
			p.filter = emptyFilter()
			p.filter.NewerThan, p.filter.OlderThan = types.StringValue("1d"), types.StringValue("2d")
		}, filter.AtName("older_than")},
		"created_before": {func(p *parts) {
			p.filter = emptyFilter()
			p.filter.CreatedBefore = types.StringValue("soon")
		}, filter.AtName("created_before")},
		"kms_key": {func(p *parts) { p.filter = emptyFilter(); p.filter.KMSKey = types.StringValue("k") }, filter.AtName("kms_key")},
		"second tag key": {func(p *parts) {
			p.filter = emptyFilter()
			p.filter.Tags = kvs("ok", "v", "bad!", "v")
		}, filter.AtName("tag").AtListIndex(1).AtName("key")},
		"metadata with tags": {func(p *parts) {
			p.filter = emptyFilter()
			p.filter.Tags, p.filter.Metadata = kvs("a", "b"), kvs("content-type", "x")
		}, filter.AtName("metadata")},
		"metadata key": {func(p *parts) {
			p.filter = emptyFilter()
			p.filter.Metadata = kvs("expires", "x")
		}, filter.AtName("metadata").AtListIndex(0).AtName("key")},
		"notify endpoint": {func(p *parts) {
			p.notify = &notifyModel{Endpoint: types.StringValue("ftp://x"), Token: types.StringNull()}
		}, path.Root("notify").AtName("endpoint")},
		"retry attempts": {func(p *parts) {
			p.retry = &retryModel{Attempts: types.Int64Value(101), Delay: types.StringNull()}
		}, path.Root("retry").AtName("attempts")},
		"retry delay": {func(p *parts) {
			p.retry = &retryModel{Attempts: types.Int64Null(), Delay: types.StringValue("soon")}
		}, path.Root("retry").AtName("delay")},
		"bucket": {func(p *parts) { p.bucket = types.StringValue("Bad_Bucket") }, path.Root("bucket")},
	} {
		t.Run(name, func(t *testing.T) {
			p := validParts()
			tc.breakIt(&p)
			got := validate(t, p)
			if len(got) != 1 || !got[0].Equal(tc.want) {
				t.Fatalf("errors on %v, want exactly one on %s", got, tc.want)
			}
		})
	}
}

func TestValidModelHasNoErrors(t *testing.T) {
	if got := validate(t, validParts()); len(got) != 0 {
		t.Fatalf("a valid configuration got errors on %v", got)
	}
}

// TestUnknownValuesAreNotBlamed leaves values unknown as a plan sees them
// (a reference to a resource not yet created, a dynamic block over a
// collection not yet known): validation must wait for them, not fail.
func TestUnknownValuesAreNotBlamed(t *testing.T) {
	ctx := context.Background()
	for name, unknown := range map[string]func(*batchKeyrotateModel){
		"key": func(m *batchKeyrotateModel) {
			attrs := m.Encryption.Attributes()
			attrs["key"] = types.StringUnknown()
			m.Encryption = types.ObjectValueMust(m.Encryption.AttributeTypes(ctx), attrs)
		},
		"encryption block": func(m *batchKeyrotateModel) {
			m.Encryption = types.ObjectUnknown(m.Encryption.AttributeTypes(ctx))
		},
		"filter block": func(m *batchKeyrotateModel) {
			m.Filter = types.ObjectUnknown(keyrotateBlockTypes()["filter"])
		},
		"tag blocks": func(m *batchKeyrotateModel) {
			f := emptyFilter()
			f.Tags = types.ListUnknown(f.Tags.ElementType(ctx))
			var diags diag.Diagnostics
			m.Filter = blockValue(ctx, "filter", f, &diags)
		},
		"tag value": func(m *batchKeyrotateModel) {
			f := emptyFilter()
			var diags diag.Diagnostics
			f.Tags = kvListOf(ctx, []kvModel{{Key: types.StringValue("class"), Value: types.StringUnknown()}}, &diags)
			m.Filter = blockValue(ctx, "filter", f, &diags)
		},
		"bucket": func(m *batchKeyrotateModel) { m.Bucket = types.StringUnknown() },
	} {
		t.Run(name, func(t *testing.T) {
			m := validParts().model(t)
			unknown(&m)
			spec, b := m.spec(ctx)
			if b.diags.HasError() {
				t.Fatalf("converting the model failed: %v", b.diags)
			}
			if len(b.unknown) == 0 {
				t.Fatalf("nothing was recorded as unknown in %+v", spec)
			}
			if d := m.validate(ctx); d.HasError() {
				t.Fatalf("an unknown %s was blamed: %v", name, d)
			}
		})
	}
}

// TestKnownMistakesBesideUnknownValues: an argument that is wrong by
// itself is refused at validate even while another argument of its block
// is unknown (type = "sse_kms" beside a key from a resource not yet
// created); a rule that compares the two waits.
func TestKnownMistakesBesideUnknownValues(t *testing.T) {
	ctx := context.Background()
	m := validParts().model(t)
	attrs := m.Encryption.Attributes()
	attrs["type"], attrs["key"] = types.StringValue("sse_kms"), types.StringUnknown()
	m.Encryption = types.ObjectValueMust(m.Encryption.AttributeTypes(ctx), attrs)
	d := m.validate(ctx)
	if d.ErrorsCount() != 1 || d.Errors()[0].Summary() != "Invalid Encryption Type" {
		t.Fatalf("type sse_kms beside an unknown key: %v, want Invalid Encryption Type", d)
	}
	if p, ok := d.Errors()[0].(diag.DiagnosticWithPath); !ok || !p.Path().Equal(path.Root("encryption").AtName("type")) {
		t.Errorf("the error is not on encryption.type: %v", d.Errors()[0])
	}

	m = validParts().model(t)
	attrs = m.Encryption.Attributes()
	attrs["type"], attrs["key"] = types.StringUnknown(), types.StringValue("finance-2026-11")
	m.Encryption = types.ObjectValueMust(m.Encryption.AttributeTypes(ctx), attrs)
	if d := m.validate(ctx); d.HasError() {
		t.Errorf("a key beside an unknown type was blamed: %v", d)
	}
}

// TestValidationReportsEveryBlock: a value that does not parse in one block
// does not hide the mistakes of the others; one validate shows them all.
func TestValidationReportsEveryBlock(t *testing.T) {
	p := validParts()
	p.encryption.Type = types.StringValue("sse-kmz")
	p.filter = emptyFilter()
	p.filter.OlderThan = types.StringValue("7x")
	got := validate(t, p)
	want := []path.Path{path.Root("filter").AtName("older_than"), path.Root("encryption").AtName("type")}
	if len(got) != len(want) {
		t.Fatalf("errors on %v, want %v", got, want)
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g.Equal(w)
		}
		if !found {
			t.Errorf("no error on %s among %v", w, got)
		}
	}
}
