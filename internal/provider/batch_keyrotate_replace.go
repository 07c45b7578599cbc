package provider

import (
	"context"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
)

// A started job cannot change, so a change to any job argument means a new
// job. But only a change of the job itself: "168h" for "7d", a timestamp in
// another zone, or "dept" for "x-amz-meta-dept" (what an import reads back)
// describe the same job, and replacing it would rotate every object again.
// Such a change is stored in place instead.

const replaceDoc = "A change of the job replaces it (a new job runs); a change of spelling only is stored in place."

// jobChanged reports whether state and plan describe different jobs. Values
// not yet known, or that do not parse, count as a change.
func jobChanged(ctx context.Context, state tfsdk.State, plan tfsdk.Plan) bool {
	var before, after batchKeyrotateModel
	if state.Get(ctx, &before).HasError() || plan.Get(ctx, &after).HasError() {
		return true
	}
	a, ab := before.spec(ctx)
	b, bb := after.spec(ctx)
	if ab.diags.HasError() || bb.diags.HasError() || len(bb.unknown) > 0 {
		return true
	}
	return !reflect.DeepEqual(a.Normalized(), b.Normalized())
}

var (
	replaceJobString = []planmodifier.String{stringplanmodifier.RequiresReplaceIf(
		func(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = jobChanged(ctx, req.State, req.Plan)
		}, replaceDoc, replaceDoc)}
	replaceJobObject = []planmodifier.Object{objectplanmodifier.RequiresReplaceIf(
		func(ctx context.Context, req planmodifier.ObjectRequest, resp *objectplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = jobChanged(ctx, req.State, req.Plan)
		}, replaceDoc, replaceDoc)}
)
