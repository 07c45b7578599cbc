// Command demo is `make demo`: a real rotation on a local MinIO+KES stack.
// It starts the stack, seeds a versioned bucket under an old SSE-KMS key
// (tagged versions, deleted objects), applies the quickstart configuration
// in examples/quickstart with the provider built from this checkout
// (through a local provider mirror and its own CLI configuration, never the
// user's ~/.terraformrc), checks from outside, version by version, that the
// rotation changed only the key, shows that objects written later under the
// old key make the plan propose a new rotation, and removes everything
// again. Run it from the repository root.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
	buildversion "github.com/minio-keyrotate/terraform-provider-minio/internal/version"
)

const (
	bucket = "quickstart"
	oldKey = "quickstart-2026-10"
	newKey = "quickstart-2026-11"
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
	admin, err := stack.Admin()
	if err != nil {
		return err
	}
	s3, err := stack.S3(0)
	if err != nil {
		return err
	}

	say("seeding versioned bucket %q: %d objects x %d versions under %s, even objects tagged (other tags per version), every tenth deleted", bucket, objects, versions, oldKey)
	if err := seed(ctx, admin, s3); err != nil {
		return err
	}
	before, err := take(ctx, s3, bucket)
	if err != nil {
		return err
	}
	// What the pinned server's job does alone, as internal/serverfacts pins
	// it: the reason the provider records and restores around the job.
	say("MinIO's keyrotate job alone would drop the tags of all %d tagged versions and make the %d deleted objects visible", before.tagged(), len(before.deleted))
	fmt.Println("    again (it re-dates every version it re-seals, above the delete marker); the provider records both and puts them back")

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
	vars := []string{"-var", "bucket=" + bucket, "-var", "new_key=" + newKey}
	say("terraform apply: rotate all %d versions of %q to %s (preserving tags and deleted objects, and verifying, are the defaults)", len(before.versions), bucket, newKey)
	// The first rotation re-seals every version, so it puts back every tag
	// set and delete marker.
	all := expected{tagsRestored: before.tagged(), markersRestored: len(before.deleted)}
	if err := rotate(ctx, tf, s3, append([]string{"-auto-approve"}, vars...), vars, before, all); err != nil {
		return err
	}

	say("a client still naming the old key writes %d more objects under %s", late, oldKey)
	if err := inventory.Put(ctx, s3, inventory.Seed{Bucket: bucket, Names: inventory.Names("late-", late), KMSKey: oldKey}); err != nil {
		return err
	}
	before, err = take(ctx, s3, bucket)
	if err != nil {
		return err
	}
	say("terraform plan -detailed-exitcode -out=rotate.tfplan: must propose a new rotation (exit code 2)")
	out, err := plan(ctx, tf, append([]string{"-out=rotate.tfplan"}, vars...), 2)
	if err != nil {
		return err
	}
	warning := fmt.Sprintf("%d data versions under %s/ in this rotation's scope are not under key %s", late, bucket, newKey)
	if text := strings.Join(strings.Fields(out), " "); !strings.Contains(text, "Warning: Versions Not On The Target Key") || !strings.Contains(text, warning) {
		return fmt.Errorf("the plan does not warn %q with %q", "Versions Not On The Target Key", warning)
	}
	say("plan exit code 2, with the warning \"Versions Not On The Target Key\": %s", warning)
	say("terraform apply rotate.tfplan: the rotation this plan proposed; its job re-seals only the %d versions written since the last rotation "+
		"(a date filter at the oldest pending one), not all %d: a rotation costs what is pending", late, len(before.versions))
	drift := expected{rotated: late, of: "the versions written since"}
	if err := rotate(ctx, tf, s3, []string{"rotate.tfplan"}, vars, before, drift); err != nil {
		return err
	}

	say("terraform destroy: forgets the finished job (a rotation cannot be undone)")
	if err := tf.run(ctx, append([]string{"destroy", "-auto-approve", "-input=false", "-no-color"}, vars...)...); err != nil {
		return err
	}
	say("on a multi-site deployment (MinIO site replication) the same apply finds the other sites and runs one job on each: a job re-seals only its own site (guide \"Multi-site deployments\")")
	say("demo complete in %s", time.Since(began).Round(time.Second))
	return nil
}

// rotate runs apply with args (the variables, or a saved plan), requires
// an empty plan afterwards, and checks the bucket against before from
// outside.
func rotate(ctx context.Context, tf *workspace, s3 *minio.Client, args, vars []string, before snapshot, want expected) error {
	if err := tf.run(ctx, append([]string{"apply", "-input=false", "-no-color"}, args...)...); err != nil {
		return err
	}
	say("terraform plan -detailed-exitcode after apply: must show no changes (exit code 0)")
	if _, err := plan(ctx, tf, vars, 0); err != nil {
		return err
	}
	counters, err := tf.numbers(ctx)
	if err != nil {
		return err
	}
	rows, err := compare(ctx, s3, before, counters, want)
	if err != nil {
		return err
	}
	say("checked from outside, version by version, against the bucket before the apply:")
	return table(rows)
}

// plan runs `plan -detailed-exitcode` with args and fails unless it exits
// with want (0: no changes, 2: changes), returning its output.
func plan(ctx context.Context, tf *workspace, args []string, want int) (string, error) {
	code, out, err := tf.runCode(ctx, append([]string{"plan", "-detailed-exitcode", "-input=false", "-no-color"}, args...)...)
	if code == want {
		return out, nil
	}
	switch code {
	case 0:
		return out, fmt.Errorf("the plan proposes no changes (exit code 0), want exit code %d", want)
	case 2:
		return out, fmt.Errorf("the plan proposes changes (exit code 2), want exit code %d", want)
	}
	return out, err
}
