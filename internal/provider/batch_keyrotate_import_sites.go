package provider

import (
	"bytes"
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/minio/madmin-go/v3"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

// Import under site replication takes the job ID of any site. The job of
// every other site is the keyrotate job there with the same definition
// whose start is closest to the imported job's; the server keeps finished
// jobs about 3 days. A site without one is recorded as failed, so that the
// plan says so and rotates again: its versions may still be on the old key.

// importSites fills m.Sites for the job imported from site from, with
// definition spec and status p.
func (r *batchKeyrotateResource) importSites(ctx context.Context, from *site, group []*site, spec keyrotate.Spec, p batchjob.Progress, m *batchKeyrotateModel, diags *diag.Diagnostics) {
	states := make([]siteStateModel, 0, len(group))
	want, _ := keyrotate.Encode(spec)
	for _, s := range group {
		st := siteStateModel{Name: types.StringValue(s.Name), Endpoint: types.StringValue(siteEndpoint(s)), JobID: types.StringValue(""),
			Status: types.StringValue(string(batchjob.StatusFailed)), ObjectsRotated: types.Int64Value(0), ObjectsFailed: types.Int64Value(0),
			TagsRestored: types.Int64Null(), DeleteMarkersRestored: types.Int64Null(), VersionsPending: types.Int64Null(), RestorationPending: types.StringNull()}
		id, sp := m.ID.ValueString(), p
		if s != from {
			var err error
			if id, sp, err = twinJob(ctx, s, want, p); err != nil {
				diags.AddWarning("Site Job Not Found",
					fmt.Sprintf("Site %s has no keyrotate job with the definition of %s that the provider could read, so its state records none (status failed) and the plan rotates again on every site; "+
						"its versions may still be on the old key. To import anyway, keep it so; a rotation is idempotent.\n\n%v", s.Name, m.ID.ValueString(), err))
				states = append(states, st)
				continue
			}
		}
		st.JobID, st.Status = types.StringValue(id), types.StringValue(string(sp.Status))
		st.ObjectsRotated, st.ObjectsFailed = types.Int64Value(sp.Objects), types.Int64Value(sp.ObjectsFailed)
		states = append(states, st)
	}
	diags.Append(m.setSites(ctx, states)...)
}

// twinJob finds on site s the keyrotate job whose definition encodes to
// want, started closest to p's start.
func twinJob(ctx context.Context, s *site, want []byte, p batchjob.Progress) (string, batchjob.Progress, error) {
	list, err := s.admin.ListBatchJobs(ctx, &madmin.ListBatchJobsFilter{ByJobType: string(madmin.BatchJobKeyRotate)})
	if err != nil {
		return "", batchjob.Progress{}, fmt.Errorf("listing the jobs of site %s: %w", s.Name, err)
	}
	best, bestProgress, bestGap := "", batchjob.Progress{}, int64(-1)
	for _, j := range list.Jobs {
		doc, err := s.admin.DescribeBatchJob(ctx, j.ID)
		if err != nil {
			continue // finished and purged meanwhile, or canceled
		}
		got, err := keyrotate.Decode([]byte(doc))
		if err != nil {
			continue
		}
		if enc, err := keyrotate.Encode(got); err != nil || !bytes.Equal(enc, want) {
			continue
		}
		jp, err := batchjob.Fetch(ctx, s.admin, j.ID)
		if err != nil {
			continue
		}
		gap := jp.StartedAt.Sub(p.StartedAt).Abs().Nanoseconds()
		if bestGap < 0 || gap < bestGap {
			best, bestProgress, bestGap = j.ID, jp, gap
		}
	}
	if best == "" {
		return "", batchjob.Progress{}, fmt.Errorf("none of the %d jobs site %s lists has that definition", len(list.Jobs), s.Name)
	}
	return best, bestProgress, nil
}

// describeOnAnySite reads job id's definition from the first site that
// knows it, the provider's own first; the error is the own site's when
// none does.
func describeOnAnySite(ctx context.Context, group []*site, id string) (*site, string, error) {
	doc, err := group[0].admin.DescribeBatchJob(ctx, id)
	if err == nil || !batchjob.IsNoSuchJob(err) {
		return group[0], doc, err
	}
	for _, s := range group[1:] {
		if d, serr := s.admin.DescribeBatchJob(ctx, id); serr == nil {
			return s, d, nil
		}
	}
	return group[0], "", err
}

// onWhichSites says where a job was looked for, under site replication.
func onWhichSites(group []*site) string {
	if len(group) < 2 {
		return ""
	}
	return " on any site of the group (" + siteNames(group) + ")"
}
