package provider

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

// TestAccBatchKeyrotate_liveProgress: while apply waits for a paced
// rotation of about 15 s, the provider logs the job's live counts (from
// MinIO's realtime metrics, not its report saved every 10 s) at INFO at
// least every 2 s, with rate and time left, and the counts rise to the
// total.
func TestAccBatchKeyrotate_liveProgress(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	names := inventory.Names("o-", 50)
	a.put(inventory.Seed{Bucket: bucket, Names: names, KMSKey: oldKey})
	a.pace(300 * time.Millisecond)

	w := newCLIWorkspace(t, a, map[string]string{"main.tf": rotateConfig(bucket, newKey, "")})
	w.env = append(w.env, "TF_LOG=INFO")
	out := w.must(0, "apply", "-auto-approve")

	line := regexp.MustCompile(`(?m)^(\S+) \[INFO\]\s+provider\.terraform-provider-minio[^:]*: batch keyrotate live progress: (.*)$`)
	field := func(fields, name string) string {
		m := regexp.MustCompile(`\b` + name + `=(\S+)`).FindStringSubmatch(fields)
		if m == nil {
			return ""
		}
		return m[1]
	}
	var (
		quoted []string
		prevAt time.Time
		prev   int64 = -1
		gap    time.Duration
	)
	for _, m := range line.FindAllStringSubmatch(out, -1) {
		at, err := time.Parse("2006-01-02T15:04:05.000Z0700", m[1])
		if err != nil {
			t.Fatalf("log time %q: %v", m[1], err)
		}
		objects, _ := strconv.ParseInt(field(m[2], "objects"), 10, 64)
		if objects < prev {
			t.Errorf("live count went down from %d to %d", prev, objects)
		}
		if !prevAt.IsZero() {
			gap = max(gap, at.Sub(prevAt))
		}
		prevAt, prev = at, objects
		quoted = append(quoted, strings.Join([]string{m[1], "objects=" + field(m[2], "objects"), "failed=" + field(m[2], "failed"),
			"objects_per_second=" + field(m[2], "objects_per_second"), "seconds_left=" + field(m[2], "seconds_left"), "status=" + field(m[2], "status")}, " "))
	}
	t.Logf("live progress lines of a paced rotation of 50 objects:\n%s", strings.Join(quoted, "\n"))
	switch {
	case len(quoted) < 5:
		t.Fatalf("%d live progress lines, want one at least every 2 s of a rotation of about 15 s:\n%s", len(quoted), out)
	case gap > 2500*time.Millisecond:
		t.Errorf("live progress lines up to %s apart, want at most 2 s (plus a sample's latency)", gap)
	case prev != 50:
		t.Errorf("the last live progress line counts %d objects, want 50", prev)
	}
	if !strings.Contains(quoted[len(quoted)/2], "seconds_left=") || field(quoted[len(quoted)/2], "seconds_left") == "0" {
		t.Errorf("the middle line gives no estimate of the time left: %s", quoted[len(quoted)/2])
	}
	if err := a.checkObjects(bucket, keysOf(names, newKey))(nil); err != nil {
		t.Fatal(err)
	}
}
