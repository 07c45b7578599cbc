package provider

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/minio/madmin-go/v3"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/conn"
)

// fakeAdmin answers every admin request with status and body, the way
// MinIO answers a purged job: "The specified job does not exist."
func fakeAdmin(t *testing.T, status int, body any) *clients {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
		if err := json.NewEncoder(w).Encode(body); err != nil {
			t.Error(err)
		}
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	r, problems := conn.Settings{Endpoint: u.Host, AccessKey: "a", SecretKey: "secret-key"}.Resolve(func(string) (string, bool) { return "", false })
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	c, err := newClients(r)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func finishedJobState(t *testing.T) tfsdk.State {
	t.Helper()
	ctx := context.Background()
	var sr resource.SchemaResponse
	(&batchKeyrotateResource{}).Schema(ctx, resource.SchemaRequest{}, &sr)
	m := validParts().model(t)
	m.ID = types.StringValue("keyrotate-CxQ9pLeKdvbkREmZraJmEg:-1")
	m.Status = types.StringValue("complete")
	m.ObjectsRotated, m.ObjectsFailed, m.Attempts = types.Int64Value(200), types.Int64Value(0), types.Int64Value(1)
	m.LastObject, m.LastUpdate = types.StringValue("obj-0199"), types.StringValue("2026-11-20T10:00:00Z")
	m.History = emptyHistory()
	state := tfsdk.State{Schema: sr.Schema, Raw: tftypes.NewValue(sr.Schema.Type().TerraformType(ctx), nil)}
	if d := state.Set(ctx, &m); d.HasError() {
		t.Fatal(d)
	}
	return state
}

// TestReadKeepsPurgedJob: MinIO purges a finished job about 3 days after
// it ends. Read must keep the last known state (so the plan stays empty and
// nothing is rotated again), not remove the resource.
func TestReadKeepsPurgedJob(t *testing.T) {
	r := &batchKeyrotateResource{rotator{clients: fakeAdmin(t, http.StatusNotFound, madmin.ErrorResponse{
		Code: "XMinioAdminNoSuchJob", Message: "The specified job does not exist.",
	})}}
	state := finishedJobState(t)
	resp := resource.ReadResponse{State: state}
	r.Read(context.Background(), resource.ReadRequest{State: state}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatalf("Read of a purged job failed: %v", resp.Diagnostics)
	}
	if !resp.State.Raw.Equal(state.Raw) {
		t.Fatalf("Read changed the state of a purged job:\n got %v\nwant %v", resp.State.Raw, state.Raw)
	}
}

// TestReadReportsOtherErrors: an answer other than "no such job" must not
// be mistaken for a purge.
func TestReadReportsOtherErrors(t *testing.T) {
	r := &batchKeyrotateResource{rotator{clients: fakeAdmin(t, http.StatusForbidden, madmin.ErrorResponse{
		Code: "AccessDenied", Message: "Access Denied.",
	})}}
	state := finishedJobState(t)
	resp := resource.ReadResponse{State: state}
	r.Read(context.Background(), resource.ReadRequest{State: state}, &resp)
	if !resp.Diagnostics.HasError() || resp.Diagnostics.Errors()[0].Summary() != "Cannot Read Rotation Job" {
		t.Fatalf("want a Cannot Read Rotation Job error, got %v", resp.Diagnostics)
	}
}
