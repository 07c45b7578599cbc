package teststack

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/replication"
)

// ReplicateBucket sets up ordinary bucket replication of bucket on s to
// the bucket of the same name on to (such as Outside): it creates that
// bucket if missing and makes it versioned, adds it as a remote target
// of s at to's PeerURL (MinIO dials it, not this machine), and puts one
// replication rule that also replicates delete markers, version deletes
// and existing objects. It returns once a probe object written afterwards
// has reached to, and removes the probe again on both sides.
//
// MinIO refuses a new remote target on a deployment in a site-replication
// group (XMinioAdminRemoteTargetDenyAdd: "Cannot add remote target
// endpoint since this server is in a cluster replication setup"), so s
// cannot be a site; to can.
func (s *Stack) ReplicateBucket(ctx context.Context, bucket string, to *Stack) error {
	dst, err := to.S3(0)
	if err != nil {
		return err
	}
	exists, err := dst.BucketExists(ctx, bucket)
	if err == nil && !exists {
		err = dst.MakeBucket(ctx, bucket, minio.MakeBucketOptions{})
	}
	if err == nil {
		err = dst.EnableVersioning(ctx, bucket)
	}
	if err != nil {
		return fmt.Errorf("preparing the replication target %s on %s: %w", bucket, to.MinIOEndpoint, err)
	}
	u, err := url.Parse(to.PeerURL)
	if err != nil {
		return err
	}
	adm, err := s.Admin()
	if err != nil {
		return err
	}
	arn, err := adm.SetRemoteTarget(ctx, bucket, &madmin.BucketTarget{
		Endpoint:     u.Host,
		Secure:       u.Scheme == "https",
		TargetBucket: bucket,
		Type:         madmin.ReplicationService,
		API:          "s3v4",
		Credentials:  &madmin.Credentials{AccessKey: to.AccessKey, SecretKey: to.SecretKey},
	})
	if err != nil {
		return fmt.Errorf("adding %s/%s as the remote target of %s on %s: %w", to.PeerURL, bucket, bucket, s.MinIOEndpoint, err)
	}
	var cfg replication.Config
	err = cfg.AddRule(replication.Options{
		ID: "teststack", Priority: "1", RuleStatus: "enable", DestBucket: arn,
		ReplicateDeleteMarkers: "enable", ReplicateDeletes: "enable", ExistingObjectReplicate: "enable",
	})
	if err != nil {
		return err
	}
	src, err := s.S3(0)
	if err != nil {
		return err
	}
	if err := src.SetBucketReplication(ctx, bucket, cfg); err != nil {
		return fmt.Errorf("setting the replication of %s on %s: %w", bucket, s.MinIOEndpoint, err)
	}
	return probeReplication(ctx, src, dst, bucket)
}

// probeReplication writes an object to bucket through src, waits until
// dst has that version, then deletes the version on src and waits until
// the delete has reached dst too, which leaves both buckets as they were.
func probeReplication(ctx context.Context, src, dst *minio.Client, bucket string) error {
	name := ".teststack-replication-probe-" + randomHex(4)
	body := []byte("probe")
	put, err := src.PutObject(ctx, bucket, name, bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{})
	if err != nil {
		return fmt.Errorf("writing the replication probe: %w", err)
	}
	version := minio.StatObjectOptions{VersionID: put.VersionID}
	err = poll(ctx, "replication of "+bucket+"/"+name, func(ctx context.Context) error {
		_, err := dst.StatObject(ctx, bucket, name, version)
		return err
	})
	if err != nil {
		return err
	}
	if err := src.RemoveObject(ctx, bucket, name, minio.RemoveObjectOptions{VersionID: put.VersionID}); err != nil {
		return fmt.Errorf("removing the replication probe: %w", err)
	}
	return poll(ctx, "replication of the removal of "+bucket+"/"+name, func(ctx context.Context) error {
		_, err := dst.StatObject(ctx, bucket, name, version)
		if err == nil {
			return errors.New("the probe version is still there")
		}
		if minio.ToErrorResponse(err).StatusCode == http.StatusNotFound {
			return nil
		}
		return err
	})
}

// StopReplication undoes ReplicateBucket on s: it removes bucket's
// replication rules and every remote target of bucket, so that checks
// that see all of s's targets (key usage, retirement) in later tests
// on a shared stack find none left behind. The target bucket stays.
func (s *Stack) StopReplication(ctx context.Context, bucket string) error {
	src, err := s.S3(0)
	if err != nil {
		return err
	}
	if err := src.RemoveBucketReplication(ctx, bucket); err != nil {
		return fmt.Errorf("removing the replication of %s on %s: %w", bucket, s.MinIOEndpoint, err)
	}
	adm, err := s.Admin()
	if err != nil {
		return err
	}
	targets, err := adm.ListRemoteTargets(ctx, bucket, "")
	if err != nil {
		return fmt.Errorf("listing the remote targets of %s on %s: %w", bucket, s.MinIOEndpoint, err)
	}
	for _, target := range targets {
		if err := adm.RemoveRemoteTarget(ctx, bucket, target.Arn); err != nil {
			return fmt.Errorf("removing the remote target %s of %s on %s: %w", target.Arn, bucket, s.MinIOEndpoint, err)
		}
	}
	return nil
}
