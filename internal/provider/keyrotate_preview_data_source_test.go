package provider

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"
	"github.com/minio/minio-go/v7/pkg/lifecycle"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

const (
	previewAddr     = "data.minio_keyrotate_preview.p"
	previewBareAddr = "data.minio_keyrotate_preview.bare"
)

// previewPut is one version the acceptance test writes.
type previewPut struct {
	name string
	// kmsKey encrypts with SSE-KMS; sseS3 with SSE-S3; neither, plaintext.
	kmsKey  string
	sseS3   bool
	size    int
	tags    map[string]string
	expires time.Time
	// mtime backdates the version (MinIO's x-minio-source-mtime).
	mtime time.Time
	// remove puts a delete marker on top after writing.
	remove bool
}

func (a *acc) previewWrite(bucket string, puts ...previewPut) {
	a.t.Helper()
	for _, p := range puts {
		opts := minio.PutObjectOptions{UserTags: p.tags, Expires: p.expires}
		opts.Internal.SourceMTime = p.mtime
		switch {
		case p.kmsKey != "":
			sse, err := encrypt.NewSSEKMS(p.kmsKey, nil)
			if err != nil {
				a.t.Fatal(err)
			}
			opts.ServerSideEncryption = sse
		case p.sseS3:
			opts.ServerSideEncryption = encrypt.NewSSE()
		}
		data := make([]byte, p.size)
		rand.Read(data)
		if _, err := a.s3.PutObject(a.ctx(), bucket, p.name, bytes.NewReader(data), int64(p.size), opts); err != nil {
			a.t.Fatalf("writing %s/%s: %v", bucket, p.name, err)
		}
		if p.remove {
			if err := a.s3.RemoveObject(a.ctx(), bucket, p.name, minio.RemoveObjectOptions{}); err != nil {
				a.t.Fatalf("deleting %s/%s: %v", bucket, p.name, err)
			}
		}
	}
}

func previewValue(addr, attr string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(addr, tfjsonpath.New(attr), v)
}

func tallyOf(versions, bytes int64) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"versions": knownvalue.Int64Exact(versions), "bytes": knownvalue.Int64Exact(bytes),
	})
}

// stateInt reads an integer attribute (flatmap path) of a state resource.
func stateInt(s *terraform.State, addr, attr string) (int64, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return 0, fmt.Errorf("%s is not in the state", addr)
	}
	v, ok := rs.Primary.Attributes[attr]
	if !ok {
		return 0, fmt.Errorf("%s has no %s", addr, attr)
	}
	return strconv.ParseInt(v, 10, 64)
}

