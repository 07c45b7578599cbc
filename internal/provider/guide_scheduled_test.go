package provider

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minio/kes-go"
	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

// The calendar of the guide "Rotating every N days" as written:
// schedule_start and the default rotation_days.
var (
	scheduleStart  = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	schedulePeriod = 90 * 24 * time.Hour
)

// periodStart is the start of the period at the given offset from the
// one at now, as the guide computes it.
func periodStart(now time.Time, offset int) time.Time {
	n := int(math.Floor(float64(now.Sub(scheduleStart)) / float64(schedulePeriod)))
	return scheduleStart.Add(time.Duration(n+offset) * schedulePeriod)
}

func billingKey(start time.Time) string { return "billing-" + start.Format("2006-01-02") }

// TestScheduledGuideCalendar checks, without servers, that the Go
// calendar above is the guide's: its example key name and its example
// override fall on it.
func TestScheduledGuideCalendar(t *testing.T) {
	blocks := scheduledGuideBlocks(t)
	if len(blocks) != 1 {
		t.Fatalf("the guide has %d terraform blocks, want 1: the configuration", len(blocks))
	}
	for _, want := range []string{`schedule_start = "2026-01-01T00:00:00Z"`, "default = 90", "now            = plantimestamp()", `"billing-${formatdate("YYYY-MM-DD", time_rotating.billing.rfc3339)}"`} {
		if !strings.Contains(blocks[0], want) {
			t.Errorf("the guide's configuration no longer has %s: update the test's calendar", want)
		}
	}
	// The guide's prose names billing-2027-03-27 and a clock override of
	// 2027-03-28, in the period that key starts.
	if got := billingKey(periodStart(time.Date(2027, 3, 28, 0, 0, 0, 0, time.UTC), 0)); got != "billing-2027-03-27" {
		t.Errorf("the period of 2027-03-28 starts a key %s, the guide says billing-2027-03-27", got)
	}
}

