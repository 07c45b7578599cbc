package scan

import (
	"context"
	"fmt"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/lifecycle"
)

// LifecycleGetter is the lifecycle call of *minio.Client, so that tests can
// pass a fake.
type LifecycleGetter interface {
	GetBucketLifecycle(ctx context.Context, bucket string) (*lifecycle.Configuration, error)
}

var _ LifecycleGetter = (*minio.Client)(nil)

// noLifecycle is the S3 error code of a bucket without a lifecycle
// configuration.
const noLifecycle = "NoSuchLifecycleConfiguration"

// LifecycleRules counts the rules of bucket's lifecycle configuration whose
// age clock a rotation of the versions under prefix restarts (see
// [AgeRules]). A bucket without a lifecycle configuration has 0.
func LifecycleRules(ctx context.Context, c LifecycleGetter, bucket, prefix string) (int64, error) {
	cfg, err := c.GetBucketLifecycle(ctx, bucket)
	if err != nil {
		if minio.ToErrorResponse(err).Code == noLifecycle {
			return 0, nil
		}
		return 0, fmt.Errorf("reading the lifecycle configuration of bucket %q: %w", bucket, err)
	}
	return AgeRules(cfg, prefix), nil
}

// AgeRules counts the enabled rules of cfg that count days from a
// version's last-modified time and may apply under prefix. A rotation
// rewrites every version it selects with a new last-modified time, so
// such a rule starts counting again from the rotation:
//   - Expiration and Transition by Days (current versions);
//   - NoncurrentVersionExpiration and NoncurrentVersionTransition by
//     NoncurrentDays (counted from when the next version was written,
//     which the rotation rewrites too);
//   - MinIO's AllVersionsExpiration by Days (from the latest version).
//
// Rules by Date, delete-marker rules (a rotation never touches a delete
// marker) and AbortIncompleteMultipartUpload are not counted. A rule
// applies under prefix when its own prefix (legacy Prefix, Filter.Prefix
// or Filter.And.Prefix) and prefix overlap: one starts with the other.
// Tag and size conditions of a rule are not evaluated: such a rule may
// apply to some versions in scope, so it is counted.
func AgeRules(cfg *lifecycle.Configuration, prefix string) int64 {
	if cfg == nil {
		return 0
	}
	var n int64
	for _, r := range cfg.Rules {
		if r.Status == "Enabled" && countsAge(r) && prefixesOverlap(rulePrefix(r), prefix) {
			n++
		}
	}
	return n
}

func countsAge(r lifecycle.Rule) bool {
	return r.Expiration.Days > 0 || r.Transition.Days > 0 ||
		r.NoncurrentVersionExpiration.NoncurrentDays > 0 || r.NoncurrentVersionTransition.NoncurrentDays > 0 ||
		r.AllVersionsExpiration.Days > 0
}

// rulePrefix is the prefix a rule applies to, wherever it is written.
func rulePrefix(r lifecycle.Rule) string {
	switch {
	case r.RuleFilter.And.Prefix != "":
		return r.RuleFilter.And.Prefix
	case r.RuleFilter.Prefix != "":
		return r.RuleFilter.Prefix
	}
	return r.Prefix
}

// prefixesOverlap reports whether some object name starts with both a
// and b.
func prefixesOverlap(a, b string) bool {
	return strings.HasPrefix(a, b) || strings.HasPrefix(b, a)
}
