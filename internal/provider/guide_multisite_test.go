package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/minio/kes-go"
	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

// TestAccGuide_multiSite runs the guide "Multi-site deployments" as
// written, with only the KES address of the test stack put in, on two
// sites joined by site replication: one apply leaves every data version on
// both sites under the new key with its bytes, deleted objects still
// deleted on both; the plan afterwards is empty; the retirement deletes
// the old key, and every object on both sites still reads back its bytes.
func TestAccGuide_multiSite(t *testing.T) {
	s := sitesStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	blocks := guideBlocks(t, "guides/multi-site-deployments.md")
	if len(blocks) != 2 {
		t.Fatalf("the guide has %d terraform blocks, want the configuration and the retirement", len(blocks))
	}
	kc, err := s.KESClient()
	if err != nil {
		t.Fatal(err)
	}
	const bucket, oldKey, newKey = "payroll", "payroll-2026-11", "payroll-2026-12"
	if err := kc.CreateKey(ctx, oldKey); err != nil && !errors.Is(err, kes.ErrKeyExists) {
		t.Fatal(err)
	}
	c := siteS3(t, s)
	sse := versionedUnder(ctx, t, c, bucket, oldKey)
	for i := range 10 {
		name := fmt.Sprintf("payslip-%02d", i)
		for v := range 2 {
			body := fmt.Sprintf("%s v%d", name, v)
			if _, err := c.PutObject(ctx, bucket, name, bytes.NewReader([]byte(body)), int64(len(body)), minio.PutObjectOptions{ServerSideEncryption: sse}); err != nil {
				t.Fatal(err)
			}
		}
		if i%5 == 0 {
			if err := c.RemoveObject(ctx, bucket, name, minio.RemoveObjectOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	waitReplicated(ctx, t, s, bucket)
	type siteData struct {
		deleted map[string]bool
		bytes   map[string]string
	}
	before := map[string]siteData{}
	for _, site := range s.Sites {
		_, deleted := versionsOf(ctx, t, siteS3(t, site), bucket)
		h, err := inventory.Hashes(ctx, siteS3(t, site), bucket, "")
		if err != nil {
			t.Fatal(err)
		}
		before[site.SiteName] = siteData{deleted, h}
	}
	checkSites := func(when string) {
		t.Helper()
		for _, site := range s.Sites {
			versions, deleted := versionsOf(ctx, t, siteS3(t, site), bucket)
			n, wrong := 0, 0
			for _, vs := range versions {
				for _, v := range vs {
					n++
					if v.key != newKey {
						wrong++
					}
				}
			}
			if n != 20 || wrong > 0 {
				t.Errorf("%s, site %s: %d of %d data versions (want 20) not under %s", when, site.SiteName, wrong, n, newKey)
			}
			if !maps.Equal(deleted, before[site.SiteName].deleted) {
				t.Errorf("%s, site %s: deleted objects changed: %v before, %v after", when, site.SiteName, before[site.SiteName].deleted, deleted)
			}
			h, err := inventory.Hashes(ctx, siteS3(t, site), bucket, "")
			if err != nil {
				t.Fatalf("%s, site %s: reading every object: %v", when, site.SiteName, err)
			}
			if diff := inventory.Diff(before[site.SiteName].bytes, h); len(diff) > 0 {
				t.Errorf("%s, site %s: objects whose bytes changed: %v", when, site.SiteName, diff)
			}
		}
	}

	main := strings.Replace(blocks[0], `"https://kes.example.com:7373"`, `"`+s.KESEndpoint+`"`, 1)
	w := newCLIWorkspaceOn(t, s, map[string]string{"main.tf": main, "terraform.tfvars": `kes_api_key = "` + s.KESAdminAPIKey + `"`})
	w.env = append(w.env, siteEndpointsEnv(s))
	out := w.must(0, "apply", "-input=false", "-auto-approve")
	mustSay(t, "the apply", out, `"site-a: complete, 0 pending"`, `"site-b: complete, 0 pending"`)
	checkSites("after the rotation")
	w.must(0, "plan", "-input=false", "-detailed-exitcode")

	w.write("retire.tf", blocks[1])
	w.must(0, "apply", "-input=false", "-auto-approve")
	w.remove("retire.tf")
	w.must(0, "apply", "-input=false", "-auto-approve")
	if _, err := kc.DescribeKey(ctx, oldKey); !errors.Is(err, kes.ErrKeyNotFound) {
		t.Errorf("KES still has %s after its retirement: %v", oldKey, err)
	}
	checkSites("after the retirement")
	// The new key seals everything now: the workspace's destroy keeps it.
	w.must(0, "state", "rm", "minio_kes_key.payroll_2026_12")
}