// TestAccGuide_rotatingEveryNDays applies the guide "Rotating every N days"
// as written (the KES address of the test stack put in) with
// hashicorp/time built from the Go module proxy, and makes three periods
// pass with the clock override the guide describes (locals { now = ... }
// in clock_override.tf). For each new period it checks, from outside
// Terraform, that the apply created the period's key, made it the bucket
// default, moved every version to it with its bytes, and retired the key
// from two periods ago while keeping the previous one; that the plan of a
// new period proposes exactly that, and the plan after the apply nothing.
// In the third period a client has written, in another bucket, an object
// under the key about to be retired: the apply rotates anyway, refuses the
// retirement naming that bucket, and the next apply after the object is
// gone deletes the key.
func TestAccGuide_rotatingEveryNDays(t *testing.T) {
	a := newAcc(t)
	ctx := a.ctx()
	blocks := scheduledGuideBlocks(t)
	if len(blocks) != 1 {
		t.Fatalf("the guide has %d terraform blocks, want 1: the configuration", len(blocks))
	}
	main := strings.Replace(blocks[0], `"https://kes.example.com:7373"`, `"`+a.stack.KESEndpoint+`"`, 1)
	if main == blocks[0] {
		t.Fatal("the guide's configuration no longer names https://kes.example.com:7373")
	}

	// A versioned bucket of 12 objects x 2 versions under a key that
	// predates the schedule; a client writes more during each period.
	const bucket, elsewhere = "billing", "billing-exports"
	legacy := "billing-legacy"
	if err := a.kes().CreateKey(ctx, legacy); err != nil && !errors.Is(err, kes.ErrKeyExists) {
		t.Fatal(err)
	}
	for _, b := range []string{bucket, elsewhere} {
		if err := a.s3.MakeBucket(ctx, b, minio.MakeBucketOptions{}); err != nil {
			t.Fatal(err)
		}
		if err := a.s3.EnableVersioning(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	names := inventory.Names("invoice-", 12)
	for range 2 {
		a.put(inventory.Seed{Bucket: bucket, Names: names, KMSKey: legacy})
	}

	w := newMirrorWorkspace(t, a, map[string]string{
		"main.tf":          main,
		"terraform.tfvars": `kes_api_key = "` + a.stack.KESAdminAPIKey + `"`,
	})

	now := time.Now().UTC()
	// apply runs a saved plan and returns its exit code and output;
	// plan asserts the plan's exit code and returns what it proposes.
	apply := func() (int, string, time.Duration) {
		began := time.Now()
		out, code := w.run("apply", "-no-color", "-input=false", "period.tfplan")
		return code, out, time.Since(began)
	}
	plan := func(want int) ([]string, time.Duration) {
		t.Helper()
		began := time.Now()
		out, code := w.run("plan", "-no-color", "-input=false", "-detailed-exitcode", "-out=period.tfplan")
		if code != want {
			t.Fatalf("plan exited %d, want %d:\n%s", code, want, out)
		}
		return planLines(out), time.Since(began)
	}
	// checkPeriod checks the bucket and KES once the period's apply is done.
	checkPeriod := func(k int, key string, before map[string]versionRecord) {
		t.Helper()
		if err := allUnder(a.versions(bucket), before, key); err != nil {
			t.Errorf("period %d: %v", k, err)
		}
		if got, err := a.bucketEncDefault(bucket); err != nil || got != key {
			t.Errorf("period %d: the bucket default is %q (%v), want %s", k, got, err, key)
		}
	}

	// Period 0: the configuration as written, its clock plantimestamp().
	start := periodStart(now, 0)
	lines, planTook := plan(2)
	want := []string{
		"Plan: 5 to add, 0 to change, 0 to destroy.",
		"minio_batch_keyrotate.billing will be created",
		"minio_bucket_encryption.billing will be created",
		fmt.Sprintf("minio_kes_key.billing[%q] will be created", billingKey(start.Add(-schedulePeriod))),
		fmt.Sprintf("minio_kes_key.billing[%q] will be created", billingKey(start)),
		"time_rotating.billing will be created",
	}
	if slices.Sort(want); !slices.Equal(lines, want) {
		t.Fatalf("the first plan proposes\n%s\nwant\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	before := a.versions(bucket)
	code, out, took := apply()
	if code != 0 {
		t.Fatalf("apply of period 0 exited %d:\n%s", code, out)
	}
	if periodStart(time.Now().UTC(), 0) != start {
		t.Fatal("a period of the real calendar began during the test: run it again")
	}
	checkPeriod(0, billingKey(start), before)
	if has := a.kesHas(billingKey(start.Add(-schedulePeriod)), billingKey(start)); !has[billingKey(start)] || !has[billingKey(start.Add(-schedulePeriod))] {
		t.Errorf("period 0: KES has %v, want both keys", has)
	}
	_, emptyTook := plan(0)
	t.Logf("period 0 (%s, clock plantimestamp()): plan %s; apply %s: %d versions to %s; plan afterwards empty in %s",
		start.Format("2006-01-02"), planTook.Round(time.Millisecond), took.Round(time.Millisecond), len(before), billingKey(start), emptyTook.Round(time.Millisecond))

	for k := 1; k <= 3; k++ {
		// During the period that ends, a client writes new objects and new
		// versions: they land under the bucket default, the period's key.
		fresh := inventory.Names(fmt.Sprintf("period-%d-", k-1), 4)
		for _, n := range append(fresh, names[k]) {
			if _, err := a.s3.PutObject(ctx, bucket, n, strings.NewReader("written in period "+n), int64(len("written in period "+n)), minio.PutObjectOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		if err := allUnder(a.versions(bucket), nil, billingKey(start)); err != nil {
			t.Fatalf("objects written without encryption headers in period %d: %v", k-1, err)
		}
		prev, retired := start, start.Add(-schedulePeriod)
		start = periodStart(now, k)
		blocked := k == 3
		if blocked {
			// In another bucket, a client names the key that is about to
			// become two periods old.
			a.put(inventory.Seed{Bucket: elsewhere, Names: []string{"export-0000"}, KMSKey: billingKey(retired)})
		}

		w.write("clock_override.tf", fmt.Sprintf("locals {\n  now = %q\n}\n", start.Add(time.Hour).Format(time.RFC3339)))
		lines, planTook := plan(2)
		want := []string{
			"Plan: 3 to add, 1 to change, 3 to destroy.",
			"minio_batch_keyrotate.billing must be replaced",
			"minio_bucket_encryption.billing will be updated in-place",
			fmt.Sprintf("minio_kes_key.billing[%q] will be created", billingKey(start)),
			fmt.Sprintf("minio_kes_key.billing[%q] will be destroyed", billingKey(retired)),
			"time_rotating.billing must be replaced",
		}
		if slices.Sort(want); !slices.Equal(lines, want) {
			t.Fatalf("period %d: the plan of the new period proposes\n%s\nwant\n%s", k, strings.Join(lines, "\n"), strings.Join(want, "\n"))
		}
		before := a.versions(bucket)
		code, out, took := apply()
		switch {
		case !blocked && code != 0:
			t.Fatalf("apply of period %d exited %d:\n%s", k, code, out)
		case blocked && code == 0:
			t.Fatalf("apply of period %d deleted %s although %s has an object under it:\n%s", k, billingKey(retired), elsewhere, out)
		case blocked && !regexp.MustCompile(`(?s)Error: Key In Use.*`+regexp.QuoteMeta(elsewhere)).MatchString(out):
			t.Fatalf("apply of period %d failed, but not by refusing the retirement with the bucket that uses the key:\n%s", k, out)
		}
		rotated := len(before)
		checkPeriod(k, billingKey(start), before)
		has := a.kesHas(billingKey(retired), billingKey(prev), billingKey(start))
		if has[billingKey(retired)] != blocked || !has[billingKey(prev)] || !has[billingKey(start)] {
			t.Errorf("period %d: KES has %v; want %s and %s, and %s only while %s uses it", k, has, billingKey(prev), billingKey(start), billingKey(retired), elsewhere)
		}

		if blocked {
			// The plan is not empty while the retirement is pending: it
			// proposes that destroy and, since the failed destroy stopped
			// the apply before it, the destroy of the last period's record
			// (time_rotating is create_before_destroy as a dependency of
			// the keys, so its replaced object waits, deposed); nothing else.
			lines, _ := plan(2)
			want := []string{
				"Plan: 0 to add, 0 to change, 2 to destroy.",
				fmt.Sprintf("minio_kes_key.billing[%q] will be destroyed", billingKey(retired)),
				"time_rotating.billing (deposed) will be destroyed",
			}
			if slices.Sort(want); !slices.Equal(lines, want) {
				t.Fatalf("period %d: with the retirement refused, the plan proposes\n%s\nwant\n%s", k, strings.Join(lines, "\n"), strings.Join(want, "\n"))
			}
			t.Logf("period %d (%s): apply %s: %d versions to %s; retirement of %s refused (%s uses it), everything else done",
				k, start.Format("2006-01-02"), took.Round(time.Millisecond), rotated, billingKey(start), billingKey(retired), elsewhere)
			a.emptyBucket(elsewhere)
			if code, out, took = apply(); code != 0 {
				t.Fatalf("apply of the pending retirement exited %d:\n%s", code, out)
			}
			if has := a.kesHas(billingKey(retired), billingKey(prev)); has[billingKey(retired)] || !has[billingKey(prev)] {
				t.Errorf("period %d: once nothing uses %s KES has %v, want it gone and %s kept", k, billingKey(retired), has, billingKey(prev))
			}
			t.Logf("period %d: once %s no longer uses it, apply %s deleted %s", k, elsewhere, took.Round(time.Millisecond), billingKey(retired))
		}
		_, emptyTook := plan(0)
		if !blocked {
			t.Logf("period %d (%s): plan %s; apply %s: %d versions to %s, %s deleted, %s kept; plan afterwards empty in %s",
				k, start.Format("2006-01-02"), planTook.Round(time.Millisecond), took.Round(time.Millisecond), rotated, billingKey(start),
				billingKey(retired), billingKey(prev), emptyTook.Round(time.Millisecond))
		}
	}

	// The end: with the bucket emptied, destroy deletes the two keys the
	// schedule still holds; the key that predates it was never managed.
	a.emptyBucket(bucket)
	w.must(0, "destroy", "-auto-approve", "-input=false")
	last := []string{billingKey(start.Add(-schedulePeriod)), billingKey(start)}
	if has := a.kesHas(append(last, legacy)...); has[last[0]] || has[last[1]] || !has[legacy] {
		t.Errorf("after destroy KES has %v, want only %s", has, legacy)
	}
	if err := a.kes().DeleteKey(ctx, legacy); err != nil {
		t.Error(err)
	}
}
