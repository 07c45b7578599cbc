package usage

import (
	"context"
	"slices"
	"strings"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// KeysInUse names every KMS key something on the deployment uses: a data
// version sealed under it, a bucket's default encryption naming it, or
// MinIO's own default key (serverDefault; "" when unknown). It is one
// listing of every bucket, as Scan makes for a single key, so a list of
// keys can say which are in use at the cost of one pass, not one per key.
func KeysInUse(ctx context.Context, c Client, serverDefault string) (map[string]bool, error) {
	used := map[string]bool{}
	if serverDefault != "" {
		used[serverDefault] = true
	}
	buckets, err := c.ListBuckets(ctx)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, &Error{Doing: "listing the buckets", Err: err}
	}
	// By name, as Scan goes: a failure names the same bucket every time.
	slices.SortFunc(buckets, func(a, b minio.BucketInfo) int { return strings.Compare(a.Name, b.Name) })
	for i, b := range buckets {
		fail := func(doing string, err error) (map[string]bool, error) {
			return nil, &Error{Bucket: b.Name, Doing: doing, BucketsDone: i, BucketsTotal: len(buckets), Err: err}
		}
		cfg, err := c.GetBucketEncryption(ctx, b.Name)
		switch {
		case isNoSuchBucket(err):
			continue // deleted meanwhile: it holds nothing any more
		case err != nil && code(err) != "ServerSideEncryptionConfigurationNotFoundError":
			return fail("reading the default encryption", err)
		case err == nil && cfg != nil:
			for _, rule := range cfg.Rules {
				if a := rule.Apply; a.SSEAlgorithm == "aws:kms" && a.KmsMasterKeyID != "" {
					used[strings.TrimPrefix(a.KmsMasterKeyID, kmsARNPrefix)] = true
				}
			}
		}
		err = scan.Walk(ctx, c, b.Name, "", func(v scan.Version) error {
			if !v.IsDeleteMarker && v.Encryption.Kind == scan.SSEKMS {
				used[v.Encryption.Key] = true
			}
			return nil
		})
		if err != nil && !isNoSuchBucket(err) {
			return fail("listing the versions", err)
		}
	}
	return used, nil
}
