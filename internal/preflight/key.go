package preflight

import (
	"context"
	"fmt"

	"github.com/minio/madmin-go/v3"
)

// KeyStatusReader is the part of *madmin.AdminClient CheckKey needs.
type KeyStatusReader interface {
	GetKeyStatus(ctx context.Context, keyID string) (*madmin.KMSKeyStatus, error)
}

var _ KeyStatusReader = (*madmin.AdminClient)(nil)

// KeyError says why the target key cannot be used and what to do.
type KeyError struct {
	Key    string // empty for MinIO's default key (SSE-S3)
	Reason string
	Cause  error
}

func (e *KeyError) Error() string {
	name := fmt.Sprintf("key %q", e.Key)
	if e.Key == "" {
		name = "MinIO's default KMS key (used for SSE-S3)"
	}
	return fmt.Sprintf("%s is not usable: %s", name, e.Reason)
}

func (e *KeyError) Unwrap() error { return e.Cause }

// CheckKey asks MinIO's KMS key status API to encrypt and decrypt with key
// (empty: the default key) through its KMS. A job started towards a key
// that does not exist fails object by object; this fails before anything
// is touched.
func CheckKey(ctx context.Context, c KeyStatusReader, key string) error {
	st, err := c.GetKeyStatus(ctx, key)
	if err != nil {
		return &KeyError{Key: key, Reason: "MinIO's KMS key status API answered: " + err.Error(), Cause: err}
	}
	switch {
	case st.EncryptionErr != "":
		return &KeyError{Key: key, Reason: "encrypting with it failed: " + st.EncryptionErr}
	case st.DecryptionErr != "":
		return &KeyError{Key: key, Reason: "decrypting with it failed: " + st.DecryptionErr}
	}
	return nil
}
