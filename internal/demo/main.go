// Command demo is `make demo`: a real rotation on a local MinIO+KES stack.
// It starts the stack, seeds objects under an old SSE-KMS key, applies the
// quickstart configuration in examples/quickstart with the provider built
// from this checkout (through a local provider mirror and its own CLI
// configuration, never the user's ~/.terraformrc), shows how many objects
// moved from which key to which, verifies every object from outside, and
// removes everything again. Run it from the repository root.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
	buildversion "github.com/minio-keyrotate/terraform-provider-minio/internal/version"
)

const (
	bucket  = "quickstart"
	objects = 200
	oldKey  = "quickstart-2026-10"
	newKey  = "quickstart-2026-11"
)

func main() {
	version := flag.String("version", buildversion.Version, "version the provider is built and installed under (make demo passes the GNUmakefile's VERSION)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *version); err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
}

func say(format string, args ...any) { fmt.Printf("==> "+format+"\n", args...) }

func run(ctx context.Context, version string) error {
	began := time.Now()
	say("starting a MinIO+KES stack (the first run builds both servers from their pins; later runs reuse them)")
	stack, err := teststack.Start(ctx, teststack.Options{Backend: teststack.LocalBackend(), Logf: func(f string, a ...any) { fmt.Printf("    "+f+"\n", a...) }})
	if err != nil {
		return err
	}
	defer func() {
		say("removing the stack")
		if err := stack.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "removing the stack:", err)
		}
	}()

	before, hashes, err := seed(ctx, stack)
	if err != nil {
		return err
	}
	tf, err := newWorkspace(ctx, ".", version, stack.Env())
	if err != nil {
		return err
	}
	defer tf.remove()

	say("terraform providers lock (records the checksum of the provider in the mirror in .terraform.lock.hcl), then init")
	if err := tf.lock(ctx); err != nil {
		return err
	}
	if err := tf.run(ctx, "init", "-input=false", "-no-color"); err != nil {
		return err
	}
	say("terraform apply: rotate every object of %q to %s", bucket, newKey)
	vars := []string{"-var", "bucket=" + bucket, "-var", "new_key=" + newKey}
	if err := tf.run(ctx, append([]string{"apply", "-auto-approve", "-input=false", "-no-color"}, vars...)...); err != nil {
		return err
	}
	say("terraform plan after apply: must show no changes")
	if err := tf.run(ctx, append([]string{"plan", "-detailed-exitcode", "-input=false", "-no-color"}, vars...)...); err != nil {
		return fmt.Errorf("the plan after apply is not empty: %w", err)
	}

	if err := verify(ctx, stack, before, hashes); err != nil {
		return err
	}
	say("terraform destroy: forgets the finished job (a rotation cannot be undone)")
	if err := tf.run(ctx, append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, vars...)...); err != nil {
		return err
	}
	say("demo complete in %s", time.Since(began).Round(time.Second))
	return nil
}

// seed creates both keys and the bucket, and writes the objects under the
// old key.
func seed(ctx context.Context, stack *teststack.Stack) (map[string]int, map[string]string, error) {
	admin, err := stack.Admin()
	if err != nil {
		return nil, nil, err
	}
	s3, err := stack.S3(0)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range []string{oldKey, newKey} {
		if err := admin.CreateKey(ctx, k); err != nil {
			return nil, nil, fmt.Errorf("creating KMS key %s: %w", k, err)
		}
	}
	if err := s3.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		return nil, nil, fmt.Errorf("creating bucket %s: %w", bucket, err)
	}
	say("seeding %d objects under %s", objects, oldKey)
	if err := inventory.Put(ctx, s3, inventory.Seed{Bucket: bucket, Names: inventory.Names("report-", objects), KMSKey: oldKey}); err != nil {
		return nil, nil, err
	}
	scan, err := inventory.Scan(ctx, s3, bucket, "")
	if err != nil {
		return nil, nil, err
	}
	hashes, err := inventory.Hashes(ctx, s3, bucket, "")
	return inventory.CountByKey(scan), hashes, err
}

// verify reads every object back from outside the server.
func verify(ctx context.Context, stack *teststack.Stack, before map[string]int, hashes map[string]string) error {
	s3, err := stack.S3(0)
	if err != nil {
		return err
	}
	scan, err := inventory.Scan(ctx, s3, bucket, "")
	if err != nil {
		return err
	}
	after := inventory.CountByKey(scan)
	say("objects per key before: %v", before)
	say("objects per key after:  %v", after)
	say("%d objects moved from %s to %s", after[newKey], oldKey, newKey)
	now, err := inventory.Hashes(ctx, s3, bucket, "")
	if err != nil {
		return err
	}
	if diff := inventory.Diff(hashes, now); len(diff) > 0 {
		return fmt.Errorf("%d objects changed their bytes: %v", len(diff), diff)
	}
	if after[newKey] != objects || len(after) != 1 {
		return fmt.Errorf("want all %d objects under %s, got %v", objects, newKey, after)
	}
	say("verified: all %d objects are under %s and read back byte-identical (SHA-256)", objects, newKey)
	return nil
}
