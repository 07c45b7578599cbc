package preflight_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/minio/madmin-go/v3"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/preflight"
)

// fakeKeyStatus answers GetKeyStatus with a fixed status or error and
// records the key it was asked about.
type fakeKeyStatus struct {
	status *madmin.KMSKeyStatus
	err    error
	asked  []string
}

func (f *fakeKeyStatus) GetKeyStatus(_ context.Context, keyID string) (*madmin.KMSKeyStatus, error) {
	f.asked = append(f.asked, keyID)
	return f.status, f.err
}

// TestCheckKeyUsable proves that a key whose test encryption and
// decryption both succeeded passes, and that CheckKey asks about exactly
// the key given (the empty name meaning MinIO's default key).
func TestCheckKeyUsable(t *testing.T) {
	for _, key := range []string{"app-key", ""} {
		f := &fakeKeyStatus{status: &madmin.KMSKeyStatus{KeyID: key}}
		if err := preflight.CheckKey(context.Background(), f, key); err != nil {
			t.Errorf("key %q: %v", key, err)
		}
		if len(f.asked) != 1 || f.asked[0] != key {
			t.Errorf("key %q: asked about %q", key, f.asked)
		}
	}
}

// TestCheckKeyFailures proves that each way the key status API can say no
// becomes a *preflight.KeyError that names the key, says what failed and
// keeps the server's words, so a plan fails with a message the user can act
// on.
func TestCheckKeyFailures(t *testing.T) {
	apiErr := madmin.ErrorResponse{Code: "XMinioKMSKeyNotFound", Message: "key does not exist"}
	for _, tc := range []struct {
		name   string
		key    string
		fake   *fakeKeyStatus
		want   []string
		unwrap error
	}{
		{name: "api error", key: "gone", fake: &fakeKeyStatus{err: apiErr},
			want: []string{`key "gone"`, "key status API", "key does not exist"}, unwrap: apiErr},
		{name: "encryption error", key: "sealed", fake: &fakeKeyStatus{status: &madmin.KMSKeyStatus{KeyID: "sealed", EncryptionErr: "not allowed"}},
			want: []string{`key "sealed"`, "encrypting", "not allowed"}},
		{name: "decryption error", key: "half", fake: &fakeKeyStatus{status: &madmin.KMSKeyStatus{KeyID: "half", DecryptionErr: "bad ciphertext"}},
			want: []string{`key "half"`, "decrypting", "bad ciphertext"}},
		{name: "encryption checked first", key: "both", fake: &fakeKeyStatus{status: &madmin.KMSKeyStatus{EncryptionErr: "enc", DecryptionErr: "dec"}},
			want: []string{"encrypting with it failed: enc"}},
		{name: "default key", key: "", fake: &fakeKeyStatus{status: &madmin.KMSKeyStatus{EncryptionErr: "kms down"}},
			want: []string{"MinIO's default KMS key", "SSE-S3", "kms down"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := preflight.CheckKey(context.Background(), tc.fake, tc.key)
			var ke *preflight.KeyError
			if !errors.As(err, &ke) {
				t.Fatalf("got %v (%T), want a *preflight.KeyError", err, err)
			}
			if ke.Key != tc.key {
				t.Errorf("KeyError.Key = %q, want %q", ke.Key, tc.key)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q does not contain %q", err, w)
				}
			}
			if tc.unwrap != nil && !errors.Is(err, tc.unwrap) {
				t.Errorf("%v does not wrap the server's error %v", err, tc.unwrap)
			}
		})
	}
}
