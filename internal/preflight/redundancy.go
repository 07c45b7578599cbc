package preflight

import (
	"context"
	"fmt"

	"github.com/minio/madmin-go/v3"
)

// ServerInfoReader is the part of *madmin.AdminClient Redundancy needs.
type ServerInfoReader interface {
	ServerInfo(ctx context.Context, opts ...func(*madmin.ServerInfoOpts)) (madmin.InfoMessage, error)
}

var _ ServerInfoReader = (*madmin.AdminClient)(nil)

// Redundancy is how many drive failures the deployment's objects survive.
type Redundancy struct {
	Drives int
	Parity int
}

// Unprotected reports a deployment where a crash during a rotation can
// destroy the object being rotated: measured on a single drive, where the
// server rewrites object metadata in place and has no copy to heal from.
func (r Redundancy) Unprotected() bool {
	return r.Drives <= 1 || r.Parity == 0
}

func (r Redundancy) String() string {
	return fmt.Sprintf("%d drive(s), parity %d", r.Drives, r.Parity)
}

// ReadRedundancy reads drive count and standard storage class parity from
// the admin server info.
func ReadRedundancy(ctx context.Context, c ServerInfoReader) (Redundancy, error) {
	info, err := c.ServerInfo(ctx)
	if err != nil {
		return Redundancy{}, fmt.Errorf("reading server info: %w", err)
	}
	b := info.Backend
	return Redundancy{Drives: b.OnlineDisks + b.OfflineDisks, Parity: b.StandardSCParity}, nil
}
