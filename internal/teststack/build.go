package teststack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
)

// server names one binary the stack needs and the package that builds it
// inside its pinning module under build/.
type server struct {
	name    string // also the directory under build/
	pkg     string
	ldflags string
}

var (
	minioServer = server{name: "minio", pkg: "github.com/minio/minio"}
	kesServer   = server{name: "kes", pkg: "github.com/minio/kes/cmd/kes"}
)

// sourceDir is the directory of this package's source. The pinning modules
// live beside it; tests and the stack command always run from a checkout.
func sourceDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(file)
}

// CacheDir is where built server binaries are kept between runs:
// $TEST_STACK_CACHE, else the user cache directory.
func CacheDir() (string, error) {
	if dir := os.Getenv("TEST_STACK_CACHE"); dir != "" {
		return dir, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("finding a cache directory (set TEST_STACK_CACHE): %w", err)
	}
	return filepath.Join(base, "terraform-provider-minio", "teststack"), nil
}

// pinHash identifies a build: the pinning go.mod and go.sum and the Go
// toolchain. A binary is rebuilt only when one of them changes.
func (s server) pinHash() (string, error) {
	h := sha256.New()
	for _, f := range []string{"go.mod", "go.sum"} {
		b, err := os.ReadFile(filepath.Join(sourceDir(), "build", s.name, f))
		if err != nil {
			return "", fmt.Errorf("reading the %s pin: %w", s.name, err)
		}
		h.Write(b)
	}
	io.WriteString(h, runtime.Version()+s.ldflags)
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// Binary returns the path of the server binary, building it first if the
// cache has none for the current pin. Concurrent callers (test packages run
// in parallel) wait for one build through a file lock.
func (s server) binary(ctx context.Context, logf func(string, ...any)) (string, error) {
	hash, err := s.pinHash()
	if err != nil {
		return "", err
	}
	dir, err := CacheDir()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating the binary cache %s: %w", dir, err)
	}
	bin := filepath.Join(dir, s.name+"-"+hash)
	unlock, err := lockFile(bin + ".lock")
	if err != nil {
		return "", err
	}
	defer unlock()
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	logf("teststack: building %s from its pin (cold build, a few minutes)", s.name)
	tmp := bin + ".tmp"
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", s.ldflags, "-o", tmp, s.pkg)
	cmd.Dir = filepath.Join(sourceDir(), "build", s.name)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building %s (%s) failed: %w\n%s", s.name, s.pkg, err, out)
	}
	if err := os.Rename(tmp, bin); err != nil {
		return "", err
	}
	return bin, nil
}

func lockFile(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening build lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("taking build lock: %w", err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN) // closing releases it anyway
		f.Close()
	}, nil
}
