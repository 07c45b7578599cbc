package preflight_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/minio/madmin-go/v3"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/preflight"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

func liveAdmin(t *testing.T, s *teststack.Stack) *madmin.AdminClient {
	t.Helper()
	admin, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	return admin
}

func testContext(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func randomName(prefix string) string {
	b := make([]byte, 4)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// TestCheckKeyLive proves CheckKey against MinIO wired to KES: a key
// created through MinIO's KMS API passes, MinIO's default key (the empty
// name, used for SSE-S3) passes, and a key that does not exist is refused
// with a *preflight.KeyError naming it, so a plan towards a missing key
// fails before any job starts.
func TestCheckKeyLive(t *testing.T) {
	s := teststack.Live(t)
	ctx := testContext(t, time.Minute)
	admin := liveAdmin(t, s)

	key := randomName("preflight-key-")
	if err := admin.CreateKey(ctx, key); err != nil {
		t.Fatalf("creating KMS key %s: %v", key, err)
	}
	if err := preflight.CheckKey(ctx, admin, key); err != nil {
		t.Errorf("existing key %s: %v", key, err)
	}
	if err := preflight.CheckKey(ctx, admin, ""); err != nil {
		t.Errorf("default key: %v", err)
	}

	missing := randomName("preflight-missing-")
	err := preflight.CheckKey(ctx, admin, missing)
	var ke *preflight.KeyError
	if !errors.As(err, &ke) {
		t.Fatalf("missing key %s: got %v (%T), want a *preflight.KeyError", missing, err, err)
	}
	if ke.Key != missing || !strings.Contains(err.Error(), missing) {
		t.Fatalf("missing key %s: error %q (Key %q) does not name it", missing, err, ke.Key)
	}
	t.Logf("missing key: %v", err)
}

// TestReadRedundancySingleNode proves that the single-drive stack reads as
// one drive and unprotected: the deployment where a crash mid-rotation was
// measured to destroy an object, which the provider warns about.
func TestReadRedundancySingleNode(t *testing.T) {
	s := teststack.Live(t)
	ctx := testContext(t, time.Minute)
	r, err := preflight.ReadRedundancy(ctx, liveAdmin(t, s))
	if err != nil {
		t.Fatal(err)
	}
	if r.Drives != 1 || !r.Unprotected() {
		t.Fatalf("single-node stack: %s, unprotected %v; want 1 drive, unprotected", r, r.Unprotected())
	}
}

// TestReadRedundancyDistributed proves that four nodes in one erasure set
// read as four drives with parity, not unprotected, so the provider does
// not warn where the server can heal an interrupted rotation.
func TestReadRedundancyDistributed(t *testing.T) {
	pkg := teststack.Live(t)
	ctx := testContext(t, 3*time.Minute)
	s, err := teststack.Start(ctx, teststack.Options{Topology: teststack.Distributed, Backend: pkg.Backend, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("removing the distributed stack: %v", err)
		}
	})
	r, err := preflight.ReadRedundancy(ctx, liveAdmin(t, s))
	if err != nil {
		t.Fatal(err)
	}
	if r.Drives != 4 || r.Parity <= 0 || r.Unprotected() {
		t.Fatalf("distributed stack: %s, unprotected %v; want 4 drives, parity > 0, protected", r, r.Unprotected())
	}
	t.Logf("distributed stack: %s", r)
}
