package provider

import (
	"context"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/preserve"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// MinIO's job drops the tags of every version it re-seals and, in a
// versioned bucket, makes deleted objects visible again. The provider
// records both right before the job (preserve.Take) and puts them back
// after it (preserve.Restore). A restoration that fails keeps its
// snapshot in the state attribute restoration_pending: the create error
// taints the resource, and the destroy half of the next apply's
// replacement finishes the restoration before the new job's snapshot is
// taken. (Private state would not do: Terraform does not hand a tainted
// object's private state to the destroy of its replacement, measured.)

// maxPendingRestoration bounds what goes into state (about 30 bytes a
// tagged version, 90 a deleted object, compressed).
const maxPendingRestoration = 16 << 20

// takeSnapshot records what the job will destroy, or returns nil when
// preservation is off. observe sees every entry of its listing, so that
// the same pass counts the scope (batch_keyrotate_scope.go).
func (r *rotator) takeSnapshot(ctx context.Context, opts rotationOptions, spec keyrotate.Spec, deadline time.Time, observe func(scan.Version), diags *diag.Diagnostics) *preserve.Snapshot {
	if !opts.preserveTags && !opts.preserveDeleted {
		return nil
	}
	snap, err := preserve.Take(ctx, r.clients.s3, scan.ScopeOf(spec), preserve.Options{Until: deadline, SkipTags: !opts.preserveTags, SkipDeleted: !opts.preserveDeleted, Observe: observe})
	if err != nil {
		if !r.clients.explain(err, "No job was started.", diags) {
			diags.AddError("Cannot Record What The Rotation Changes",
				fmt.Sprintf("Before a rotation the provider lists every version under %s/%s to keep its tags and deleted objects, and the listing failed. No job was started. "+
					"Check that the credentials may list object versions (s3:ListBucketVersions), or set preserve_tags and preserve_deleted to false.\n\n%v", spec.Bucket, spec.Prefix, err))
		}
		return nil
	}
	// Putting a delete marker back reads the bucket's versioning first
	// (preserve.Restore): check now that it may, before the job makes the
	// deleted objects visible.
	if snap.Deleted > 0 {
		if _, err := r.clients.s3.GetBucketVersioning(ctx, spec.Bucket); err != nil {
			snap.Close()
			if !r.clients.explain(err, fmt.Sprintf("No job was started: %s would become visible again, and putting their delete markers back needs the bucket's versioning.",
				count(snap.Deleted, "deleted object")), diags) {
				diags.AddError("Cannot Read Bucket Versioning",
					fmt.Sprintf("No job was started: reading the versioning of bucket %q failed, and putting the delete markers of %s back after the job needs it. "+
						"Check that the credentials may read it (s3:GetBucketVersioning), or set preserve_deleted to false.\n\n%v", spec.Bucket, count(snap.Deleted, "deleted object"), err))
			}
			return nil
		}
	}
	tflog.Info(ctx, "recorded what the rotation will change", map[string]any{"tagged_versions": snap.Tagged, "deleted_objects": snap.Deleted, "spilled": snap.Spilled()})
	opts.say(ctx, fmt.Sprintf("recorded %s and %s to put back after the job", count(snap.Tagged, "tagged version"), count(snap.Deleted, "deleted object")))
	return snap
}

// restore puts back what snap recorded into out. When that fails, the
// snapshot is kept in out.pending (for a later apply) where it fits, and
// keptSays says what became of it.
func (r *rotator) restore(ctx context.Context, snap *preserve.Snapshot, keptSays string, out *rotationResult, diags *diag.Diagnostics) {
	res, err := preserve.Restore(ctx, r.clients.s3, snap)
	out.restored = &res
	tflog.Info(ctx, "restored what the rotation changed", map[string]any{"result": res.String()})
	if skipped := res.TagsSkipped.Total() + res.DeletedSkipped.Total(); skipped > 0 && err == nil {
		diags.AddWarning("Some Changes Were Left Alone",
			fmt.Sprintf("The rotation's side effects were put back except where someone changed the objects meanwhile: %s.", res))
	}
	if err == nil {
		return
	}
	saved := out.keepPending(snap, keptSays)
	if !r.clients.explain(err, "Putting back the tags and deleted objects failed after the rotation: "+res.String()+". "+saved, diags) {
		diags.AddError("Rotation Side Effects Not Undone",
			fmt.Sprintf("The rotation ended, but putting back what it changed failed: %s. %s\n\n%v", res, saved, err))
	}
}

// keepPending keeps snap in out for the next apply and returns keptSays,
// or says why it could not.
func (out *rotationResult) keepPending(snap *preserve.Snapshot, keptSays string) string {
	b, err := snap.Marshal()
	if err != nil || len(b) > maxPendingRestoration {
		return "The record of what to put back could not be kept (too large), so a later run cannot finish it."
	}
	out.pending = base64.StdEncoding.EncodeToString(b)
	return keptSays
}

// finishRestore runs an unfinished restoration kept in state, as the
// destroy of a tainted rotation does.
func (r *rotator) finishRestore(ctx context.Context, pending types.String, diags *diag.Diagnostics) {
	if pending.ValueString() == "" {
		return
	}
	data, err := base64.StdEncoding.DecodeString(pending.ValueString())
	var snap *preserve.Snapshot
	if err == nil {
		snap, err = preserve.Unmarshal(data, preserve.Options{})
	}
	if err != nil {
		diags.AddWarning("Unfinished Restoration Unreadable", "The record of what a failed restoration left to put back could not be read, so it was not finished.\n\n"+err.Error())
		return
	}
	defer snap.Close()
	res, err := preserve.Restore(ctx, r.clients.s3, snap)
	if err != nil {
		diags.AddError("Rotation Side Effects Not Undone",
			fmt.Sprintf("Finishing the restoration of an earlier rotation failed again: %s. Nothing was removed; apply again when MinIO answers.\n\n%v", res, err))
		return
	}
	diags.AddWarning("Earlier Restoration Finished", "What an earlier rotation had changed and a failure had left undone was put back: "+res.String()+".")
}
