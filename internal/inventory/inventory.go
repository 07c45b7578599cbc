// Package inventory seeds objects and reads back, from outside the
// server, how each one is encrypted and whether its bytes are unchanged.
// The demo and the acceptance tests use it to prove a rotation.
package inventory

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/minio/minio-go/v7"
)

// Object is what can be seen of an object's encryption from outside.
type Object struct {
	Name string
	// SSE is "aws:kms", "AES256" (SSE-S3) or "" (plaintext or SSE-C).
	SSE string
	// KeyID is the KMS key name for SSE-KMS objects, without MinIO's
	// "arn:aws:kms:" prefix.
	KeyID string
}

const arnPrefix = "arn:aws:kms:"

// Scan lists every object under prefix with its encryption, through
// ListObjects with metadata (a MinIO extension of ListObjectsV2): about
// five times faster than a HEAD per object, 1,000 objects per call.
func Scan(ctx context.Context, c *minio.Client, bucket, prefix string) (map[string]Object, error) {
	out := map[string]Object{}
	for info := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true, WithMetadata: true}) {
		if info.Err != nil {
			return nil, fmt.Errorf("listing %s/%s: %w", bucket, prefix, info.Err)
		}
		o := Object{Name: info.Key}
		for k, v := range info.UserMetadata {
			switch strings.ToLower(k) {
			case "x-amz-server-side-encryption":
				o.SSE = v
			case "x-amz-server-side-encryption-aws-kms-key-id":
				o.KeyID = strings.TrimPrefix(v, arnPrefix)
			}
		}
		out[o.Name] = o
	}
	return out, nil
}

// CountByKey counts objects per KMS key; SSE-S3 objects count under
// "sse-s3" and unencrypted ones under "none".
func CountByKey(objects map[string]Object) map[string]int {
	n := map[string]int{}
	for _, o := range objects {
		switch {
		case o.KeyID != "":
			n[o.KeyID]++
		case o.SSE == "AES256":
			n["sse-s3"]++
		default:
			n["none"]++
		}
	}
	return n
}

// Hashes reads every object under prefix and returns its SHA-256, so a
// rotation can be shown to leave the bytes unchanged.
func Hashes(ctx context.Context, c *minio.Client, bucket, prefix string) (map[string]string, error) {
	out := map[string]string{}
	for info := range c.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if info.Err != nil {
			return nil, fmt.Errorf("listing %s/%s: %w", bucket, prefix, info.Err)
		}
		sum, err := hashObject(ctx, c, bucket, info.Key)
		if err != nil {
			return nil, err
		}
		out[info.Key] = sum
	}
	return out, nil
}

func hashObject(ctx context.Context, c *minio.Client, bucket, name string) (string, error) {
	obj, err := c.GetObject(ctx, bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return "", fmt.Errorf("reading %s/%s: %w", bucket, name, err)
	}
	defer obj.Close()
	h := sha256.New()
	if _, err := io.Copy(h, obj); err != nil {
		return "", fmt.Errorf("reading %s/%s: %w", bucket, name, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Diff lists the objects whose hash differs between before and after, or
// that exist in only one of them.
func Diff(before, after map[string]string) []string {
	var diff []string
	for name, h := range before {
		if after[name] != h {
			diff = append(diff, name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			diff = append(diff, name)
		}
	}
	return diff
}