// TestAccKeyrotatePreview_countsThenRotation previews a versioned bucket
// that mixes two KMS keys, SSE-S3 and plaintext, tags, Expires headers, a
// deleted object, a backdated version and lifecycle rules, and checks every
// count. A precondition on the preview then stops a rotation, and a real
// rotation with the same scope rewrites what the preview said it would:
// objects_rotated = pending (before) + SSE-S3 versions. A last read shows
// what the rotation did to the scope: no version pending, tags and Expires
// headers gone, the deleted object visible again.
func TestAccKeyrotatePreview_countsThenRotation(t *testing.T) {
	a := newAcc(t)
	bucket, keyA, keyB, target := a.bucket(), a.key(), a.key(), a.key()
	if err := a.s3.EnableVersioning(a.ctx(), bucket); err != nil {
		t.Fatal(err)
	}
	expires := time.Now().Add(30 * 24 * time.Hour).UTC().Truncate(time.Second)
	old := time.Now().Add(-60 * 24 * time.Hour)
	pii := map[string]string{"class": "pii"}
	a.previewWrite(bucket,
		// In scope (prefix p/, modified in the last 30 days):
		previewPut{name: "p/a1", kmsKey: keyA, size: 100, tags: pii},
		previewPut{name: "p/a2", kmsKey: keyA, size: 100},
		previewPut{name: "p/exp", kmsKey: keyA, size: 100, expires: expires},
		previewPut{name: "p/gone", kmsKey: keyA, size: 100, remove: true},
		previewPut{name: "p/b", kmsKey: keyB, size: 200},
		previewPut{name: "p/b", kmsKey: keyB, size: 200, tags: pii}, // a second version
		previewPut{name: "p/s3", sseS3: true, size: 300, tags: pii},
		// Plaintext: in scope, but the job skips it, so its tag and
		// Expires header are not counted.
		previewPut{name: "p/plain", size: 400, tags: pii, expires: expires},
		// Out of scope: too old for the filter, outside the prefix.
		previewPut{name: "p/old", kmsKey: keyA, size: 1000, tags: pii, expires: expires, mtime: old},
		previewPut{name: "q/out", kmsKey: keyA, size: 2000},
	)
	date := lifecycle.ExpirationDate{Time: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}
	rule := func(id, prefix string) lifecycle.Rule {
		return lifecycle.Rule{ID: id, Status: "Enabled", RuleFilter: lifecycle.Filter{Prefix: prefix},
			Expiration: lifecycle.Expiration{Days: 3650}}
	}
	disabled := rule("disabled-p", "p/")
	disabled.Status = "Disabled"
	byDate := rule("date-p", "p/")
	byDate.Expiration = lifecycle.Expiration{Date: date}
	noncurrent := lifecycle.Rule{ID: "noncurrent-all", Status: "Enabled",
		NoncurrentVersionExpiration: lifecycle.NoncurrentVersionExpiration{NoncurrentDays: 3650}}
	err := a.s3.SetBucketLifecycle(a.ctx(), bucket, &lifecycle.Configuration{Rules: []lifecycle.Rule{
		rule("expire-p", "p/"), noncurrent, rule("expire-p-sub", "p/sub/"), rule("expire-q", "q/"), disabled, byDate,
	}})
	if err != nil {
		t.Fatalf("setting the lifecycle configuration: %v", err)
	}

	const scope = `
  prefix = "p/"
  filter {
    newer_than = "30d"
  }
`
	preview := fmt.Sprintf(`
data "minio_keyrotate_preview" "p" {
  bucket        = %q
  count_expires = true
%s
  encryption {
    type = "sse-kms"
    key  = %q
  }
}

data "minio_keyrotate_preview" "bare" {
  bucket = %q
}
`, bucket, scope, target, bucket)
	rotation := func(lifecycleBlock string) string {
		return fmt.Sprintf(`
resource "minio_batch_keyrotate" "test" {
  bucket = %q
  # The preview counted the Expires header this rotation drops.
  drop_expires = true
%s
  encryption {
    type = "sse-kms"
    key  = %q
  }
%s
}
`, bucket, scope, target, lifecycleBlock)
	}

	var pendingBefore, sseS3Before int64
	capture := func(s *terraform.State) error {
		var err error
		if pendingBefore, err = stateInt(s, previewAddr, "pending"); err != nil {
			return err
		}
		sseS3Before, err = stateInt(s, previewAddr, "by_key.sse-s3.versions")
		return err
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: preview,
				ConfigStateChecks: []statecheck.StateCheck{
					previewValue(previewAddr, "versions", knownvalue.Int64Exact(8)),
					previewValue(previewAddr, "bytes", knownvalue.Int64Exact(4*100+2*200+300+400)),
					previewValue(previewAddr, "by_key", knownvalue.MapExact(map[string]knownvalue.Check{
						keyA: tallyOf(4, 400), keyB: tallyOf(2, 400),
						"sse-s3": tallyOf(1, 300), "sse-c": tallyOf(0, 0), "unencrypted": tallyOf(1, 400),
					})),
					previewValue(previewAddr, "pending", knownvalue.Int64Exact(6)),
					previewValue(previewAddr, "tagged_versions", knownvalue.Int64Exact(3)),
					previewValue(previewAddr, "deleted_objects", knownvalue.Int64Exact(1)),
					previewValue(previewAddr, "expires_headers", knownvalue.Int64Exact(1)),
					previewValue(previewAddr, "lifecycle_rules", knownvalue.Int64Exact(3)),

					// The whole bucket, no filter, no target, no HEADs.
					previewValue(previewBareAddr, "versions", knownvalue.Int64Exact(10)),
					previewValue(previewBareAddr, "bytes", knownvalue.Int64Exact(1500+1000+2000)),
					previewValue(previewBareAddr, "by_key", knownvalue.MapExact(map[string]knownvalue.Check{
						keyA: tallyOf(6, 3400), keyB: tallyOf(2, 400),
						"sse-s3": tallyOf(1, 300), "sse-c": tallyOf(0, 0), "unencrypted": tallyOf(1, 400),
					})),
					previewValue(previewBareAddr, "pending", knownvalue.Null()),
					previewValue(previewBareAddr, "tagged_versions", knownvalue.Int64Exact(4)),
					previewValue(previewBareAddr, "deleted_objects", knownvalue.Int64Exact(1)),
					previewValue(previewBareAddr, "expires_headers", knownvalue.Null()),
					previewValue(previewBareAddr, "lifecycle_rules", knownvalue.Int64Exact(4)),
				},
				Check: capture,
			},
			{
				// The example's gate: no rotation without preservation
				// while an object in scope is deleted.
				Config: preview + rotation(`
  preserve_deleted = false
  lifecycle {
    precondition {
      condition     = data.minio_keyrotate_preview.p.deleted_objects == 0
      error_message = "${data.minio_keyrotate_preview.p.deleted_objects} deleted objects would reappear."
    }
  }`),
				ExpectError: regexp.MustCompile(`(?s)Resource precondition failed.*1 deleted objects would\s+reappear`),
			},
			{
				Config: preview + rotation(""),
				ConfigStateChecks: []statecheck.StateCheck{
					stateValue("status", knownvalue.StringExact("complete")),
					stateValue("objects_rotated", knownvalue.Int64Exact(7)),
				},
				Check: func(s *terraform.State) error {
					rotated, err := stateInt(s, rotateAddr, "objects_rotated")
					if err != nil {
						return err
					}
					if pendingBefore != rotated-sseS3Before {
						return fmt.Errorf("preview said %d versions pending (and %d SSE-S3), the job rotated %d objects; want pending = objects_rotated - SSE-S3 versions",
							pendingBefore, sseS3Before, rotated)
					}
					return nil
				},
			},
			{
				// Read again after the rotation: only the keys changed;
				// tags and the deletion were put back.
				Config: preview + rotation(""),
				ConfigStateChecks: []statecheck.StateCheck{
					previewValue(previewAddr, "versions", knownvalue.Int64Exact(8)),
					previewValue(previewAddr, "by_key", knownvalue.MapExact(map[string]knownvalue.Check{
						target:   tallyOf(6, 800),
						"sse-s3": tallyOf(1, 300), "sse-c": tallyOf(0, 0), "unencrypted": tallyOf(1, 400),
					})),
					previewValue(previewAddr, "pending", knownvalue.Int64Exact(0)),
					previewValue(previewAddr, "tagged_versions", knownvalue.Int64Exact(3)),
					previewValue(previewAddr, "deleted_objects", knownvalue.Int64Exact(1)),
					previewValue(previewAddr, "expires_headers", knownvalue.Int64Exact(0)),
					previewValue(previewAddr, "lifecycle_rules", knownvalue.Int64Exact(3)),
				},
			},
		},
	})
}

