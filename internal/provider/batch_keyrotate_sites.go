package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

// Under site replication the resource holds one job per site in its sites
// attribute; its own job attributes (id, status, counts) then sum them up:
// id is the provider's own site's job, status the least finished site's,
// counts are totals. Outside a group, sites is empty and nothing changes.

// siteStateModel is one site's entry of the sites attribute.
type siteStateModel struct {
	Name                  types.String `tfsdk:"name"`
	Endpoint              types.String `tfsdk:"endpoint"`
	JobID                 types.String `tfsdk:"job_id"`
	Status                types.String `tfsdk:"status"`
	ObjectsRotated        types.Int64  `tfsdk:"objects_rotated"`
	ObjectsFailed         types.Int64  `tfsdk:"objects_failed"`
	TagsRestored          types.Int64  `tfsdk:"tags_restored"`
	DeleteMarkersRestored types.Int64  `tfsdk:"delete_markers_restored"`
	VersionsPending       types.Int64  `tfsdk:"versions_pending"`
	RestorationPending    types.String `tfsdk:"restoration_pending"`
}

func siteStateAttrTypes() map[string]attr.Type {
	return map[string]attr.Type{
		"name": types.StringType, "endpoint": types.StringType, "job_id": types.StringType, "status": types.StringType,
		"objects_rotated": types.Int64Type, "objects_failed": types.Int64Type, "tags_restored": types.Int64Type,
		"delete_markers_restored": types.Int64Type, "versions_pending": types.Int64Type, "restoration_pending": types.StringType,
	}
}

// sitesAttribute is the schema of the sites attribute. It is measured
// afresh by every refresh, like the verified counts.
func sitesAttribute() schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		Computed: true,
		MarkdownDescription: "One entry per site when the provider's deployment belongs to a site-replication group (the provider's own site first); empty otherwise. " +
			"A keyrotate job re-seals its own site only, so a rotation runs one job on every site (guide \"Multi-site deployments\"); " +
			"the resource's `status` is then the least finished site's and its counts are totals.",
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"name":                    schema.StringAttribute{Computed: true, MarkdownDescription: "The site's name in the group."},
			"endpoint":                schema.StringAttribute{Computed: true, MarkdownDescription: "Where the provider reached the site: the group's endpoint for it, or `site_endpoints`."},
			"job_id":                  schema.StringAttribute{Computed: true, MarkdownDescription: "The site's keyrotate job; empty when none could be started there."},
			"status":                  schema.StringAttribute{Computed: true, MarkdownDescription: "The site's job: `running`, `complete`, `failed` or `canceled`; `failed` when none was started."},
			"objects_rotated":         schema.Int64Attribute{Computed: true, MarkdownDescription: "Objects the site's job rotated."},
			"objects_failed":          schema.Int64Attribute{Computed: true, MarkdownDescription: "Objects the site's job failed to rotate."},
			"tags_restored":           schema.Int64Attribute{Computed: true, MarkdownDescription: "Tag sets put back on the site (tags replication already brought back count as in place, not here)."},
			"delete_markers_restored": schema.Int64Attribute{Computed: true, MarkdownDescription: "Delete markers put back on the site."},
			"versions_pending":        schema.Int64Attribute{Computed: true, MarkdownDescription: "Data versions in scope on the site not under the target key; null with `verify = false`."},
			"restoration_pending": schema.StringAttribute{Computed: true, Sensitive: true,
				MarkdownDescription: "What a failed restoration on the site left to put back (compressed, base64); null when nothing is."},
		}},
	}
}

// siteStates reads the sites attribute.
func (m *batchKeyrotateModel) siteStates(ctx context.Context) ([]siteStateModel, diag.Diagnostics) {
	var out []siteStateModel
	if m.Sites.IsNull() || m.Sites.IsUnknown() {
		return nil, nil
	}
	d := m.Sites.ElementsAs(ctx, &out, false)
	return out, d
}

