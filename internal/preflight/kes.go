package preflight

import (
	"context"
	"errors"

	"github.com/minio/kes-go"
)

// KESKeyDescriber is the part of *kes.Client CheckKESKey needs.
type KESKeyDescriber interface {
	DescribeKey(ctx context.Context, name string) (*kes.KeyInfo, error)
}

var _ KESKeyDescriber = (*kes.Client)(nil)

// CheckKESKey asks KES itself whether key exists, which names the problem
// more plainly than MinIO's key status API when it does not.
func CheckKESKey(ctx context.Context, c KESKeyDescriber, key string) error {
	_, err := c.DescribeKey(ctx, key)
	switch {
	case errors.Is(err, kes.ErrKeyNotFound):
		return &KeyError{Key: key, Reason: "KES has no key of that name", Cause: err}
	case err != nil:
		return &KeyError{Key: key, Reason: "asking KES about it failed: " + err.Error(), Cause: err}
	}
	return nil
}
