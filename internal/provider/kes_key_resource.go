package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/minio/kes-go"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/conn"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

var (
	_ resource.ResourceWithImportState = (*kesKeyResource)(nil)
	_ resource.ResourceWithConfigure   = (*kesKeyResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*kesKeyResource)(nil)
	_ resource.ResourceWithIdentity    = (*kesKeyResource)(nil)
)

type kesKeyResource struct {
	clients *clients
}

// NewKESKeyResource is the minio_kes_key resource.
func NewKESKeyResource() resource.Resource { return &kesKeyResource{} }

type kesKeyModel struct {
	ID           types.String `tfsdk:"id"`
	Name         types.String `tfsdk:"name"`
	AllowDestroy types.Bool   `tfsdk:"allow_destroy"`
	// OutsideReplicasChecked lets a deletion past bucket replication
	// targets outside the site-replication group.
	OutsideReplicasChecked types.Bool     `tfsdk:"outside_replicas_checked"`
	CreatedAt              types.String   `tfsdk:"created_at"`
	CreatedBy              types.String   `tfsdk:"created_by"`
	Timeouts               timeouts.Value `tfsdk:"timeouts"`
}

// defaultKESKeyDeleteTimeout bounds the usage check before a deletion.
const defaultKESKeyDeleteTimeout = 30 * time.Minute

// kesKeyTimeoutsType is the object type of the timeouts block.
var kesKeyTimeoutsType = map[string]attr.Type{"delete": types.StringType}

func (r *kesKeyResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_kes_key"
}

func (r *kesKeyResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = singleIdentitySchema(identityKey, "The key's name in KES.")
}

func (r *kesKeyResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.clients = clientsFrom(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan shows at plan a destroy that apply would refuse, and notes a
// key this plan creates, so that a rotation towards it in the same plan
// is not refused as a missing key (plan_target_key.go).
func (r *kesKeyResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.clients == nil {
		return
	}
	if req.Plan.Raw.IsNull() || (!req.State.Raw.IsNull() && len(resp.RequiresReplace) > 0) {
		// A destroy, or a rename, which deletes the key of the old name.
		r.planDestroy(ctx, req.State, &resp.Diagnostics)
	}
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() {
		return
	}
	var name types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("name"), &name)...)
	if !name.IsNull() && !name.IsUnknown() {
		r.clients.planKeyCreation(name.ValueString())
	}
}

func (r *kesKeyResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "A master key in KES, through the provider's `kes` block. Objects sealed under a key can only be read while the key " +
			"exists: destroy refuses unless `allow_destroy = true`, and even then deletes the key only after checking, on every site, that nothing " +
			"in MinIO still uses it.",
		Attributes: map[string]schema.Attribute{
			"id": computedString("The key name."),
			"name": schema.StringAttribute{
				Required: true, PlanModifiers: replaced,
				Validators:          []validator.String{kesKeyNameValidator{}},
				MarkdownDescription: "Key name: " + keyrotate.KeyNameRule + ".",
			},
			"allow_destroy": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Allow destroy to delete the key. Default false: objects may still be sealed under it, and deleting it makes them unreadable for good. " +
					"With true, destroy first checks every bucket of every site and still refuses while anything it can see uses the key.",
			},
			"outside_replicas_checked": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Set to true once every bucket replication target outside the site-replication group (for a deployment in no group: every target) " +
					"has been checked and no longer needs this key. Default false: such a target refuses the destroy, naming it, since the check cannot list its replicas. " +
					"True lets destroy past those targets only, naming them in a warning; it has no effect without `allow_destroy = true`. Read from state: apply it before destroying.",
			},
			"created_at": schema.StringAttribute{Computed: true, MarkdownDescription: "When KES created the key (RFC 3339).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"created_by": schema.StringAttribute{Computed: true, MarkdownDescription: "The KES identity that created the key.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Delete: true,
				DeleteDescription: "How long destroy may spend checking that nothing uses the key before deleting it (default `" +
					defaultKESKeyDeleteTimeout.String() + "`). A check that runs out of time refuses the destroy."}),
		},
	}
}

// describeKESKey fills m's computed attributes from KES.
func (c *clients) describeKESKey(ctx context.Context, m *kesKeyModel) error {
	info, err := c.kes.Client.DescribeKey(ctx, m.Name.ValueString())
	if err != nil {
		return err
	}
	m.ID = types.StringValue(info.Name)
	m.CreatedAt = types.StringValue(info.CreatedAt.UTC().Format(time.RFC3339))
	m.CreatedBy = types.StringValue(info.CreatedBy.String())
	return nil
}

