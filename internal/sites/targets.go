package sites

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/minio/madmin-go/v3"
)

// Target is a bucket replication target outside the group: a deployment
// that holds copies of a bucket's objects, sealed by its own KMS, which no
// rotation of the group's sites reaches and no listing of theirs sees.
type Target struct {
	// Bucket is the replicated (source) bucket.
	Bucket       string
	Endpoint     string
	TargetBucket string
	ARN          string
}

// String names the target as a user finds it: `mc admin bucket remote ls`
// shows the same endpoint and bucket.
func (t Target) String() string {
	return fmt.Sprintf("%s/%s (replica of bucket %q, ARN %s)", strings.TrimSuffix(t.Endpoint, "/"), t.TargetBucket, t.Bucket, t.ARN)
}

// TargetLister is what OutsideTargets needs of *madmin.AdminClient.
type TargetLister interface {
	ListRemoteTargets(ctx context.Context, bucket, arnType string) ([]madmin.BucketTarget, error)
}

var _ TargetLister = (*madmin.AdminClient)(nil)

// OutsideTargets lists the replication targets of bucket (every bucket
// when bucket is "") that are not sites of g. Site replication keeps its
// own targets for the group's peers; those are covered by the group and
// left out, recognised by their deployment ID, else by their endpoint.
func OutsideTargets(ctx context.Context, admin TargetLister, g Group, bucket string) ([]Target, error) {
	list, err := admin.ListRemoteTargets(ctx, bucket, string(madmin.ReplicationService))
	if err != nil {
		return nil, fmt.Errorf("listing the bucket replication targets: %w", err)
	}
	var out []Target
	for _, t := range list {
		if g.InGroup(t.DeploymentID) || g.hasEndpoint(t.Endpoint) {
			continue
		}
		out = append(out, Target{Bucket: t.SourceBucket, Endpoint: endpointURL(t), TargetBucket: t.TargetBucket, ARN: t.Arn})
	}
	slices.SortFunc(out, func(a, b Target) int { return strings.Compare(a.Bucket+"\x00"+a.ARN, b.Bucket+"\x00"+b.ARN) })
	return out, nil
}

// hasEndpoint reports whether host:port is the endpoint of one of g's
// sites (the group knows its sites by URL, targets carry host:port).
func (g Group) hasEndpoint(hostPort string) bool {
	return hostPort != "" && slices.ContainsFunc(g.Sites, func(s Site) bool {
		return s.Endpoint != "" && (s.Endpoint == hostPort || strings.TrimPrefix(strings.TrimPrefix(s.Endpoint, "https://"), "http://") == hostPort)
	})
}

func endpointURL(t madmin.BucketTarget) string {
	if t.Secure {
		return "https://" + t.Endpoint
	}
	return "http://" + t.Endpoint
}