// TestAccKeyrotatePreview_invalidConfigurations: the filter and encryption
// blocks are checked as the resource's, at plan, on the argument.
func TestAccKeyrotatePreview_invalidConfigurations(t *testing.T) {
	newAcc(t)
	cases := []struct{ summary, where, body string }{
		{"Unsupported KMS Key Filter", at("kms_key", "filter.kms_key", "ignores the KMS key filter"),
			"filter {\n  kms_key = \"finance-2026-10\"\n}"},
		{"Invalid Duration", at("newer_than", "filter.newer_than", ""), "filter {\n  newer_than = \"7x\"\n}"},
		{"Invalid Timestamp", at("created_after", "filter.created_after", "RFC 3339"), "filter {\n  created_after = \"yesterday\"\n}"},
		{"Empty Age Window", at("older_than", "filter.older_than", "must be shorter than newer_than"),
			"filter {\n  newer_than = \"7d\"\n  older_than = \"30d\"\n}"},
		{"Conflicting Filters", blockLine("metadata") + `.*` + says("filter.metadata: metadata cannot be combined with tag"),
			"filter {\n" + kvBlocks("tag", "class", "pii") + kvBlocks("metadata", "dept", "fin") + "}"},
		{"Invalid Tag Key", at("key", "filter.tag[1].key", "can match no object tag"),
			"filter {\n" + kvBlocks("tag", "class", "pii", "bad#key", "x") + "}"},
		{"Missing Encryption Key", blockLine("encryption") + `.*` + says("encryption.key: key is required with type sse-kms"),
			"encryption {\n  type = \"sse-kms\"\n}"},
		{"Unexpected Encryption Key", at("key", "encryption.key", "only accepted with type sse-kms"),
			"encryption {\n  type = \"sse-s3\"\n  key  = \"k\"\n}"},
		{"Invalid Prefix", at("prefix", "prefix", "starts with '/'"), "prefix = \"/p\""},
		{"Unsupported block type", blockLine("tags") + `.*` + says(`Blocks of type "tags" are not expected here.`),
			"filter {\n" + kvBlocks("tags", "class", "pii") + "}"},
		{"Unsupported argument", line("context") + `.*` + says(`An argument named "context" is not expected here.`),
			"encryption {\n  type    = \"sse-kms\"\n  key     = \"k\"\n  context = { a = \"b\" }\n}"},
	}
	steps := make([]resource.TestStep, len(cases))
	for i, c := range cases {
		steps[i] = resource.TestStep{
			Config:      "data \"minio_keyrotate_preview\" \"bad\" {\n  bucket = \"finance\"\n" + c.body + "\n}\n",
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Error: ` + regexp.QuoteMeta(c.summary) + `.*` + c.where),
		}
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
}

// TestAccKeyrotatePreview_connectionAndBucketErrors: a missing bucket is an
// error on bucket; connection failures are named for what they are.
func TestAccKeyrotatePreview_connectionAndBucketErrors(t *testing.T) {
	a := newAcc(t)
	bucket := a.bucket()
	preview := func(b string) string {
		return fmt.Sprintf("data \"minio_keyrotate_preview\" \"p\" {\n  bucket = %q\n}\n", b)
	}
	closed := teststack.ClosedAddr(t)
	runDiagnosticCases(t, a, []diagnosticCase{
		{name: "missing bucket", config: preview(randomName("no-such-bucket-")),
			want: `Error: Bucket Not Found.*\d+:\s+bucket\s*=.*bucket: the server at \S+ has no bucket.*nothing to preview`},
		{name: "wrong secret key", provider: `secret_key = "not-the-secret-key-0123"`, config: preview(bucket),
			want: `Error: MinIO Refused The Credentials.*The preview was not read.*secret_key`},
		{name: "minio down", provider: fmt.Sprintf("endpoint = %q", closed), config: preview(bucket),
			want: `Error: Cannot Reach MinIO.*` + regexp.QuoteMeta(closed)},
	})
}

// The tests below need no server.

// TestPreviewSchemaMatchesResource: the filter block is the resource's,
// and every attribute is described.
func TestPreviewSchemaMatchesResource(t *testing.T) {
	ctx := context.Background()
	var ds datasource.SchemaResponse
	NewKeyrotatePreviewDataSource().Schema(ctx, datasource.SchemaRequest{}, &ds)
	var rs fwresource.SchemaResponse
	NewBatchKeyrotateResource().Schema(ctx, fwresource.SchemaRequest{}, &rs)
	if got, want := ds.Schema.Blocks["filter"].Type(), rs.Schema.Blocks["filter"].Type(); !got.Equal(want) {
		t.Errorf("filter block differs from the resource's:\n got %s\nwant %s", got, want)
	}
	var undescribed []string
	var walk func(prefix string, attrs map[string]dsschema.Attribute, blocks map[string]dsschema.Block)
	walk = func(prefix string, attrs map[string]dsschema.Attribute, blocks map[string]dsschema.Block) {
		for name, a := range attrs {
			if a.GetMarkdownDescription() == "" {
				undescribed = append(undescribed, prefix+name)
			}
			if n, ok := a.(dsschema.MapNestedAttribute); ok {
				walk(prefix+name+".", n.NestedObject.Attributes, nil)
			}
		}
		for name, b := range blocks {
			if b.GetMarkdownDescription() == "" {
				undescribed = append(undescribed, prefix+name)
			}
			switch b := b.(type) {
			case dsschema.SingleNestedBlock:
				walk(prefix+name+".", b.Attributes, b.Blocks)
			case dsschema.ListNestedBlock:
				walk(prefix+name+".", b.NestedObject.Attributes, b.NestedObject.Blocks)
			}
		}
	}
	walk("", ds.Schema.Attributes, ds.Schema.Blocks)
	if ds.Schema.MarkdownDescription == "" {
		undescribed = append(undescribed, "(data source)")
	}
	if len(undescribed) > 0 {
		t.Errorf("attributes without a description: %v", undescribed)
	}
}

func TestPreviewByKeyNameClash(t *testing.T) {
	res := &scan.Result{
		KMS:   map[string]scan.Tally{"unencrypted": {Versions: 2, Bytes: 20}, "k1": {Versions: 1, Bytes: 5}},
		SSES3: scan.Tally{Versions: 3, Bytes: 30}, Unencrypted: scan.Tally{Versions: 4, Bytes: 40},
	}
	m, diags := byKeyValue(res)
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("want one warning, got %v", diags)
	}
	got := map[string]string{}
	for k, v := range m.Elements() {
		got[k] = v.String()
	}
	want := map[string]string{
		"k1":          `{"bytes":5,"versions":1}`,
		"sse-c":       `{"bytes":0,"versions":0}`,
		"sse-s3":      `{"bytes":30,"versions":3}`,
		"unencrypted": `{"bytes":60,"versions":6}`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("by_key = %v, want %v", got, want)
	}
}

// TestAccKeyrotatePreview_scopeInPlanJSON: the plan of a new rotation
// carries the size of its work where a policy reads it, in the preview
// read beside it: versions and bytes in scope, and the versions per key
// still pending. Where the scope is known only at apply (a bucket named by
// a resource the same plan creates), the plan shows the read as deferred
// and its counts unknown, never as counts of something else.
func TestAccKeyrotatePreview_scopeInPlanJSON(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey, newKey := a.bucket(), a.key(), a.key()
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("s-", 5), KMSKey: oldKey})
	preview := func(bucketExpr string) string {
		return fmt.Sprintf(`data "minio_keyrotate_preview" "scope" {
  bucket = %s
  encryption {
    type = "sse-kms"
    key  = %q
  }
}
`, bucketExpr, newKey)
	}
	w := newCLIWorkspace(t, a, map[string]string{"main.tf": rotateConfig(bucket, newKey, "") + preview(fmt.Sprintf("%q", bucket))})
	w.must(0, "plan", "-input=false", "-out=known.tfplan")
	var known struct {
		PriorState struct {
			Values struct {
				RootModule struct {
					Resources []struct {
						Address string `json:"address"`
						Values  struct {
							Versions int64 `json:"versions"`
							Bytes    int64 `json:"bytes"`
							Pending  int64 `json:"pending"`
							ByKey    map[string]struct {
								Versions int64 `json:"versions"`
							} `json:"by_key"`
						} `json:"values"`
					} `json:"resources"`
				} `json:"root_module"`
			} `json:"values"`
		} `json:"prior_state"`
	}
	if err := json.Unmarshal([]byte(w.must(0, "show", "-json", "known.tfplan")), &known); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range known.PriorState.Values.RootModule.Resources {
		if r.Address != "data.minio_keyrotate_preview.scope" {
			continue
		}
		found = true
		if v := r.Values; v.Versions != 5 || v.Bytes <= 0 || v.Pending != 5 || v.ByKey[oldKey].Versions != 5 {
			t.Errorf("the plan JSON's preview: %+v; want 5 versions, their bytes, 5 pending, all under %s", v, oldKey)
		}
	}
	if !found {
		t.Fatal("the plan JSON holds no preview read at plan")
	}

	// The bucket named through terraform_data is known only after apply.
	w.write("main.tf", "resource \"terraform_data\" \"bucket\" {\n  input = "+fmt.Sprintf("%q", bucket)+"\n}\n"+preview("terraform_data.bucket.output"))
	w.must(0, "plan", "-input=false", "-out=unknown.tfplan")
	var deferred struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions      []string       `json:"actions"`
				AfterUnknown map[string]any `json:"after_unknown"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(w.must(0, "show", "-json", "unknown.tfplan")), &deferred); err != nil {
		t.Fatal(err)
	}
	for _, rc := range deferred.ResourceChanges {
		if rc.Address == "data.minio_keyrotate_preview.scope" {
			if fmt.Sprint(rc.Change.Actions) != "[read]" || rc.Change.AfterUnknown["versions"] != true || rc.Change.AfterUnknown["pending"] != true {
				t.Errorf("a preview of a bucket known only after apply: actions %v, unknown %v; want a deferred read with unknown counts", rc.Change.Actions, rc.Change.AfterUnknown)
			}
			return
		}
	}
	t.Error("the plan JSON does not show the preview's read deferred to apply")
}
