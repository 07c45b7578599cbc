package scan_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/lifecycle"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// Lifecycle rules as the tests write them.

func expireDays(id, prefix string, days int) lifecycle.Rule {
	return lifecycle.Rule{ID: id, Status: "Enabled", RuleFilter: lifecycle.Filter{Prefix: prefix},
		Expiration: lifecycle.Expiration{Days: lifecycle.ExpirationDays(days)}}
}

func noncurrentDays(id, prefix string, days int) lifecycle.Rule {
	return lifecycle.Rule{ID: id, Status: "Enabled", RuleFilter: lifecycle.Filter{Prefix: prefix},
		NoncurrentVersionExpiration: lifecycle.NoncurrentVersionExpiration{NoncurrentDays: lifecycle.ExpirationDays(days)}}
}

func disabled(r lifecycle.Rule) lifecycle.Rule {
	r.Status = "Disabled"
	return r
}

func TestLifecycleAgeRules(t *testing.T) {
	date := lifecycle.ExpirationDate{Time: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}
	tests := []struct {
		name   string
		rule   lifecycle.Rule
		prefix string
		want   int64
	}{
		{"expiration days, whole bucket", expireDays("r", "", 30), "p/", 1},
		{"expiration days, same prefix", expireDays("r", "p/", 30), "p/", 1},
		{"expiration days, rule narrower than scope", expireDays("r", "p/sub/", 30), "p/", 1},
		{"expiration days, rule wider than scope", expireDays("r", "p", 30), "p/x/", 1},
		{"expiration days, scope is the whole bucket", expireDays("r", "q/", 30), "", 1},
		{"expiration days, other prefix", expireDays("r", "q/", 30), "p/", 0},
		{"disabled", disabled(expireDays("r", "p/", 30)), "p/", 0},
		{"expiration by date", lifecycle.Rule{ID: "r", Status: "Enabled", Expiration: lifecycle.Expiration{Date: date}}, "p/", 0},
		{"delete marker expiry", lifecycle.Rule{ID: "r", Status: "Enabled", Expiration: lifecycle.Expiration{DeleteMarker: true}}, "", 0},
		{"del marker expiration days", lifecycle.Rule{ID: "r", Status: "Enabled", DelMarkerExpiration: lifecycle.DelMarkerExpiration{Days: 5}}, "", 0},
		{"abort multipart", lifecycle.Rule{ID: "r", Status: "Enabled",
			AbortIncompleteMultipartUpload: lifecycle.AbortIncompleteMultipartUpload{DaysAfterInitiation: 7}}, "", 0},
		{"noncurrent expiration days", noncurrentDays("r", "", 30), "p/", 1},
		{"noncurrent expiration by count only", lifecycle.Rule{ID: "r", Status: "Enabled",
			NoncurrentVersionExpiration: lifecycle.NoncurrentVersionExpiration{NewerNoncurrentVersions: 3}}, "", 0},
		{"transition days", lifecycle.Rule{ID: "r", Status: "Enabled", RuleFilter: lifecycle.Filter{Prefix: "p/"},
			Transition: lifecycle.Transition{Days: 30, StorageClass: "COLD"}}, "p/", 1},
		{"transition by date", lifecycle.Rule{ID: "r", Status: "Enabled", Transition: lifecycle.Transition{Date: date, StorageClass: "COLD"}}, "p/", 0},
		{"noncurrent transition days", lifecycle.Rule{ID: "r", Status: "Enabled",
			NoncurrentVersionTransition: lifecycle.NoncurrentVersionTransition{NoncurrentDays: 30, StorageClass: "COLD"}}, "p/", 1},
		{"all versions expiration days", lifecycle.Rule{ID: "r", Status: "Enabled",
			AllVersionsExpiration: lifecycle.AllVersionsExpiration{Days: 30}}, "p/", 1},
		{"legacy prefix, overlapping", lifecycle.Rule{ID: "r", Status: "Enabled", Prefix: "p/",
			Expiration: lifecycle.Expiration{Days: 30}}, "p/a", 1},
		{"legacy prefix, other", lifecycle.Rule{ID: "r", Status: "Enabled", Prefix: "q/",
			Expiration: lifecycle.Expiration{Days: 30}}, "p/", 0},
		{"and prefix with tags, overlapping: tags not evaluated", lifecycle.Rule{ID: "r", Status: "Enabled",
			RuleFilter: lifecycle.Filter{And: lifecycle.And{Prefix: "p/", Tags: []lifecycle.Tag{{Key: "class", Value: "tmp"}}}},
			Expiration: lifecycle.Expiration{Days: 30}}, "p/", 1},
		{"and prefix with tags, other prefix", lifecycle.Rule{ID: "r", Status: "Enabled",
			RuleFilter: lifecycle.Filter{And: lifecycle.And{Prefix: "q/", Tags: []lifecycle.Tag{{Key: "class", Value: "tmp"}}}},
			Expiration: lifecycle.Expiration{Days: 30}}, "p/", 0},
		{"tag only: applies anywhere", lifecycle.Rule{ID: "r", Status: "Enabled",
			RuleFilter: lifecycle.Filter{Tag: lifecycle.Tag{Key: "class", Value: "tmp"}},
			Expiration: lifecycle.Expiration{Days: 30}}, "p/", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &lifecycle.Configuration{Rules: []lifecycle.Rule{tt.rule}}
			if got := scan.AgeRules(cfg, tt.prefix); got != tt.want {
				t.Errorf("AgeRules = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestLifecycleAgeRulesCountsEachRule(t *testing.T) {
	cfg := &lifecycle.Configuration{Rules: []lifecycle.Rule{
		expireDays("a", "p/", 30), noncurrentDays("b", "", 30), expireDays("c", "q/", 30), disabled(expireDays("d", "", 1)),
	}}
	if got := scan.AgeRules(cfg, "p/"); got != 2 {
		t.Errorf("AgeRules = %d, want 2", got)
	}
	if got := scan.AgeRules(nil, ""); got != 0 {
		t.Errorf("AgeRules(nil) = %d, want 0", got)
	}
}

type fakeLifecycle struct {
	cfg *lifecycle.Configuration
	err error
}

func (f fakeLifecycle) GetBucketLifecycle(context.Context, string) (*lifecycle.Configuration, error) {
	return f.cfg, f.err
}

func TestLifecycleRulesErrors(t *testing.T) {
	ctx := context.Background()
	none := minio.ErrorResponse{StatusCode: 404, Code: "NoSuchLifecycleConfiguration", Message: "The lifecycle configuration does not exist"}
	if n, err := scan.LifecycleRules(ctx, fakeLifecycle{err: none}, "b", ""); n != 0 || err != nil {
		t.Errorf("no lifecycle configuration: got %d, %v; want 0, nil", n, err)
	}
	denied := minio.ErrorResponse{StatusCode: 403, Code: "AccessDenied", Message: "Access Denied."}
	n, err := scan.LifecycleRules(ctx, fakeLifecycle{err: denied}, "b", "")
	var er minio.ErrorResponse
	if n != 0 || !errors.As(err, &er) || er.Code != "AccessDenied" {
		t.Errorf("access denied: got %d, %v; want the error, wrapped", n, err)
	}
	cfg := &lifecycle.Configuration{Rules: []lifecycle.Rule{expireDays("a", "", 30)}}
	if n, err := scan.LifecycleRules(ctx, fakeLifecycle{cfg: cfg}, "b", "p/"); n != 1 || err != nil {
		t.Errorf("one rule: got %d, %v; want 1, nil", n, err)
	}
}

// TestLifecycleRulesLive reads real lifecycle configurations: none (0, not
// an error), then rules the server accepted and returns.
func TestLifecycleRulesLive(t *testing.T) {
	s := teststack.Live(t)
	ctx := liveContext(t)
	c := liveS3(t, s)
	b := versionedBucket(t, s, c)
	if n, err := scan.LifecycleRules(ctx, c, b, "p/"); n != 0 || err != nil {
		t.Fatalf("bucket without lifecycle configuration: got %d, %v; want 0, nil", n, err)
	}
	date := lifecycle.ExpirationDate{Time: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}
	cfg := &lifecycle.Configuration{Rules: []lifecycle.Rule{
		expireDays("expire-p", "p/", 3650),
		noncurrentDays("noncurrent-all", "", 3650),
		expireDays("expire-q", "q/", 3650),
		disabled(expireDays("disabled-p", "p/", 3650)),
		{ID: "date-p", Status: "Enabled", RuleFilter: lifecycle.Filter{Prefix: "p/"}, Expiration: lifecycle.Expiration{Date: date}},
		expireDays("expire-p-sub", "p/sub/", 3650),
	}}
	if err := c.SetBucketLifecycle(ctx, b, cfg); err != nil {
		t.Fatalf("setting the lifecycle configuration: %v", err)
	}
	for prefix, want := range map[string]int64{"p/": 3, "": 4, "q/": 2, "r/": 1} {
		if n, err := scan.LifecycleRules(ctx, c, b, prefix); n != want || err != nil {
			t.Errorf("prefix %q: got %d, %v; want %d", prefix, n, err, want)
		}
	}
	if _, err := scan.LifecycleRules(ctx, c, teststack.RandomName("missing-"), ""); err == nil {
		t.Errorf("missing bucket: no error")
	}
}
