package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/preflight"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// preflight checks, in order, that MinIO answers and the bucket exists,
// that the target key is usable, and what the job's scope holds. It
// reports false when the job must not start, and how many versions the job
// is expected to re-seal (0 when unknown).
func (r *rotator) preflight(ctx context.Context, spec keyrotate.Spec, diags *diag.Diagnostics) (int64, bool) {
	const notStarted = "No job was started."
	exists, err := r.clients.s3.BucketExists(ctx, spec.Bucket)
	switch {
	case err != nil:
		if !r.clients.explain(err, notStarted, diags) {
			diags.AddAttributeError(path.Root("bucket"), "Cannot Check Bucket",
				fmt.Sprintf("%s Checking that bucket %q exists failed. Check that the credentials may list it (s3:ListBucket).\n\n%v", notStarted, spec.Bucket, err))
		}
		return 0, false
	case !exists:
		diags.AddAttributeError(path.Root("bucket"), "Bucket Not Found",
			fmt.Sprintf("bucket: the server at %s has no bucket %q. %s Create the bucket first, or correct its name; "+
				"if that address is not MinIO's S3 port (another service answers there too), correct the provider's endpoint.", r.clients.s3.EndpointURL().Host, spec.Bucket, notStarted))
		return 0, false
	}

	key := ""
	if spec.Encryption.Type == keyrotate.SSEKMS {
		key = spec.Encryption.Key
	}
	err = preflight.CheckKey(ctx, r.clients.admin, key)
	if err != nil && r.clients.explain(err, notStarted, diags) {
		return 0, false
	}
	if r.clients.kes != nil && key != "" {
		// KES names a missing key plainly; MinIO's check above is the one
		// that proves MinIO itself may use the key.
		if kerr := preflight.CheckKESKey(ctx, r.clients.kes.Client, key); kerr != nil {
			if r.clients.explainKES(kerr, notStarted, diags) {
				return 0, false
			}
			err = kerr
		}
	}
	if err != nil {
		r.keyNotUsable(err, key, diags)
		return 0, false
	}
	expected := r.checkScope(ctx, spec, diags)
	return expected, !diags.HasError()
}

func (r *rotator) keyNotUsable(err error, key string, diags *diag.Diagnostics) {
	diags.AddAttributeError(path.Root("encryption").AtName("key"), "Target Key Not Usable",
		fmt.Sprintf("encryption.key: no job was started: %v.\n\nCreate the key first (the minio_kes_key resource, `mc admin kms key create ALIAS %s` or `kes key create %s`) "+
			"and make sure MinIO's KES identity may use it, then apply again.", err, key, key))
}

// checkScope warns when the job would rotate nothing: no version matches,
// or none of those that match is encrypted (a rotation never encrypts). It
// returns how many versions the job is expected to re-seal, 0 when the
// scope could not be listed.
func (r *rotator) checkScope(ctx context.Context, spec keyrotate.Spec, diags *diag.Diagnostics) int64 {
	where := fmt.Sprintf("%s/%s", spec.Bucket, spec.Prefix)
	res, err := scan.Scan(ctx, r.clients.s3, scan.ScopeOf(spec), scan.Options{Progress: func(seen int64) {
		tflog.Info(ctx, "scanning the rotation's scope", map[string]any{"where": where, "versions_seen": seen})
	}})
	if err != nil {
		tflog.Warn(ctx, "could not scan the rotation's scope; starting the job anyway", map[string]any{"error": err.Error()})
		return 0
	}
	rewritten := res.Rewritten()
	switch {
	case res.InScope.Versions == 0:
		diags.AddWarning("Nothing To Rotate",
			fmt.Sprintf("0 object versions under %s match the job's prefix and filter (%d versions listed under the prefix). "+
				"The job runs and rotates 0 objects. Check prefix and filter if you expected objects there.", where, res.Seen))
	case rewritten.Versions == 0:
		diags.AddWarning("Nothing To Rotate",
			fmt.Sprintf("0 of the %d object versions in scope under %s are encrypted under SSE-KMS or SSE-S3 (%d unencrypted, %d SSE-C). "+
				"A rotation never encrypts plaintext and skips SSE-C, so the job rotates 0 objects.", res.InScope.Versions, where, res.Unencrypted.Versions, res.SSEC.Versions))
	}
	return rewritten.Versions
}
