package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// bench holds the stack's clients, the seeded bucket and the Terraform
// working area.
type bench struct {
	stack  *teststack.Stack
	admin  *madmin.AdminClient
	s3     *minio.Client
	logf   func(string, ...any)
	bucket string
	keys   [2]string // every rotation moves its scope from one to the other
	dir    string    // provider binary, CLI configuration, workspaces
	tf     tfCLI
}

func newBench(ctx context.Context, s *teststack.Stack, logf func(string, ...any)) (*bench, error) {
	b := &bench{stack: s, logf: logf}
	var err error
	if b.admin, err = s.Admin(); err != nil {
		return nil, err
	}
	if b.s3, err = s.S3(0); err != nil {
		return nil, err
	}
	for i := range b.keys {
		b.keys[i] = teststack.RandomName("bench-")
		if err := b.admin.CreateKey(ctx, b.keys[i]); err != nil {
			return nil, fmt.Errorf("creating KMS key %s: %w", b.keys[i], err)
		}
	}
	b.bucket = teststack.RandomName("bench-")
	if err := b.s3.MakeBucket(ctx, b.bucket, minio.MakeBucketOptions{}); err != nil {
		return nil, fmt.Errorf("creating bucket %s: %w", b.bucket, err)
	}
	logf("bucket %s, keys %s and %s", b.bucket, b.keys[0], b.keys[1])
	if b.dir, err = os.MkdirTemp("", "minio-bench-"); err != nil {
		return nil, err
	}
	if b.tf, err = newTFCLI(ctx, b.dir, s.Env(), logf); err != nil {
		b.close()
		return nil, err
	}
	return b, nil
}

func (b *bench) close() { os.RemoveAll(b.dir) }

// measure runs every live measurement into t, in an order that keeps the
// machine's state comparable: seeding first, then the rotations, the
// scanner, the refresh.
func (b *bench) measure(ctx context.Context, c config, t *table) error {
	if err := b.seed(ctx, c); err != nil {
		return err
	}
	rows, err := b.detectionRows(ctx, c.detectN)
	if err != nil {
		return err
	}
	t.add(rows...)
	for _, n := range c.sizes {
		if c.pairs == 0 {
			continue // no rotations: the scanner and the refresh only
		}
		pairs := c.pairs
		if n >= c.largeSize {
			pairs = 1
		}
		rows, err := b.compare(ctx, n, c.total, pairs)
		if err != nil {
			return err
		}
		t.add(rows...)
		if rows, err = b.planRequestRows(ctx, n, c.total); err != nil {
			return err
		}
		t.add(rows...)
	}
	if rows, err = b.scanRows(ctx, c); err != nil {
		return err
	}
	t.add(rows...)
	rows, err = b.refreshRows(ctx, c.refreshN)
	if err != nil {
		return err
	}
	t.add(rows...)
	return nil
}

// prefixOf is the scope of a rotation of n objects: a directory of its own,
// or the whole bucket for the largest size.
func prefixOf(n, total int) string {
	if n == total {
		return ""
	}
	return fmt.Sprintf("s%d/", n)
}

// seed writes total SSE-KMS objects of 1 KiB under the first key: n in the
// directory of each size below the largest, the rest in "rest/", so that
// the whole bucket is the largest size. 16 PutObject at a time.
func (b *bench) seed(ctx context.Context, c config) error {
	var names []string
	left := c.total
	for _, n := range c.sizes {
		if n < c.total {
			names = append(names, inventory.Names(prefixOf(n, c.total), n)...)
			left -= n
		}
	}
	if left < 0 {
		return fmt.Errorf("-sizes: the smaller sizes add up to more than the largest (%d)", c.total)
	}
	names = append(names, inventory.Names("rest/", left)...)
	began := time.Now()
	const workers = 16
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []string
			for i := w; i < len(names); i += workers {
				mine = append(mine, names[i])
			}
			errs <- inventory.Put(ctx, b.s3, inventory.Seed{Bucket: b.bucket, Names: mine, KMSKey: b.keys[0]})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return fmt.Errorf("seeding %s: %w", b.bucket, err)
		}
	}
	took := time.Since(began)
	b.logf("seeded %d objects in %s (%.0f puts/s)", len(names), took.Round(time.Second), float64(len(names))/took.Seconds())
	return nil
}

// goCommand runs go with args in the repository root, its output to stderr.
func goCommand(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Stderr = os.Stderr
	return cmd
}

// repoRoot is where `make bench` runs.
func repoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(wd, "terraform-registry-manifest.json")); err != nil {
		return "", fmt.Errorf("run from the repository root (make bench): %w", err)
	}
	return wd, nil
}