// setSites writes the sites attribute and sums it up into the resource's
// own job attributes.
func (m *batchKeyrotateModel) setSites(ctx context.Context, sites []siteStateModel) diag.Diagnostics {
	if sites == nil {
		sites = []siteStateModel{} // an empty list, not null: the attribute is known
	}
	list, d := types.ListValueFrom(ctx, types.ObjectType{AttrTypes: siteStateAttrTypes()}, sites)
	m.Sites = list
	if len(sites) == 0 || d.HasError() {
		return d
	}
	var rotated, failed int64
	tags, markers, pending := types.Int64Value(0), types.Int64Value(0), types.Int64Value(0)
	status := batchjob.StatusComplete
	for _, s := range sites {
		rotated += s.ObjectsRotated.ValueInt64()
		failed += s.ObjectsFailed.ValueInt64()
		tags, markers, pending = addKnown(tags, s.TagsRestored), addKnown(markers, s.DeleteMarkersRestored), addKnown(pending, s.VersionsPending)
		status = leastFinished(status, batchjob.Status(s.Status.ValueString()))
	}
	m.Status, m.ObjectsRotated, m.ObjectsFailed = types.StringValue(string(status)), types.Int64Value(rotated), types.Int64Value(failed)
	m.TagsRestored, m.DeleteMarkersRestored, m.VersionsPending = tags, markers, pending
	m.RestorationPending = types.StringNull() // kept per site
	return d
}

// addKnown adds v to sum; a null v (not measured) makes the sum null.
func addKnown(sum, v types.Int64) types.Int64 {
	if sum.IsNull() || v.IsNull() || v.IsUnknown() {
		return types.Int64Null()
	}
	return types.Int64Value(sum.ValueInt64() + v.ValueInt64())
}

// leastFinished is the status a rotation across sites has when one site
// is at a and another at b: a failed or canceled site makes the plan
// replace the rotation, a running one makes refreshes follow it.
func leastFinished(a, b batchjob.Status) batchjob.Status {
	rank := func(s batchjob.Status) int {
		switch s {
		case batchjob.StatusComplete:
			return 0
		case batchjob.StatusRunning:
			return 1
		case batchjob.StatusCanceled:
			return 2
		}
		return 3 // failed, or no job
	}
	worst := max(rank(a), rank(b))
	return []batchjob.Status{batchjob.StatusComplete, batchjob.StatusRunning, batchjob.StatusCanceled, batchjob.StatusFailed}[worst]
}

// siteStatesOf is what a rotation did on each site, for state.
func siteStatesOf(res rotationResult, spec keyrotate.Spec) []siteStateModel {
	out := make([]siteStateModel, 0, len(res.sites))
	for _, run := range res.sites {
		r := run.res
		s := siteStateModel{
			Name: types.StringValue(run.site.Name), Endpoint: types.StringValue(siteEndpoint(run.site)),
			JobID: types.StringValue(r.out.JobID), Status: types.StringValue(string(batchjob.StatusFailed)),
			ObjectsRotated: types.Int64Value(r.out.Progress.Objects), ObjectsFailed: types.Int64Value(r.out.Progress.ObjectsFailed),
			TagsRestored: types.Int64Null(), DeleteMarkersRestored: types.Int64Null(), VersionsPending: types.Int64Null(), RestorationPending: types.StringNull(),
		}
		if run.started() || r.nothingPending != "" {
			s.Status = types.StringValue(string(r.out.Progress.Status))
		}
		if r.restored != nil {
			s.TagsRestored, s.DeleteMarkersRestored = types.Int64Value(r.restored.TagsRestored), types.Int64Value(r.restored.MarkersPut)
		}
		if r.verified != nil {
			s.VersionsPending = types.Int64Value(r.verified.Pending(spec.Encryption).Versions)
		}
		if r.pending != "" {
			s.RestorationPending = types.StringValue(r.pending)
		}
		out = append(out, s)
	}
	return out
}

