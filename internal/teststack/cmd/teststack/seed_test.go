package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// TestSeed is `make stack-up`, then `make stack-seed` in the environment
// of its export lines: the bucket holds every version asked for under the
// key (created by seed), the tagged ones, and the delete markers.
func TestSeed(t *testing.T) {
	_, _, exports := upStack(t)
	for _, line := range strings.Split(strings.TrimSpace(exports.String()), "\n") {
		k, v, _ := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		t.Setenv(k, strings.Trim(v, "'"))
	}
	t.Setenv("TEST_STACK_BACKEND", "")

	var out bytes.Buffer
	err := run([]string{"seed", "-bucket", "seeded", "-key", "seed-key", "-objects", "20", "-versions", "3", "-tag-every", "4", "-delete-every", "5"}, &out)
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	mustContain(t, out.String(), "bucket seeded: 20 objects x 3 versions under KMS key seed-key")
	s, err := teststack.Start(context.Background(), teststack.Options{Backend: teststack.BackendExternal})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.S3(0)
	if err != nil {
		t.Fatal(err)
	}
	var data, underKey, tagged, markers int
	for o := range c.ListObjects(context.Background(), "seeded", minio.ListObjectsOptions{Recursive: true, WithVersions: true, WithMetadata: true}) {
		switch {
		case o.Err != nil:
			t.Fatal(o.Err)
		case o.IsDeleteMarker:
			markers++
			continue
		}
		data++
		if o.UserMetadata["X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"] == "arn:aws:kms:seed-key" {
			underKey++
		}
		if len(o.UserTags) > 0 {
			tagged++
		}
	}
	if data != 60 || underKey != 60 || tagged != 15 || markers != 4 {
		t.Errorf("seeded bucket: %d data versions (%d under seed-key), %d tagged, %d delete markers; want 60 (60), 15, 4", data, underKey, tagged, markers)
	}
	// Into the existing bucket, under another prefix: drift.
	if err := run([]string{"seed", "-bucket", "seeded", "-key", "seed-key", "-prefix", "late/", "-objects", "2", "-versions", "1"}, &out); err != nil {
		t.Fatalf("seeding an existing bucket again: %v", err)
	}
	mustContain(t, out.String(), "bucket seeded: 2 objects x 1 versions")
	if err := run([]string{"seed", "-bucket", "x"}, &out); err == nil || !strings.Contains(err.Error(), "seed needs -bucket and -key") {
		t.Errorf("seed without -key: %v", err)
	}
}
