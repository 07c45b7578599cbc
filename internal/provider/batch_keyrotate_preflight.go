package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/conn"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/preflight"
)

// preflight checks, in order, that MinIO answers and the bucket exists,
// and that the target key is usable. It reports false when the job must
// not start. What the scope holds is counted while the job runs
// (scopeCount).
func (r *rotator) preflight(ctx context.Context, spec keyrotate.Spec, diags *diag.Diagnostics) bool {
	const notStarted = "No job was started."
	exists, err := r.clients.s3.BucketExists(ctx, spec.Bucket)
	switch {
	case err != nil:
		if !r.clients.explain(err, notStarted, diags) {
			diags.AddAttributeError(path.Root("bucket"), "Cannot Check Bucket",
				fmt.Sprintf("%s Checking that bucket %q exists failed. Check that the credentials may list it (s3:ListBucket).\n\n%v", notStarted, spec.Bucket, err))
		}
		return false
	case !exists:
		r.clients.bucketNotFound(spec.Bucket, notStarted, path.Root("bucket"), diags)
		return false
	}

	key := ""
	if spec.Encryption.Type == keyrotate.SSEKMS {
		key = spec.Encryption.Key
	}
	err = preflight.CheckKey(ctx, r.clients.admin, key)
	if err != nil && r.clients.explain(err, notStarted, diags) {
		return false
	}
	if r.clients.kes != nil && key != "" {
		// KES names a missing key plainly; MinIO's check above is the one
		// that proves MinIO itself may use the key.
		if kerr := preflight.CheckKESKey(ctx, r.clients.kes.Client, key); kerr != nil {
			if r.clients.explainKES(kerr, notStarted, conn.KESDescribeKey, diags) {
				return false
			}
			err = kerr
		}
	}
	if err != nil {
		r.keyNotUsable(err, key, diags)
		return false
	}
	return r.canFollowJobs(ctx, notStarted, diags)
}

// canFollowJobs checks, before a job starts, that the credentials may
// read the status and the definition of jobs (admin:ListBatchJobs,
// admin:DescribeBatchJob): without them a job would start and then run
// unwatched, its rotation neither waited for, restored nor verified. Each
// check asks about a job that does not exist, which MinIO answers "no such
// job" once its policy allows the call. Other failures are left to the
// calls themselves.
func (r *rotator) canFollowJobs(ctx context.Context, notStarted string, diags *diag.Diagnostics) bool {
	_, err := r.clients.admin.BatchJobStatus(ctx, permissionProbeJob)
	if conn.DeniedAction(err) == "" {
		_, err = r.clients.admin.DescribeBatchJob(ctx, permissionProbeJob)
	}
	if conn.DeniedAction(err) == "" {
		return true
	}
	r.clients.explain(err, notStarted+" The provider checks before a job starts that it may follow it.", diags)
	return false
}

// permissionProbeJob is a job ID no job has: MinIO's are made of
// shortuuid's alphabet, which has no zero.
const permissionProbeJob = "keyrotate-permission0check:0"

func (r *rotator) keyNotUsable(err error, key string, diags *diag.Diagnostics) {
	diags.AddAttributeError(path.Root("encryption").AtName("key"), "Target Key Not Usable",
		fmt.Sprintf("encryption.key: no job was started: %v.\n\nCreate the key first (the minio_kes_key resource, `mc admin kms key create ALIAS %s` or `kes key create %s`) "+
			"and make sure MinIO's KES identity may use it, then apply again.", err, key, key))
}
