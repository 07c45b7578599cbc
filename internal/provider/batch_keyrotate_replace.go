package provider

import (
	"context"
	"reflect"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

// A started job cannot change, so a change to any job argument means a new
// job. But only a change of the job itself: "168h" for "7d", a timestamp in
// another zone, or "dept" for "x-amz-meta-dept" (what an import reads back)
// describe the same job, and replacing it would rotate every object again.
// Such a change is stored in place instead.

const replaceDoc = "A change of the job replaces it (a new job runs); a change of spelling only is stored in place."

// jobChanged reports whether state and configuration describe different
// jobs. Values not yet known, or that do not parse, count as a change. The
// configuration is read rather than the plan because only it holds
// notify.token_wo.
func jobChanged(ctx context.Context, state tfsdk.State, config tfsdk.Config) bool {
	var before, after batchKeyrotateModel
	if state.Get(ctx, &before).HasError() || config.Get(ctx, &after).HasError() {
		return true
	}
	a, ab := before.spec(ctx)
	b, bb := after.spec(ctx)
	if ab.diags.HasError() || bb.diags.HasError() || len(bb.unknown) > 0 {
		return true
	}
	if tokenChanged(ctx, before, a, after, b) {
		return true
	}
	a.Notify.Token, b.Notify.Token = "", ""
	return !reflect.DeepEqual(a.Normalized(), b.Normalized())
}

// tokenChanged compares the notification tokens of two jobs, knowing that
// state may not hold the token the server has: none after an import, none
// for token_wo. Having a token or not is a change; so is a new value of
// a token kept in state, and a new token_wo_version. Declaring the token
// of an imported job, adding a version, or moving between token and
// token_wo is stored in place.
func tokenChanged(ctx context.Context, before batchKeyrotateModel, a keyrotate.Spec, after batchKeyrotateModel, b keyrotate.Spec) bool {
	was, now := notifyOf(ctx, before.Notify), notifyOf(ctx, after.Notify)
	shown, _ := keyrotate.Decode([]byte(before.JobYAML.ValueString()))
	hadToken := a.Notify.Token != "" || shown.Notify.Token == keyrotate.RedactedToken
	switch {
	case hadToken != (b.Notify.Token != ""):
		return true
	case !was.Token.IsNull() && !now.Token.IsNull() && was.Token.ValueString() != now.Token.ValueString():
		return true
	default:
		return !was.TokenWOVersion.IsNull() && !was.TokenWOVersion.Equal(now.TokenWOVersion)
	}
}

// notifyOf reads a known notify block; an absent one reads as all null.
func notifyOf(ctx context.Context, o types.Object) notifyModel {
	n := notifyModel{Endpoint: types.StringNull(), Token: types.StringNull(), TokenWO: types.StringNull(), TokenWOVersion: types.Int64Null()}
	if !o.IsNull() && !o.IsUnknown() {
		o.As(ctx, &n, basetypes.ObjectAsOptions{})
	}
	return n
}

var (
	replaceJobString = []planmodifier.String{stringplanmodifier.RequiresReplaceIf(
		func(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = jobChanged(ctx, req.State, req.Config)
		}, replaceDoc, replaceDoc)}
	replaceJobObject = []planmodifier.Object{objectplanmodifier.RequiresReplaceIf(
		func(ctx context.Context, req planmodifier.ObjectRequest, resp *objectplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = jobChanged(ctx, req.State, req.Config)
		}, replaceDoc, replaceDoc)}
)
