package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Each managed resource is identified by one string, which is also what
// its import ID is: the job ID of a rotation, the name of a KES key, the
// bucket of a bucket default. Identity lets import blocks name it by
// attribute, and list resources (terraform query) return it.

// Identity attribute names.
const (
	identityJobID  = "id"
	identityKey    = "name"
	identityBucket = "bucket"
)

// singleIdentitySchema is an identity of one string attribute.
func singleIdentitySchema(name, doc string) identityschema.Schema {
	return identityschema.Schema{Attributes: map[string]identityschema.Attribute{
		name: identityschema.StringAttribute{RequiredForImport: true, Description: doc},
	}}
}

// setIdentity records value as the identity attribute name; id is nil
// when Terraform does not handle identities.
func setIdentity(ctx context.Context, id *tfsdk.ResourceIdentity, name, value string, diags *diag.Diagnostics) {
	if id == nil || value == "" {
		return
	}
	diags.Append(id.SetAttribute(ctx, path.Root(name), value)...)
}

// importID is what an import names: its ID, or the identity attribute
// name of an import block's identity.
func importID(ctx context.Context, req resource.ImportStateRequest, name string, diags *diag.Diagnostics) string {
	if req.ID != "" || req.Identity == nil {
		return req.ID
	}
	var v types.String
	diags.Append(req.Identity.GetAttribute(ctx, path.Root(name), &v)...)
	return v.ValueString()
}
