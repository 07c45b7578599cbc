package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/report"
)

// evidence is the report of a rotation (internal/report), as JSON; empty
// only if it could not be encoded, which is logged. The server version
// costs one admin:ServerInfo call, which the wait already needs for the
// live progress; without it the version is left empty.
func (r *rotator) evidence(ctx context.Context, spec, job keyrotate.Spec, opts rotationOptions, res rotationResult) string {
	shown, _ := keyrotate.EncodeRedacted(job)
	rep := report.Report{
		Via: opts.via, Bucket: spec.Bucket, Prefix: spec.Prefix,
		Target:    r.targetOf(ctx, spec.Encryption),
		User:      res.user,
		JobYAML:   string(shown),
		StartedAt: res.began.UTC(), FinishedAt: time.Now().UTC(),
		Outcome:  string(res.out.Progress.Status),
		Jobs:     report.JobsOf(res.out),
		Before:   report.VersionsOf(res.before),
		Restored: report.RestoredOf(res.restored),
		Software: report.Software{Provider: r.clients.version, Server: r.serverVersion(ctx)},
		Reseal:   "scope",
	}
	switch {
	case res.nothingPending != "":
		rep.Reseal, rep.NothingPending, rep.JobYAML = "none", res.nothingPending, ""
	case !job.Filter.CreatedAfter.Equal(spec.Filter.CreatedAfter):
		since := job.Filter.CreatedAfter
		rep.Reseal, rep.ResealSince = "modified_since", &since
	}
	if opts.via == "resource" {
		rep.Chain(opts.predecessor)
	}
	if res.verified != nil {
		rep.Verify(res.verified, res.verifiedAt, res.verified.Pending(spec.Encryption).Versions)
	}
	for _, run := range res.sites {
		sr := run.res
		s := report.Site{Name: run.site.Name, Endpoint: siteEndpoint(run.site), Outcome: string(sr.out.Progress.Status),
			Jobs: report.JobsOf(sr.out), Before: report.VersionsOf(sr.before), Restored: report.RestoredOf(sr.restored)}
		if sr.verified != nil {
			s.Verify(sr.verified, sr.verifiedAt, sr.verified.Pending(spec.Encryption).Versions)
		}
		rep.Sites = append(rep.Sites, s)
	}
	b, err := rep.JSON()
	if err != nil {
		tflog.Error(ctx, "could not encode the rotation's report", map[string]any{"error": err.Error()})
		return ""
	}
	return string(b)
}

// targetOf is the report's target: for a KES key, which instance of it,
// by the creation time and creator the provider's KES keeps (the KES that
// MinIO uses, in the documented setup). Without a KES connection, or when
// KES cannot say within a bounded wait, the key is named only; the
// rotation is done by then, and its evidence is not withheld for want of
// these.
func (r *rotator) targetOf(ctx context.Context, enc keyrotate.Encryption) report.Target {
	t := report.Target{Type: string(enc.Type), Key: enc.Key}
	if r.clients.kes == nil || enc.Type != keyrotate.SSEKMS {
		return t
	}
	ctx, cancel := context.WithTimeout(ctx, jobUserTimeout)
	defer cancel()
	info, err := r.clients.kes.Client.DescribeKey(ctx, enc.Key)
	if err != nil {
		tflog.Warn(ctx, "could not describe the target key in KES for the report", map[string]any{"key": enc.Key, "error": err.Error()})
		return t
	}
	created := info.CreatedAt.UTC()
	t.KeyCreatedAt, t.KeyCreatedBy = &created, info.CreatedBy.String()
	return t
}

// serverVersion is MinIO's version; empty when it cannot be read.
func (r *rotator) serverVersion(ctx context.Context) string {
	info, err := r.clients.admin.ServerInfo(ctx)
	if err != nil || len(info.Servers) == 0 {
		return ""
	}
	return info.Servers[0].Version
}

// writeReport writes an invocation's report where its report_to block
// says, when it has one, and shows where.
func (a *batchKeyrotateAction) writeReport(ctx context.Context, to types.Object, res rotationResult, opts rotationOptions, diags *diag.Diagnostics) {
	if to.IsNull() || res.report == "" {
		return
	}
	var r reportToModel
	if diags.Append(to.As(ctx, &r, basetypes.ObjectAsOptions{})...); diags.HasError() {
		return
	}
	id := res.out.JobID
	if res.nothingPending != "" {
		id = noJobID(res.began)
	}
	bucket, name := r.Bucket.ValueString(), r.Prefix.ValueString()+id+".json"
	_, err := a.clients.s3.PutObject(ctx, bucket, name, strings.NewReader(res.report), int64(len(res.report)), minio.PutObjectOptions{ContentType: "application/json"})
	if err != nil {
		if !a.clients.explain(err, "The rotation ran; its report was not written.", diags) {
			diags.AddAttributeError(path.Root("report_to"), "Cannot Write Rotation Report",
				fmt.Sprintf("The rotation ran (job %s), but writing its report to %s/%s failed, so there is no evidence of it there. "+
					"Check that the bucket exists and that the credentials may write to it (s3:PutObject), then invoke again: rotation is idempotent.\n\n%v", res.out.JobID, bucket, name, err))
		}
		return
	}
	opts.say(ctx, fmt.Sprintf("wrote the rotation's report to %s/%s", bucket, name))
}