func (r *kesKeyResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m kesKeyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !kesConfigured(r.clients, "minio_kes_key", &resp.Diagnostics) {
		return
	}
	name := m.Name.ValueString()
	err := r.clients.kes.Client.CreateKey(ctx, name)
	switch {
	case errors.Is(err, kes.ErrKeyExists):
		resp.Diagnostics.AddAttributeError(path.Root("name"), "KES Key Already Exists",
			fmt.Sprintf("KES already has a key %q. To manage it with Terraform, import it into the resource named above: "+
				"an import block with id = %q, or `terraform import` with that resource's address and %s.", name, name, name))
		return
	case err != nil:
		if !r.clients.explainKES(err, fmt.Sprintf("Key %q was not created.", name), conn.KESCreateKey, &resp.Diagnostics) {
			resp.Diagnostics.AddError("Cannot Create KES Key",
				fmt.Sprintf("Creating key %q in KES failed. Check that the identity may create keys (/v1/key/create/*).\n\n%v", name, err))
		}
		return
	}
	if err := r.clients.describeKESKey(ctx, &m); err != nil {
		if !r.clients.explainKES(err, fmt.Sprintf("Key %q was created but reading it back failed.", name), conn.KESDescribeKey, &resp.Diagnostics) {
			resp.Diagnostics.AddError("Cannot Read KES Key", fmt.Sprintf("Key %q was created but reading it back failed.\n\n%v", name, err))
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(ctx, resp.Identity, identityKey, name, &resp.Diagnostics)
}

func (r *kesKeyResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m kesKeyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !kesConfigured(r.clients, "minio_kes_key", &resp.Diagnostics) {
		return
	}
	if m.OutsideReplicasChecked.IsNull() { // state written before the argument existed
		m.OutsideReplicasChecked = types.BoolValue(false)
	}
	err := r.clients.describeKESKey(ctx, &m)
	switch {
	case errors.Is(err, kes.ErrKeyNotFound):
		// Deleted outside Terraform: the plan shows it will be created
		// again, as a new key (the resource documentation warns about it).
		resp.State.RemoveResource(ctx)
		return
	case err != nil:
		if !r.clients.explainKES(err, fmt.Sprintf("Reading key %q failed.", m.Name.ValueString()), conn.KESDescribeKey, &resp.Diagnostics) {
			resp.Diagnostics.AddError("Cannot Read KES Key",
				fmt.Sprintf("Reading key %q from KES failed. Check that the identity may describe keys (/v1/key/describe/*).\n\n%v", m.Name.ValueString(), err))
		}
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(ctx, resp.Identity, identityKey, m.Name.ValueString(), &resp.Diagnostics)
}

// Update only changes allow_destroy, which lives in state alone.
func (r *kesKeyResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m kesKeyModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(ctx, resp.Identity, identityKey, m.Name.ValueString(), &resp.Diagnostics)
}

func (r *kesKeyResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m kesKeyModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !kesConfigured(r.clients, "minio_kes_key", &resp.Diagnostics) {
		return
	}
	name := m.Name.ValueString()
	timeout, d := m.Timeouts.Delete(ctx, defaultKESKeyDeleteTimeout)
	if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	verdict, ok := r.retireCheck(ctx, m, timeout, &resp.Diagnostics)
	if !ok {
		return
	}
	if err := r.clients.kes.Client.DeleteKey(ctx, name); err != nil && !errors.Is(err, kes.ErrKeyNotFound) {
		if !r.clients.explainKES(err, fmt.Sprintf("Key %q was not deleted.", name), conn.KESDeleteKey, &resp.Diagnostics) {
			resp.Diagnostics.AddError("Cannot Delete KES Key",
				fmt.Sprintf("Deleting key %q from KES failed. Check that the identity may delete keys (/v1/key/delete/*).\n\n%v", name, err))
		}
		return
	}
	resp.Diagnostics.Append(verdict...) // the outside targets taken as checked
}

// The summaries of a destroy refused for what its checks found (not for a
// check that failed).
const (
	summaryDeletionRefused = "KES Key Deletion Refused"
	summaryKeyInUse        = "Key In Use"
	summaryKeyMayBeInUse   = "Key May Be In Use At Replication Targets"
)

// retireCheck is what a destroy of key m checks before deleting anything:
// allow_destroy, then what uses the key on every site. ok is false when
// the destroy must not go ahead, with the errors in diags; verdict holds
// the warnings of a destroy that may.
func (r *kesKeyResource) retireCheck(ctx context.Context, m kesKeyModel, timeout time.Duration, diags *diag.Diagnostics) (verdict diag.Diagnostics, ok bool) {
	name := m.Name.ValueString()
	if !m.AllowDestroy.ValueBool() {
		diags.AddError(summaryDeletionRefused,
			fmt.Sprintf("Key %q was not deleted: objects sealed under it could never be read again. Rotate them to another key first "+
				"(minio_batch_keyrotate), then set allow_destroy = true and apply before destroying. To stop managing the key without deleting it, "+
				"use `terraform state rm`.", name))
		return nil, false
	}
	// Never delete on doubt: the key goes only after a complete check of
	// every site found nothing that uses it, within timeout (ctx's).
	tflog.Info(ctx, "checking that nothing in MinIO uses the key before deleting it", map[string]any{"key": name, "timeout": timeout.String()})
	rep, ok := r.clients.keyUsageSites(ctx, name,
		func(onSite string) string {
			return fmt.Sprintf("Key %q was not deleted: the check of what still uses it did not finish%s, and the provider does not delete a key it could not check.", name, onSite)
		},
		fmt.Sprintf("The delete timeout is %s: raise it in the resource's timeouts block (timeouts { delete = \"2h\" }), apply, then destroy again.", timeout),
		diags)
	if !ok {
		return nil, false
	}
	verdict = keyRetireVerdict(rep, m.OutsideReplicasChecked.ValueBool())
	if verdict.HasError() {
		diags.Append(verdict...)
		return nil, false
	}
	return verdict, true
}

// planDestroy runs the destroy's checks at plan, so that a reviewer sees
// a refusal, with its counts, before apply. It warns, and does not fail the
// plan: the same apply may first stop the use (move a bucket default,
// rotate the versions), and whatever else the plan does must not wait on
// a retirement. Apply checks again and deletes nothing on doubt.
func (r *kesKeyResource) planDestroy(ctx context.Context, state tfsdk.State, diags *diag.Diagnostics) {
	var m kesKeyModel
	if diags.Append(state.Get(ctx, &m)...); diags.HasError() || r.clients.kes == nil {
		return
	}
	timeout, d := m.Timeouts.Delete(ctx, defaultKESKeyDeleteTimeout)
	if diags.Append(d...); diags.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var checked diag.Diagnostics
	// A destroy that may go ahead says so when it deletes the key.
	_, ok := r.retireCheck(ctx, m, timeout, &checked)
	switch {
	case ok:
	case refusedAtPlan(checked):
		for _, d := range checked {
			detail := strings.Replace(d.Detail(), " was not deleted: ", " would not be deleted: ", 1)
			unless := ", unless this same apply first stops what uses it"
			if d.Summary() == summaryDeletionRefused {
				unless = "" // allow_destroy is read from state: nothing in this apply changes it
			}
			diags.AddWarning(d.Summary(), "As things stand, apply will refuse to delete the key"+unless+". "+detail)
		}
	default:
		for _, d := range checked {
			diags.AddWarning(d.Summary(), "The plan could not check what uses the key; apply checks again before deleting it. "+d.Detail())
		}
	}
}

// refusedAtPlan reports whether a destroy's checks refused it for what
// they found, not for a check that failed.
func refusedAtPlan(checked diag.Diagnostics) bool {
	for _, d := range checked.Errors() {
		switch d.Summary() {
		case summaryDeletionRefused, summaryKeyInUse, summaryKeyMayBeInUse:
			return true
		}
	}
	return false
}

func (r *kesKeyResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	name := importID(ctx, req, identityKey, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !kesConfigured(r.clients, "minio_kes_key", &resp.Diagnostics) {
		return
	}
	m := adoptedKESKey(name)
	if err := r.clients.describeKESKey(ctx, &m); err != nil {
		if !r.clients.explainKES(err, fmt.Sprintf("Key %q was not imported.", name), conn.KESDescribeKey, &resp.Diagnostics) {
			resp.Diagnostics.AddError("Cannot Import KES Key", fmt.Sprintf("KES has no readable key %q.\n\n%v", name, err))
		}
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	setIdentity(ctx, resp.Identity, identityKey, name, &resp.Diagnostics)
}

// adoptedKESKey is the state of a key taken under management (import,
// list): the arguments at their defaults, so that deleting it takes a
// deliberate allow_destroy = true.
func adoptedKESKey(name string) kesKeyModel {
	return kesKeyModel{Name: types.StringValue(name), AllowDestroy: types.BoolValue(false), OutsideReplicasChecked: types.BoolValue(false),
		Timeouts: timeouts.Value{Object: types.ObjectNull(kesKeyTimeoutsType)}}
}

// kesKeyNameValidator applies KES's own key name rule at validate time.
type kesKeyNameValidator struct{}

func (kesKeyNameValidator) Description(context.Context) string { return keyrotate.KeyNameRule }

func (v kesKeyNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (kesKeyNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || keyrotate.ValidKeyName(req.ConfigValue.ValueString()) {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid KES Key Name",
		fmt.Sprintf("%q is not a name KES accepts; %s.", req.ConfigValue.ValueString(), keyrotate.KeyNameRule))
}
