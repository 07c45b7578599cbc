package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
)

func siteState(name, status string, rotated int64, pending types.Int64) siteStateModel {
	return siteStateModel{Name: types.StringValue(name), Endpoint: types.StringValue(name + ":9000"), JobID: types.StringValue("keyrotate-x:0"),
		Status: types.StringValue(status), ObjectsRotated: types.Int64Value(rotated), ObjectsFailed: types.Int64Value(0),
		TagsRestored: types.Int64Value(2), DeleteMarkersRestored: types.Int64Value(1), VersionsPending: pending, RestorationPending: types.StringNull()}
}

func TestSetSitesSumsUpTheSites(t *testing.T) {
	ctx := context.Background()
	var m batchKeyrotateModel
	d := m.setSites(ctx, []siteStateModel{
		siteState("site-a", "complete", 24, types.Int64Value(0)),
		siteState("site-b", "complete", 24, types.Int64Value(3)),
	})
	if d.HasError() {
		t.Fatal(d)
	}
	if m.Status.ValueString() != "complete" || m.ObjectsRotated.ValueInt64() != 48 || m.VersionsPending.ValueInt64() != 3 ||
		m.TagsRestored.ValueInt64() != 4 || m.DeleteMarkersRestored.ValueInt64() != 2 || !m.RestorationPending.IsNull() {
		t.Errorf("got status %s, rotated %d, pending %d, tags %d, markers %d", m.Status, m.ObjectsRotated, m.VersionsPending, m.TagsRestored, m.DeleteMarkersRestored)
	}
	back, d := m.siteStates(ctx)
	if d.HasError() || len(back) != 2 || back[1].Name.ValueString() != "site-b" {
		t.Errorf("sites read back: %+v %v", back, d)
	}
	if got := pendingBySite(ctx, m); got != " (site site-a: 0, site site-b: 3)" {
		t.Errorf("pendingBySite = %q", got)
	}
}

func TestSetSitesAnUnverifiedSiteLeavesTheTotalUnknown(t *testing.T) {
	var m batchKeyrotateModel
	m.setSites(context.Background(), []siteStateModel{
		siteState("site-a", "complete", 1, types.Int64Value(0)),
		siteState("site-b", "running", 1, types.Int64Null()),
	})
	if !m.VersionsPending.IsNull() || m.Status.ValueString() != "running" {
		t.Errorf("a site not verified must null the total, and a running site make it running: pending %s, status %s", m.VersionsPending, m.Status)
	}
}

func TestSetSitesOutsideAGroupChangesNothing(t *testing.T) {
	m := batchKeyrotateModel{Status: types.StringValue("complete"), ObjectsRotated: types.Int64Value(7)}
	m.setSites(context.Background(), nil)
	if m.Sites.IsNull() || len(m.Sites.Elements()) != 0 || m.ObjectsRotated.ValueInt64() != 7 {
		t.Errorf("got sites %s, rotated %s", m.Sites, m.ObjectsRotated)
	}
}

func TestLeastFinished(t *testing.T) {
	for _, tc := range []struct{ a, b, want batchjob.Status }{
		{batchjob.StatusComplete, batchjob.StatusComplete, batchjob.StatusComplete},
		{batchjob.StatusComplete, batchjob.StatusRunning, batchjob.StatusRunning},
		{batchjob.StatusRunning, batchjob.StatusCanceled, batchjob.StatusCanceled},
		{batchjob.StatusFailed, batchjob.StatusCanceled, batchjob.StatusFailed},
		{batchjob.StatusComplete, "", batchjob.StatusFailed}, // no job on a site
	} {
		if got := leastFinished(tc.a, tc.b); got != tc.want {
			t.Errorf("leastFinished(%q, %q) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
		if got := leastFinished(tc.b, tc.a); got != tc.want {
			t.Errorf("leastFinished(%q, %q) = %q, want %q", tc.b, tc.a, got, tc.want)
		}
	}
}

func TestSiteDiagnosticNamesTheSiteAndKeepsThePath(t *testing.T) {
	d := diag.NewAttributeErrorDiagnostic(path.Root("bucket"), "Bucket Not Found", "no bucket x")
	got := siteDiagnostic("site-b", d)
	p, ok := got.(diag.DiagnosticWithPath)
	if !ok || !p.Path().Equal(path.Root("bucket")) || got.Detail() != "On site site-b: no bucket x" || got.Severity() != diag.SeverityError {
		t.Errorf("got %#v", got)
	}
	if w := siteDiagnosticIn("", diag.NewWarningDiagnostic("W", "w")); w.Detail() != "w" {
		t.Errorf("outside a group the diagnostic must stay as it is: %q", w.Detail())
	}
}
