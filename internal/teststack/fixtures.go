package teststack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
)

// Helpers for live tests: each fails the test on error.

// RandomName returns prefix followed by 8 random hex digits.
func RandomName(prefix string) string {
	b := make([]byte, 4)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// NewBucket creates a bucket with a random name.
func (s *Stack) NewBucket(t testing.TB) string {
	t.Helper()
	c, err := s.S3(0)
	if err != nil {
		t.Fatal(err)
	}
	name := RandomName("t-")
	if err := c.MakeBucket(context.Background(), name, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("creating bucket %s: %v", name, err)
	}
	return name
}

// NewKey creates a KMS key with a random name through MinIO's KMS API.
func (s *Stack) NewKey(t testing.TB) string {
	t.Helper()
	adm, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	name := RandomName("key-")
	if err := adm.CreateKey(context.Background(), name); err != nil {
		t.Fatalf("creating KMS key %s: %v", name, err)
	}
	return name
}

// PaceRotation slows every key rotation worker down by wait per object
// (MinIO's batch keyrotation_workers_wait), so that a job stays running
// long enough to be seen, interrupted or canceled. It is reset when the
// test ends; tests using it must not run in parallel with others.
func (s *Stack) PaceRotation(t testing.TB, wait time.Duration) {
	t.Helper()
	adm, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	set := func(d time.Duration) error {
		_, err := adm.SetConfigKV(context.Background(), fmt.Sprintf("batch keyrotation_workers_wait=%s", d))
		return err
	}
	if err := set(wait); err != nil {
		t.Fatalf("slowing rotation down: %v", err)
	}
	t.Cleanup(func() {
		if err := set(0); err != nil {
			t.Errorf("resetting the rotation pace: %v", err)
		}
	})
}

// ClosedAddr is a loopback host:port on which nothing listens, for tests
// of what a client says when its server is down.
func ClosedAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
