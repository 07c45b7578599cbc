package preflight

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/minio/kes-go"
)

type fakeKES struct{ err error }

func (f fakeKES) DescribeKey(context.Context, string) (*kes.KeyInfo, error) {
	if f.err != nil {
		return nil, f.err
	}
	return &kes.KeyInfo{Name: "k"}, nil
}

func TestCheckKESKey(t *testing.T) {
	if err := CheckKESKey(context.Background(), fakeKES{}, "k"); err != nil {
		t.Fatalf("existing key: %v", err)
	}
	err := CheckKESKey(context.Background(), fakeKES{err: kes.ErrKeyNotFound}, "finance-2026-11")
	var ke *KeyError
	if !errors.As(err, &ke) || !strings.Contains(err.Error(), `"finance-2026-11"`) || !strings.Contains(err.Error(), "KES has no key") {
		t.Fatalf("missing key: %v", err)
	}
	boom := errors.New("connection refused")
	if err := CheckKESKey(context.Background(), fakeKES{err: boom}, "k"); !errors.Is(err, boom) {
		t.Fatalf("other errors must be kept: %v", err)
	}
}
