package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/minio/kes-go"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/preflight"
)

// A rotation towards a key that does not exist fails at apply before any
// job starts, but by then a replacement has destroyed the previous record.
// So the plan checks the target key too, unless the same plan creates it:
// minio_kes_key notes every key it plans to create in its provider
// instance (one per plan), and a rotation that names such a key refers to
// it, so Terraform plans the key first.

// planKeyCreation notes that this plan creates KES key name.
func (c *clients) planKeyCreation(name string) {
	c.plannedKeys.Store(name, true)
}

// keyPlanned reports whether this plan creates KES key name.
func (c *clients) keyPlanned(name string) bool {
	_, ok := c.plannedKeys.Load(name)
	return ok
}

// checkTargetAtPlan refuses, at plan, a new rotation towards an sse-kms key
// that MinIO's KMS cannot use and that this plan does not create. A
// connection or permission failure is left to the other plan checks and
// to apply, which stops before any job starts.
func (r *rotator) checkTargetAtPlan(ctx context.Context, target keyrotate.Encryption, diags *diag.Diagnostics) {
	if target.Type != keyrotate.SSEKMS || target.Key == "" || r.clients.keyPlanned(target.Key) {
		return
	}
	err := preflight.CheckKey(ctx, r.clients.admin, target.Key)
	if err == nil {
		return
	}
	if _, explained := r.clients.minio.Explain(err); explained || r.clients.explainNotMinIO(err, "Nothing was planned to change.", diags) {
		return
	}
	if r.clients.kes != nil {
		// KES names a missing key plainly, as apply's check does.
		if kerr := preflight.CheckKESKey(ctx, r.clients.kes.Client, target.Key); errors.Is(kerr, kes.ErrKeyNotFound) {
			err = kerr
		}
	}
	diags.AddAttributeError(path.Root("encryption").AtName("key"), "Target Key Not Usable",
		fmt.Sprintf("encryption.key: %v. Nothing was planned to change. Create the key first: a minio_kes_key resource in this configuration, "+
			"referred to as encryption.key = minio_kes_key.NAME.name so that the same plan creates it, or `kes key create %s`; or correct the name.",
			err, target.Key))
}
