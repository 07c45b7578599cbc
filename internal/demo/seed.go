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
	if err := s3.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		return fmt.Errorf("creating bucket %s: %w", bucket, err)
	}
	if err := s3.EnableVersioning(ctx, bucket); err != nil {
		return fmt.Errorf("enabling versioning on %s: %w", bucket, err)
	}
	var tagged, plain, deleted []string
	for i, name := range inventory.Names("report-", objects) {
		if i%2 == 0 {
			tagged = append(tagged, name)
		} else {
			plain = append(plain, name)
		}
		if i%10 == 0 {
			deleted = append(deleted, name)
		}
	}
	for v := 1; v <= versions; v++ {
		tags := map[string]string{"class": "pii", "rev": fmt.Sprint(v)}
		if v > 1 {
			tags["reviewed"] = "yes"
		}
		for _, s := range []inventory.Seed{
			{Bucket: bucket, Names: tagged, KMSKey: oldKey, Tags: tags},
			{Bucket: bucket, Names: plain, KMSKey: oldKey},
		} {
			if err := inventory.Put(ctx, s3, s); err != nil {
				return err
			}
		}
	}
	for _, name := range deleted {
		if err := s3.RemoveObject(ctx, bucket, name, minio.RemoveObjectOptions{}); err != nil {
			return fmt.Errorf("deleting %s/%s: %w", bucket, name, err)
		}
	}
	return nil
}
