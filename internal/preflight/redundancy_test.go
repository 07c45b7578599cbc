package preflight_test

import (
	"context"
	"errors"
	"testing"

	"github.com/minio/madmin-go/v3"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/preflight"
)

type fakeServerInfo struct {
	info madmin.InfoMessage
	err  error
}

func (f fakeServerInfo) ServerInfo(context.Context, ...func(*madmin.ServerInfoOpts)) (madmin.InfoMessage, error) {
	return f.info, f.err
}

// TestReadRedundancyCountsOfflineDrives proves that drives that are offline
// still count: redundancy is a property of the deployment, not of the
// moment it is read.
func TestReadRedundancyCountsOfflineDrives(t *testing.T) {
	f := fakeServerInfo{info: madmin.InfoMessage{Backend: madmin.ErasureBackend{OnlineDisks: 3, OfflineDisks: 1, StandardSCParity: 2}}}
	got, err := preflight.ReadRedundancy(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if want := (preflight.Redundancy{Drives: 4, Parity: 2}); got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

// TestReadRedundancyError proves that a failed server info request is
// reported, wrapped, rather than read as an unprotected deployment.
func TestReadRedundancyError(t *testing.T) {
	boom := errors.New("connection refused")
	if _, err := preflight.ReadRedundancy(context.Background(), fakeServerInfo{err: boom}); !errors.Is(err, boom) {
		t.Fatalf("got %v, want it to wrap %v", err, boom)
	}
}

// TestUnprotected proves which deployments count as unprotected against a
// crash during a rotation: one drive, or no parity.
func TestUnprotected(t *testing.T) {
	for _, tc := range []struct {
		r    preflight.Redundancy
		want bool
	}{
		{preflight.Redundancy{Drives: 1, Parity: 0}, true},
		{preflight.Redundancy{Drives: 0, Parity: 0}, true},
		{preflight.Redundancy{Drives: 4, Parity: 0}, true},
		{preflight.Redundancy{Drives: 4, Parity: 2}, false},
		{preflight.Redundancy{Drives: 16, Parity: 4}, false},
	} {
		if got := tc.r.Unprotected(); got != tc.want {
			t.Errorf("%s: Unprotected() = %v, want %v", tc.r, got, tc.want)
		}
	}
}