// siteEndpoint is where the provider reaches s.
func siteEndpoint(s *site) string {
	if s.Local {
		return s.minio.Host
	}
	return s.Dial
}

// siteByName finds a site of the group by name, saying so when the group
// no longer has it.
func siteByName(group []*site, name string) *site {
	for _, s := range group {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// readSites refreshes every site's job and, with verify, counts every
// site's scope again; the sums go into m.
func (r *batchKeyrotateResource) readSites(ctx context.Context, m *batchKeyrotateModel, diags *diag.Diagnostics) {
	states, d := m.siteStates(ctx)
	if diags.Append(d...); d.HasError() || len(states) == 0 {
		return
	}
	group, ok := r.clients.sites(ctx, "The rotation's state was not refreshed.", diags)
	if !ok {
		return
	}
	spec, b := m.spec(ctx)
	at := make([]*site, len(states))
	for i := range states {
		st := &states[i]
		if at[i] = siteByName(group, st.Name.ValueString()); at[i] == nil {
			diags.AddWarning("Site Left The Group",
				fmt.Sprintf("Site %s, where this rotation ran job %s, is no longer a site of the group (its sites now: %s). Its last known state is kept.",
					st.Name.ValueString(), st.JobID.ValueString(), siteNames(group)))
			continue
		}
		if !readSiteJob(ctx, at[i], st, m, diags) {
			return
		}
	}
	// Counting is a listing of the scope per site: the sites side by side.
	verify := m.Verify.ValueBool() && !b.diags.HasError()
	siteDiags := make([]diag.Diagnostics, len(states))
	oldest := make([]time.Time, len(states))
	eachOf(states, func(i int, st siteStateModel) {
		states[i].VersionsPending = types.Int64Null()
		if at[i] == nil || !verify || st.Status.ValueString() != string(batchjob.StatusComplete) {
			return
		}
		if res, _ := (&rotator{clients: at[i].clients}).countVersions(ctx, spec, &siteDiags[i]); res != nil {
			states[i].VersionsPending = types.Int64Value(res.Pending(spec.Encryption).Versions)
			oldest[i] = res.OldestPending(spec.Encryption)
		}
	})
	for i, d := range siteDiags {
		for _, one := range d {
			diags.Append(siteDiagnostic(at[i].Name, one))
		}
	}
	diags.Append(m.setSites(ctx, states)...)
	// Under site replication every refresh counts every site exactly.
	m.PendingSince, m.Verification, m.DriftBound = types.StringNull(), types.StringNull(), types.Int64Null()
	if !m.VersionsPending.IsNull() {
		m.VerifiedAt = types.StringValue(time.Now().UTC().Format(time.RFC3339))
		m.PendingSince = pendingSinceValue(earliest(oldest))
		m.Verification, m.DriftBound = types.StringValue(verificationExact), types.Int64Value(0)
	}
}

// earliest is the earliest non-zero time of ts; zero when there is none.
func earliest(ts []time.Time) time.Time {
	var first time.Time
	for _, t := range ts {
		if !t.IsZero() && (first.IsZero() || t.Before(first)) {
			first = t
		}
	}
	return first
}

// readSiteJob reads site s's job into its entry st, and into m when it is
// the resource's own job; false (with an error) when it could not be read.
// A purged job keeps its last known state.
func readSiteJob(ctx context.Context, s *site, st *siteStateModel, m *batchKeyrotateModel, diags *diag.Diagnostics) bool {
	id := st.JobID.ValueString()
	if id == "" {
		return true
	}
	p, err := batchjob.Fetch(ctx, s.admin, id)
	switch {
	case batchjob.IsNoSuchJob(err):
		tflog.Info(ctx, "batch job no longer on the server (purged); keeping its last known state", map[string]any{"job_id": id, "site": s.Name})
	case err != nil:
		diags.AddError("Cannot Read Rotation Job",
			fmt.Sprintf("Reading the status of job %s on site %s failed.%s Check that the site is reachable (site_endpoints) and the credentials may read batch jobs there.\n\n%v",
				id, s.Name, s.deniedNote(err), err))
		return false
	default:
		st.Status, st.ObjectsRotated, st.ObjectsFailed = types.StringValue(string(p.Status)), types.Int64Value(p.Objects), types.Int64Value(p.ObjectsFailed)
		if id == m.ID.ValueString() {
			m.setProgress(p)
		}
	}
	return true
}

func siteNames(group []*site) string {
	names := make([]string, len(group))
	for i, s := range group {
		names[i] = s.Name
	}
	return strings.Join(names, ", ")
}

// pendingBySite says where the pending versions of a rotation across sites
// are, for the drift warning: " (site-a: 0, site-b: 7)"; "" outside a group.
func pendingBySite(ctx context.Context, m batchKeyrotateModel) string {
	states, _ := m.siteStates(ctx)
	if len(states) == 0 {
		return ""
	}
	parts := make([]string, len(states))
	for i, s := range states {
		parts[i] = fmt.Sprintf("site %s: %d", s.Name.ValueString(), s.VersionsPending.ValueInt64())
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// deleteSites cancels every site's running job and finishes every site's
// unfinished restoration, as the destroy of a rotation across sites.
func (r *batchKeyrotateResource) deleteSites(ctx context.Context, m batchKeyrotateModel, states []siteStateModel, diags *diag.Diagnostics) {
	group, ok := r.clients.sites(ctx, "No job was canceled and nothing was removed.", diags)
	if !ok {
		return
	}
	for _, st := range states {
		s := siteByName(group, st.Name.ValueString())
		if s == nil {
			diags.AddWarning("Site Left The Group", fmt.Sprintf("Site %s is no longer a site of the group; its job %s was not checked.", st.Name.ValueString(), st.JobID.ValueString()))
			continue
		}
		sr := &batchKeyrotateResource{rotator: rotator{clients: s.clients}}
		var sd diag.Diagnostics
		sr.cancelIfRunning(ctx, m, st.JobID.ValueString(), &sd)
		if !sd.HasError() {
			sr.finishRestore(ctx, st.RestorationPending, &sd)
		}
		for _, d := range sd {
			diags.Append(siteDiagnostic(s.Name, d))
		}
	}
}

// warnOutsideReplicas warns at plan that the bucket is replicated to
// deployments outside the site-replication group: their copies are sealed
// by their own KMS, and no job of this rotation reaches them.
func (r *rotator) warnOutsideReplicas(ctx context.Context, spec keyrotate.Spec, diags *diag.Diagnostics) {
	group, ok := r.clients.sites(ctx, "No job was started.", diags)
	if !ok {
		return
	}
	targets, at, err := outsideTargets(ctx, group, spec.Bucket)
	if err != nil {
		// Only a warning: the rotation itself does not depend on it; the
		// key's retirement refuses on the same failure.
		diags.AddWarning("Cannot Read Bucket Replication Targets",
			fmt.Sprintf("The plan could not list the replication targets of bucket %q on %s, so it cannot say whether copies outside the group keep the old key.%s\n\n%v",
				spec.Bucket, at.Label(), at.deniedNote(err), err))
		return
	}
	if len(targets) == 0 {
		return
	}
	names := make([]string, len(targets))
	for i, t := range targets {
		names[i] = t.String()
	}
	diags.AddWarning("Replicas Outside The Group Keep Their Key",
		fmt.Sprintf("Bucket %q is replicated to %s, outside this deployment's site-replication group. A keyrotate job re-seals the deployment it runs on only, and MinIO does not re-send re-sealed versions, "+
			"so the copies there stay under the key they were written with, by that deployment's own KMS. Rotate them there too (a provider block for that deployment), "+
			"and keep the old key until then: minio_kes_key refuses to delete it while such a target exists, unless outside_replicas_checked says they were checked.",
			spec.Bucket, strings.Join(names, "; ")))
}
