package main

import (
	"context"
	"fmt"

	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

const (
	objects  = 100 // objects in the versioned bucket
	versions = 2   // data versions written per object
	late     = 5   // objects written under the old key after the rotation
)

// seed creates both keys and a versioned bucket, and writes every object
// twice under the old key: the history a rotation must keep. Even objects
// carry a different tag set on each version, and every tenth object is
// deleted (a delete marker on top), because those are exactly what MinIO's
// job alone loses.
func seed(ctx context.Context, admin *madmin.AdminClient, s3 *minio.Client) error {
	for _, k := range []string{oldKey, newKey} {
		if err := admin.CreateKey(ctx, k); err != nil {
			return fmt.Errorf("creating KMS key %s: %w", k, err)
		}
	}
	return inventory.PutHistory(ctx, s3, inventory.History{Bucket: bucket, Prefix: "report-", KMSKey: oldKey,
		Objects: objects, Versions: versions, TagEvery: 2, DeleteEvery: 10})
}
