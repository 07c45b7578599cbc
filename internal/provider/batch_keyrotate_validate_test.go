package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// validModel is a configuration that passes validation; each case breaks
// one thing in a copy of it.
func validModel() batchKeyrotateModel {
	return batchKeyrotateModel{
		Bucket:            types.StringValue("finance"),
		Prefix:            types.StringNull(),
		Encryption:        &encryptionModel{Type: types.StringValue("sse-kms"), Key: types.StringValue("finance-2026-11"), Context: types.MapNull(types.StringType)},
		WaitForCompletion: types.BoolNull(),
		StallTimeout:      types.StringNull(),
		Triggers:          types.MapNull(types.StringType),
		Status:            types.StringNull(), ObjectsRotated: types.Int64Null(), ObjectsFailed: types.Int64Null(),
		LastObject: types.StringNull(), StartedAt: types.StringNull(), LastUpdate: types.StringNull(),
		User: types.StringNull(), Attempts: types.Int64Null(), JobYAML: types.StringNull(), ID: types.StringNull(),
	}
}

func emptyFilter() *filterModel {
	return &filterModel{NewerThan: types.StringNull(), OlderThan: types.StringNull(), CreatedAfter: types.StringNull(),
		CreatedBefore: types.StringNull(), KMSKey: types.StringNull()}
}

func kv(k, v string) kvModel { return kvModel{Key: types.StringValue(k), Value: types.StringValue(v)} }

// validate runs the resource's ValidateConfig on m and returns the paths
// of its error diagnostics.
func validate(t *testing.T, m batchKeyrotateModel) []path.Path {
	t.Helper()
	ctx := context.Background()
	r := &batchKeyrotateResource{}
	var sr resource.SchemaResponse
	r.Schema(ctx, resource.SchemaRequest{}, &sr)
	m.Timeouts.Object = types.ObjectNull(map[string]attr.Type{"create": types.StringType, "delete": types.StringType})
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
		breakIt func(*batchKeyrotateModel)
		want    path.Path
	}{
		"encryption type": {func(m *batchKeyrotateModel) { m.Encryption.Type = types.StringValue("aes") }, enc.AtName("type")},
		"missing key":     {func(m *batchKeyrotateModel) { m.Encryption.Key = types.StringNull() }, enc.AtName("key")},
		"key with sse-s3": {func(m *batchKeyrotateModel) { m.Encryption.Type = types.StringValue("sse-s3") }, enc.AtName("key")},
		"context": {func(m *batchKeyrotateModel) {
			m.Encryption.Context = types.MapValueMust(types.StringType, map[string]attr.Value{"a": types.StringValue("b")})
		}, enc.AtName("context")},
		"newer_than": {func(m *batchKeyrotateModel) {
			m.Filter = emptyFilter()
			m.Filter.NewerThan = types.StringValue("7days")
		}, filter.AtName("newer_than")},
		"age window": {func(m *batchKeyrotateModel) {
			m.Filter = emptyFilter()
			m.Filter.NewerThan, m.Filter.OlderThan = types.StringValue("1d"), types.StringValue("2d")
		}, filter.AtName("older_than")},
		"created_before": {func(m *batchKeyrotateModel) {
			m.Filter = emptyFilter()
			m.Filter.CreatedBefore = types.StringValue("soon")
		}, filter.AtName("created_before")},
		"kms_key": {func(m *batchKeyrotateModel) { m.Filter = emptyFilter(); m.Filter.KMSKey = types.StringValue("k") }, filter.AtName("kms_key")},
		"second tag key": {func(m *batchKeyrotateModel) {
			m.Filter = emptyFilter()
			m.Filter.Tags = []kvModel{kv("ok", "v"), kv("bad!", "v")}
		}, filter.AtName("tags").AtListIndex(1).AtName("key")},
		"metadata with tags": {func(m *batchKeyrotateModel) {
			m.Filter = emptyFilter()
			m.Filter.Tags, m.Filter.Metadata = []kvModel{kv("a", "b")}, []kvModel{kv("content-type", "x")}
		}, filter.AtName("metadata")},
		"metadata key": {func(m *batchKeyrotateModel) {
			m.Filter = emptyFilter()
			m.Filter.Metadata = []kvModel{kv("expires", "x")}
		},
			filter.AtName("metadata").AtListIndex(0).AtName("key")},
		"notify endpoint": {func(m *batchKeyrotateModel) {
			m.Notify = &notifyModel{Endpoint: types.StringValue("ftp://x"), Token: types.StringNull()}
		}, path.Root("notify").AtName("endpoint")},
		"retry attempts": {func(m *batchKeyrotateModel) {
			m.Retry = &retryModel{Attempts: types.Int64Value(101), Delay: types.StringNull()}
		}, path.Root("retry").AtName("attempts")},
		"bucket": {func(m *batchKeyrotateModel) { m.Bucket = types.StringValue("Bad_Bucket") }, path.Root("bucket")},
	} {
		t.Run(name, func(t *testing.T) {
			m := validModel()
			tc.breakIt(&m)
			got := validate(t, m)
			if len(got) != 1 || !got[0].Equal(tc.want) {
				t.Fatalf("errors on %v, want exactly one on %s", got, tc.want)
			}
		})
	}
}

func TestValidModelHasNoErrors(t *testing.T) {
	if got := validate(t, validModel()); len(got) != 0 {
		t.Fatalf("a valid configuration got errors on %v", got)
	}
}

// TestUnknownValuesAreNotBlamed leaves a key unknown (a reference to a
// resource not yet created): validation must wait for it, not fail.
func TestUnknownValuesAreNotBlamed(t *testing.T) {
	m := validModel()
	m.Encryption.Key = types.StringUnknown()
	if got := validate(t, m); len(got) != 0 {
		t.Fatalf("an unknown key was blamed: %v", got)
	}
}
