package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// The job's report says what the job did; verification says what the data
// is: every version in scope, counted from outside after the job and on
// every refresh. A version not on the target key is drift the plan shows.

// verify counts the versions in scope and records the counts in m: exactly,
// or from a sample when the last exact count (memo) was larger than
// verify_limit. It returns the memo of this count (memo itself after a
// sample). Nothing is counted when verification is off or the job has not
// completed (a running or failed job's scope is not expected to be done).
func (r *batchKeyrotateResource) verify(ctx context.Context, m *batchKeyrotateModel, memo verifyMemo, diags *diag.Diagnostics) verifyMemo {
	spec, b := m.spec(ctx)
	if !m.Verify.ValueBool() || m.Status.ValueString() != string(batchjob.StatusComplete) || b.diags.HasError() {
		m.setVerified(nil, time.Time{}, spec)
		return memo
	}
	if memo.sampled(m.VerifyLimit.ValueInt64()) {
		if res := r.countSample(ctx, spec, memo, m.VerifyLimit.ValueInt64(), diags); res != nil {
			m.setSampled(res, memo, spec, diags)
		} else {
			m.setVerified(nil, time.Time{}, spec)
		}
		return memo
	}
	res, next := r.countVersions(ctx, spec, diags)
	m.setVerified(res, time.Now(), spec)
	if res == nil {
		return memo
	}
	return next
}

// countVersions lists every version in the job's scope and counts them by
// key, drawing the names a later sampled refresh starts at; nil (with a
// warning) when the listing fails.
func (r *rotator) countVersions(ctx context.Context, spec keyrotate.Spec, diags *diag.Diagnostics) (*scan.Result, verifyMemo) {
	where := spec.Bucket + "/" + spec.Prefix
	keys := newKeySampler()
	res, err := scan.ScanConcurrent(ctx, r.clients.s3, scan.ScopeOf(spec), scan.Options{Observe: keys.Add, Progress: func(seen int64) {
		tflog.Info(ctx, "verifying the rotation", map[string]any{"where": where, "versions_seen": seen})
	}}, listingConcurrency)
	if err != nil {
		r.notVerified(err, "Listing the versions under "+where, diags)
		return nil, verifyMemo{}
	}
	return res, verifyMemo{Entries: keys.Seen(), Keys: keys.Keys()}
}

// notVerified reports a verification whose listing (doing) failed: the
// cause when it is a connection or permission failure, else a warning.
func (r *rotator) notVerified(err error, doing string, diags *diag.Diagnostics) {
	if !r.clients.explain(err, "Verifying the rotation failed.", diags) {
		diags.AddWarning("Rotation Not Verified",
			fmt.Sprintf("%s to check their keys failed, so the counts of pending versions are unknown. Check that the credentials may list object versions (s3:ListBucketVersions).\n\n%v", doing, err))
	}
}

// setVerified records the counts of a verification at time at; a nil res
// (not verified) nulls them.
func (m *batchKeyrotateModel) setVerified(res *scan.Result, at time.Time, spec keyrotate.Spec) {
	if res == nil {
		m.VersionsPending, m.VersionsUnencrypted, m.VersionsSSES3, m.VerifiedAt = types.Int64Null(), types.Int64Null(), types.Int64Null(), types.StringNull()
		m.PendingSince, m.Verification, m.DriftBound = types.StringNull(), types.StringNull(), types.Int64Null()
		return
	}
	m.Verification, m.DriftBound = types.StringValue(verificationExact), types.Int64Value(0)
	m.PendingSince = pendingSinceValue(res.OldestPending(spec.Encryption))
	m.VersionsPending = types.Int64Value(res.Pending(spec.Encryption).Versions)
	m.VersionsUnencrypted = types.Int64Value(res.Unencrypted.Versions)
	m.VersionsSSES3 = types.Int64Value(res.SSES3.Versions)
	if spec.Encryption.Type != keyrotate.SSEKMS {
		m.VersionsSSES3 = types.Int64Value(0)
	}
	m.VerifiedAt = types.StringValue(at.UTC().Format(time.RFC3339))
}

// pendingSinceValue is the pending_since of an oldest pending date; null
// for none.
func pendingSinceValue(t time.Time) types.String {
	if t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339Nano))
}

// pendingError is the error of a rotation that completed with versions
// still not on the target key: the job's last attempt missed them. again
// says how to run it again.
func pendingError(spec keyrotate.Spec, res *scan.Result, again string) (string, string) {
	var first []string
	for _, v := range res.PendingVersions(spec.Encryption) {
		first = append(first, fmt.Sprintf("%s (version %s, under %s)", v.Name, v.VersionID, v.KMSKey))
	}
	return "Rotation Left Versions Behind", fmt.Sprintf(
		"The job completed, but %s under %s/%s %s still not under %s. The first: %s. "+
			"They may have been written under the old key while the job ran. %s",
		count(res.Pending(spec.Encryption).Versions, "data version"), spec.Bucket, spec.Prefix, isAre(res.Pending(spec.Encryption).Versions),
		targetName(spec.Encryption), strings.Join(first, ", "), again)
}

func targetName(e keyrotate.Encryption) string {
	if e.Type == keyrotate.SSEKMS {
		return "key " + e.Key
	}
	return "SSE-S3"
}

// planDrift replaces a completed rotation whose scope holds versions not on
// the target key, saying why and how many.
func planDrift(ctx context.Context, state batchKeyrotateModel, resp *resource.ModifyPlanResponse) {
	pending := state.VersionsPending
	if pending.IsNull() || pending.ValueInt64() == 0 || state.Status.ValueString() != string(batchjob.StatusComplete) {
		return
	}
	spec, _ := state.spec(ctx)
	// Terraform replaces only for a path whose value changes: the new
	// rotation's count is not known yet.
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("versions_pending"))
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("versions_pending"), types.Int64Unknown())...)
	resp.Diagnostics.AddAttributeWarning(path.Root("versions_pending"), "Versions Not On The Target Key",
		fmt.Sprintf("%s under %s/%s in this rotation's scope %s not under %s%s (counted at %s): written later under another key, "+
			"or restored from a backup. The plan replaces the rotation to move them. %s",
			count(pending.ValueInt64(), "data version"), spec.Bucket, spec.Prefix, isAre(pending.ValueInt64()), targetName(spec.Encryption), pendingBySite(ctx, state), state.VerifiedAt.ValueString(),
			driftScope(spec, state.PendingSince)))
}

// driftScope says what the job of a re-rotation of drift will re-seal.
func driftScope(spec keyrotate.Spec, since types.String) string {
	switch {
	case spec.Encryption.Type == keyrotate.SSES3:
		return "Its job re-seals the whole scope again if SSE-S3 versions are in it (which key sealed an SSE-S3 version cannot be seen), " +
			"else only the versions modified at or after the oldest pending one."
	case since.IsNull() || since.IsUnknown():
		return "Its job re-seals only the versions modified at or after the oldest pending one, counted again right before it starts."
	}
	return fmt.Sprintf("Its job re-seals only the versions modified at or after %s, the oldest pending one (counted again right before it starts), "+
		"not the versions the last rotation re-sealed.", since.ValueString())
}
