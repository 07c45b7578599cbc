package inventory

import (
	"context"
	"fmt"

	"github.com/minio/minio-go/v7"
)

// History shapes a versioned bucket with the history a rotation must
// keep: Objects objects named Prefix0000..., each written Versions times
// under KMSKey; every TagEvery-th object carries a different tag set on
// each version, and every DeleteEvery-th object is deleted (a delete
// marker on top). Those are what MinIO's job alone loses.
type History struct {
	Bucket, Prefix, KMSKey string
	Objects, Versions      int
	TagEvery, DeleteEvery  int // 0: none
}

// PutHistory creates the bucket (versioned) unless it exists, and writes
// h into it: into an existing bucket, under another Prefix, it adds drift.
func PutHistory(ctx context.Context, c *minio.Client, h History) error {
	exists, err := c.BucketExists(ctx, h.Bucket)
	if err != nil {
		return fmt.Errorf("checking bucket %s: %w", h.Bucket, err)
	}
	if !exists {
		if err := c.MakeBucket(ctx, h.Bucket, minio.MakeBucketOptions{}); err != nil {
			return fmt.Errorf("creating bucket %s: %w", h.Bucket, err)
		}
	}
	if err := c.EnableVersioning(ctx, h.Bucket); err != nil {
		return fmt.Errorf("enabling versioning on %s: %w", h.Bucket, err)
	}
	var tagged, plain, deleted []string
	for i, name := range Names(h.Prefix, h.Objects) {
		if h.TagEvery > 0 && i%h.TagEvery == 0 {
			tagged = append(tagged, name)
		} else {
			plain = append(plain, name)
		}
		if h.DeleteEvery > 0 && i%h.DeleteEvery == 0 {
			deleted = append(deleted, name)
		}
	}
	for v := 1; v <= h.Versions; v++ {
		tags := map[string]string{"class": "pii", "rev": fmt.Sprint(v)}
		if v > 1 {
			tags["reviewed"] = "yes"
		}
		for _, s := range []Seed{
			{Bucket: h.Bucket, Names: tagged, KMSKey: h.KMSKey, Tags: tags},
			{Bucket: h.Bucket, Names: plain, KMSKey: h.KMSKey},
		} {
			if err := Put(ctx, c, s); err != nil {
				return err
			}
		}
	}
	for _, name := range deleted {
		if err := c.RemoveObject(ctx, h.Bucket, name, minio.RemoveObjectOptions{}); err != nil {
			return fmt.Errorf("deleting %s/%s: %w", h.Bucket, name, err)
		}
	}
	return nil
}
