package provider

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/sse"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

const bucketEncAddr = "minio_bucket_encryption.test"

// bucketEncConfig is a minio_bucket_encryption "test"; key "" leaves the
// key out.
func bucketEncConfig(bucket, typ, key string) string {
	keyLine := ""
	if key != "" {
		keyLine = fmt.Sprintf("    key  = %q\n", key)
	}
	return fmt.Sprintf("resource \"minio_bucket_encryption\" \"test\" {\n  bucket = %q\n  encryption {\n    type = %q\n%s  }\n}\n", bucket, typ, keyLine)
}

func bucketEncState(attr string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue(bucketEncAddr, tfjsonpath.New(attr), v)
}

func bucketEncKeyState(typ string, key knownvalue.Check) []statecheck.StateCheck {
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(bucketEncAddr, tfjsonpath.New("encryption").AtMapKey("type"), knownvalue.StringExact(typ)),
		statecheck.ExpectKnownValue(bucketEncAddr, tfjsonpath.New("encryption").AtMapKey("key"), key),
	}
}

func bucketEncAction(a plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(bucketEncAddr, a)}}
}

// bucketEncDefault asks the server for bucket's default encryption: the
// key name, "sse-s3", or "none".
func (a *acc) bucketEncDefault(bucket string) (string, error) {
	cfg, err := a.s3.GetBucketEncryption(a.ctx(), bucket)
	switch {
	case minio.ToErrorResponse(err).Code == "ServerSideEncryptionConfigurationNotFoundError":
		return "none", nil
	case err != nil:
		return "", fmt.Errorf("reading the default encryption of %s: %w", bucket, err)
	case len(cfg.Rules) != 1:
		return "", fmt.Errorf("bucket %s has %d default encryption rules, want 1", bucket, len(cfg.Rules))
	}
	switch r := cfg.Rules[0].Apply; r.SSEAlgorithm {
	case "AES256":
		return "sse-s3", nil
	case "aws:kms":
		return strings.TrimPrefix(r.KmsMasterKeyID, "arn:aws:kms:"), nil
	default:
		return "", fmt.Errorf("bucket %s has default algorithm %q", bucket, r.SSEAlgorithm)
	}
}

func (a *acc) checkBucketEncDefault(bucket, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		got, err := a.bucketEncDefault(bucket)
		if err == nil && got != want {
			err = fmt.Errorf("bucket %s: default encryption %q on the server, want %q", bucket, got, want)
		}
		return err
	}
}

// mustBucketEncDefault fails the test unless the server holds want.
func (a *acc) mustBucketEncDefault(bucket, want string) {
	a.t.Helper()
	if err := a.checkBucketEncDefault(bucket, want)(nil); err != nil {
		a.t.Fatal(err)
	}
}

// sealedUnder reads an object's encryption from its headers: the key
// name, "sse-s3", or "none".
func sealedUnder(h http.Header) string {
	switch h.Get("X-Amz-Server-Side-Encryption") {
	case "AES256":
		return "sse-s3"
	case "aws:kms":
		return strings.TrimPrefix(h.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"), "arn:aws:kms:")
	}
	return "none"
}

// defaultSealed writes objects without encryption options, the way
// clients relying on the bucket default do, and remembers under which key
// each must stay.
type defaultSealed struct {
	a      *acc
	bucket string
	want   map[string]string
}

func (a *acc) defaultSealed(bucket string) *defaultSealed {
	return &defaultSealed{a: a, bucket: bucket, want: map[string]string{}}
}

// write puts a new object (PutObject without SSE options) and checks with
// StatObject that the server sealed it under key.
func (o *defaultSealed) write(key string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := o.a.ctx()
		name := randomName("written-")
		body := []byte("written after the default changed: " + name)
		if _, err := o.a.s3.PutObject(ctx, o.bucket, name, bytes.NewReader(body), int64(len(body)), minio.PutObjectOptions{}); err != nil {
			return fmt.Errorf("writing %s/%s: %w", o.bucket, name, err)
		}
		info, err := o.a.s3.StatObject(ctx, o.bucket, name, minio.StatObjectOptions{})
		if err != nil {
			return fmt.Errorf("stat %s/%s: %w", o.bucket, name, err)
		}
		if got := sealedUnder(info.Metadata); got != key {
			return fmt.Errorf("%s/%s written without SSE options is sealed under %q, want %q (headers %v)", o.bucket, name, got, key, info.Metadata)
		}
		o.want[name] = key
		return nil
	}
}

// kept checks that every object written so far is still under its key.
func (o *defaultSealed) kept() resource.TestCheckFunc { return o.a.checkObjects(o.bucket, o.want) }

// destroyed is CheckDestroy: the server has no default any more, and the
// objects keep their keys.
func (o *defaultSealed) destroyed() resource.TestCheckFunc {
	return resource.ComposeAggregateTestCheckFunc(o.a.checkBucketEncDefault(o.bucket, "none"), o.kept())
}

// TestAccBucketEncryption_lifecycle sets an SSE-KMS default, proves that
// objects written afterwards are sealed under its key, moves it to another
// key in place, imports it, moves it to SSE-S3, and destroys it: the
// server's default goes, each object keeps the key it was written under.
func TestAccBucketEncryption_lifecycle(t *testing.T) {
	a := newAcc(t)
	bucket, keyA, keyB := a.bucket(), a.key(), a.key()
	objects := a.defaultSealed(bucket)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             objects.destroyed(),
		Steps: []resource.TestStep{
			{
				Config:           bucketEncConfig(bucket, "sse-kms", keyA),
				ConfigPlanChecks: bucketEncAction(plancheck.ResourceActionCreate),
				ConfigStateChecks: append(bucketEncKeyState("sse-kms", knownvalue.StringExact(keyA)),
					bucketEncState("id", knownvalue.StringExact(bucket)),
					bucketEncState("bucket", knownvalue.StringExact(bucket))),
				Check: resource.ComposeTestCheckFunc(a.checkBucketEncDefault(bucket, keyA), objects.write(keyA)),
			},
			{
				Config:            bucketEncConfig(bucket, "sse-kms", keyB),
				ConfigPlanChecks:  bucketEncAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: append(bucketEncKeyState("sse-kms", knownvalue.StringExact(keyB)), bucketEncState("id", knownvalue.StringExact(bucket))),
				Check:             resource.ComposeTestCheckFunc(a.checkBucketEncDefault(bucket, keyB), objects.write(keyB), objects.kept()),
			},
			{ResourceName: bucketEncAddr, ImportState: true, ImportStateId: bucket, ImportStateVerify: true},
			{
				Config:            bucketEncConfig(bucket, "sse-s3", ""),
				ConfigPlanChecks:  bucketEncAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: bucketEncKeyState("sse-s3", knownvalue.Null()),
				Check:             resource.ComposeTestCheckFunc(a.checkBucketEncDefault(bucket, "sse-s3"), objects.write("sse-s3"), objects.kept()),
			},
			{ResourceName: bucketEncAddr, ImportState: true, ImportStateId: bucket, ImportStateVerify: true},
		},
	})
}

// TestAccBucketEncryption_sseS3 creates an SSE-S3 default directly.
func TestAccBucketEncryption_sseS3(t *testing.T) {
	a := newAcc(t)
	bucket := a.bucket()
	objects := a.defaultSealed(bucket)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             objects.destroyed(),
		Steps: []resource.TestStep{{
			Config:            bucketEncConfig(bucket, "sse-s3", ""),
			ConfigStateChecks: bucketEncKeyState("sse-s3", knownvalue.Null()),
			Check:             resource.ComposeTestCheckFunc(a.checkBucketEncDefault(bucket, "sse-s3"), objects.write("sse-s3")),
		}},
	})
}

// TestAccBucketEncryption_drift changes the default outside Terraform:
// a refresh records the server's key, the plan shows an update that puts
// the configured key back; a default removed outside Terraform is
// planned to be created again.
func TestAccBucketEncryption_drift(t *testing.T) {
	a := newAcc(t)
	bucket, keyA, keyB := a.bucket(), a.key(), a.key()
	objects := a.defaultSealed(bucket)
	config := bucketEncConfig(bucket, "sse-kms", keyA)
	outOfBand := func(cfg *sse.Configuration) func() {
		return func() {
			var err error
			if cfg == nil {
				err = a.s3.RemoveBucketEncryption(a.ctx(), bucket)
			} else {
				err = a.s3.SetBucketEncryption(a.ctx(), bucket, cfg)
			}
			if err != nil {
				t.Fatalf("changing the default of %s outside Terraform: %v", bucket, err)
			}
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             objects.destroyed(),
		Steps: []resource.TestStep{
			{Config: config, Check: a.checkBucketEncDefault(bucket, keyA)},
			// The refreshed state holds the server's key; the plan after
			// it is not empty.
			{
				PreConfig:          outOfBand(sse.NewConfigurationSSEKMS(keyB)),
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(bucketEncAddr, "encryption.type", "sse-kms"),
					resource.TestCheckResourceAttr(bucketEncAddr, "encryption.key", keyB),
					objects.write(keyB)),
			},
			{
				Config:           config,
				ConfigPlanChecks: bucketEncAction(plancheck.ResourceActionUpdate),
				Check:            resource.ComposeTestCheckFunc(a.checkBucketEncDefault(bucket, keyA), objects.write(keyA), objects.kept()),
			},
			// Another type, set outside Terraform: an update as well.
			{
				PreConfig:        outOfBand(sse.NewConfigurationSSES3()),
				Config:           config,
				ConfigPlanChecks: bucketEncAction(plancheck.ResourceActionUpdate),
				Check:            a.checkBucketEncDefault(bucket, keyA),
			},
			// Removed outside Terraform: dropped from state, created again.
			{
				PreConfig:        outOfBand(nil),
				Config:           config,
				ConfigPlanChecks: bucketEncAction(plancheck.ResourceActionCreate),
				Check:            resource.ComposeTestCheckFunc(a.checkBucketEncDefault(bucket, keyA), objects.write(keyA)),
			},
		},
	})
}

// bucketEncInvalid is a resource body refused before apply: summary, then
// where (the configuration line the CLI shows, the argument named in the
// detail).
type bucketEncInvalid struct{ summary, where, body string }

var bucketEncInvalidCases = []bucketEncInvalid{
	{"Missing Encryption Block", says(`A bucket's default encryption needs the encryption new objects get.`), `bucket = "finance"`},
	{"Missing Encryption Key", blockLine("encryption") + `.*` + says("encryption.key: ") + `.*` + says(`key is required with type sse-kms`),
		"bucket = \"finance\"\nencryption {\n  type = \"sse-kms\"\n}"},
	{"Unexpected Encryption Key", at("key", "encryption.key", `key is only accepted with type sse-kms`),
		"bucket = \"finance\"\nencryption {\n  type = \"sse-s3\"\n  key  = \"finance-2026-11\"\n}"},
	{"Invalid Encryption Key Name", at("key", "encryption.key", `is not a valid KMS key name`),
		"bucket = \"finance\"\nencryption {\n  type = \"sse-kms\"\n  key  = \"finance key\"\n}"},
	{"Invalid Encryption Key Name", at("key", "encryption.key", `is not a valid KMS key name`),
		"bucket = \"finance\"\nencryption {\n  type = \"sse-kms\"\n  key  = \"arn:aws:kms:finance\"\n}"},
	{"Invalid Encryption Type", at("type", "encryption.type", `type "aes" is not supported`),
		"bucket = \"finance\"\nencryption {\n  type = \"aes\"\n}"},
	{"Missing Encryption Type", blockLine("encryption") + `.*` + says(`encryption.type: type is required: "sse-s3" or "sse-kms".`),
		"bucket = \"finance\"\nencryption {\n  key = \"k1\"\n}"},
	{"Invalid Bucket Name", line("bucket") + `.*` + says(`bucket: "Finance_Data" is not a valid bucket name`),
		"bucket = \"Finance_Data\"\nencryption {\n  type = \"sse-s3\"\n}"},
	{"Unsupported argument", line("context") + `.*` + unsupported("context"),
		"bucket = \"finance\"\nencryption {\n  type = \"sse-kms\"\n  key  = \"k1\"\n  context = { dept = \"finance\" }\n}"},
	{"Unsupported argument", line("prefix") + `.*` + unsupported("prefix"),
		"bucket = \"finance\"\nprefix = \"2024/\"\nencryption {\n  type = \"sse-s3\"\n}"},
}

// TestAccBucketEncryption_invalidConfigurations refuses each invalid
// configuration at plan, on the argument that is wrong, with the
// rotation's rules and words.
func TestAccBucketEncryption_invalidConfigurations(t *testing.T) {
	newAcc(t)
	steps := make([]resource.TestStep, len(bucketEncInvalidCases))
	for i, c := range bucketEncInvalidCases {
		steps[i] = resource.TestStep{
			Config:      "resource \"minio_bucket_encryption\" \"bad\" {\n" + c.body + "\n}\n",
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)Error: ` + regexp.QuoteMeta(c.summary) + `.*` + c.where),
		}
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: protoV6ProviderFactories, Steps: steps})
}

// TestAccBucketEncryption_keyNotUsable refuses a key that does not exist,
// at create and at update, before anything changes on the server.
func TestAccBucketEncryption_keyNotUsable(t *testing.T) {
	a := newAcc(t)
	bucket, key, missing := a.bucket(), a.key(), randomName("key-missing-")
	refused := regexp.MustCompile(`(?s)Error: Target Key Not Usable.*` + line("key") + `.*` +
		says(fmt.Sprintf(`encryption.key: The default encryption of bucket %q was not changed. MinIO cannot use key %q.`, bucket, missing)) +
		`.*` + says("minio_kes_key") + `.*` + says(`key "`+missing+`" is not usable`))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             a.checkBucketEncDefault(bucket, "none"),
		Steps: []resource.TestStep{
			{Config: bucketEncConfig(bucket, "sse-kms", missing), ExpectError: refused},
			{
				PreConfig: func() { a.mustBucketEncDefault(bucket, "none") },
				Config:    bucketEncConfig(bucket, "sse-kms", key),
				Check:     a.checkBucketEncDefault(bucket, key),
			},
			{Config: bucketEncConfig(bucket, "sse-kms", missing), ExpectError: refused},
			{
				PreConfig:        func() { a.mustBucketEncDefault(bucket, key) },
				Config:           bucketEncConfig(bucket, "sse-kms", key),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccBucketEncryption_missingBucket refuses a bucket that does not
// exist, on bucket, and an import of a bucket without a default.
func TestAccBucketEncryption_missingBucket(t *testing.T) {
	a := newAcc(t)
	missing, plain := randomName("t-missing-"), a.bucket()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: bucketEncConfig(missing, "sse-s3", ""),
				ExpectError: regexp.MustCompile(`(?s)Error: Bucket Not Found.*` + line("bucket") + `.*` +
					says(fmt.Sprintf(`has no bucket %q. The default encryption of bucket %q was not changed. Create the bucket first`, missing, missing))),
			},
			{
				// An import block, not an import step: OpenTofu's import step
				// in a fresh directory cannot resolve this provider.
				Config:      fmt.Sprintf("import {\n  to = %s\n  id = %q\n}\n", bucketEncAddr, plain) + bucketEncConfig(plain, "sse-s3", ""),
				ExpectError: regexp.MustCompile(`(?s)Error: Bucket Has No Default Encryption.*` + says(fmt.Sprintf(`Bucket %q has no default encryption`, plain))),
			},
		},
	})
	a.mustBucketEncDefault(plain, "none")
}

// withRotationConfig is a bucket default and a rotation to the test key.
func withRotationConfig(bucket string) string {
	return fmt.Sprintf(`
resource "minio_bucket_encryption" "test" {
  bucket = %[1]q
  encryption {
    type = "sse-kms"
    key  = minio_kes_key.test.name
  }
}

resource "minio_batch_keyrotate" "test" {
  bucket = %[1]q
  encryption {
    type = "sse-kms"
    key  = minio_kes_key.test.name
  }
}`, bucket)
}

// TestAccBucketEncryption_withRotation creates a key, rotates a bucket to
// it and points the bucket's default at it in one apply, through
// references: the objects that were there and the objects written
// afterwards are all under the new key.
func TestAccBucketEncryption_withRotation(t *testing.T) {
	a := newAcc(t)
	bucket, oldKey, newKey := a.bucket(), a.key(), randomName("tf-next-")
	names := inventory.Names("o-", 20)
	a.put(inventory.Seed{Bucket: bucket, Names: names, KMSKey: oldKey})
	objects := a.defaultSealed(bucket)
	for _, n := range names {
		objects.want[n] = newKey
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: kesKeyConfig(newKey, "allow_destroy = true") + withRotationConfig(bucket),
			ConfigStateChecks: append(bucketEncKeyState("sse-kms", knownvalue.StringExact(newKey)),
				stateValue("objects_rotated", knownvalue.Int64Exact(int64(len(names))))),
			Check: resource.ComposeTestCheckFunc(a.checkBucketEncDefault(bucket, newKey), objects.kept(), objects.write(newKey)),
		}, {
			// The key seals the objects: the destroy at the end retires it
			// only once they are gone.
			PreConfig: func() { a.emptyBucket(bucket) },
			Config:    kesKeyConfig(newKey, "allow_destroy = true") + withRotationConfig(bucket),
		}},
	})
}

// TestBucketEncryptionObject maps the server's configuration onto the
// encryption block, without MinIO's ARN prefix.
func TestBucketEncryptionObject(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cfg      *sse.Configuration
		typ, key types.String
	}{
		{"sse-kms", sse.NewConfigurationSSEKMS("k1"), types.StringValue("sse-kms"), types.StringValue("k1")},
		{"sse-kms with ARN", sse.NewConfigurationSSEKMS("arn:aws:kms:k1"), types.StringValue("sse-kms"), types.StringValue("k1")},
		{"sse-s3", sse.NewConfigurationSSES3(), types.StringValue("sse-s3"), types.StringNull()},
		{"unknown algorithm", &sse.Configuration{Rules: []sse.Rule{{Apply: sse.ApplySSEByDefault{SSEAlgorithm: "aws:kms:dsse", KmsMasterKeyID: "k2"}}}},
			types.StringValue("aws:kms:dsse"), types.StringValue("k2")},
		{"no rule", &sse.Configuration{}, types.StringNull(), types.StringNull()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, d := bucketEncryptionObject(tc.cfg)
			if d.HasError() {
				t.Fatal(d)
			}
			if got := o.Attributes(); !got["type"].Equal(tc.typ) || !got["key"].Equal(tc.key) {
				t.Fatalf("got %v, want type %v key %v", got, tc.typ, tc.key)
			}
		})
	}
}

// TestBucketEncryptionValidate applies the rotation's rules to the block,
// and waits for apply where a value is not yet known.
func TestBucketEncryptionValidate(t *testing.T) {
	block := func(typ, key types.String) types.Object {
		return types.ObjectValueMust(bucketEncryptionAttrTypes, map[string]attr.Value{"type": typ, "key": key})
	}
	s := types.StringValue
	for _, tc := range []struct {
		name       string
		bucket     types.String
		encryption types.Object
		want       []string // "path: summary"
	}{
		{"sse-kms", s("finance"), block(s("sse-kms"), s("k1")), nil},
		{"sse-s3", s("finance"), block(s("sse-s3"), types.StringNull()), nil},
		{"no block", s("finance"), types.ObjectNull(bucketEncryptionAttrTypes), []string{"encryption: Missing Encryption Block"}},
		{"sse-kms without key", s("finance"), block(s("sse-kms"), types.StringNull()), []string{"encryption.key: Missing Encryption Key"}},
		{"sse-s3 with key", s("finance"), block(s("sse-s3"), s("k1")), []string{"encryption.key: Unexpected Encryption Key"}},
		{"bad key and bucket", s("Finance"), block(s("sse-kms"), s("a.b")),
			[]string{"bucket: Invalid Bucket Name", "encryption.key: Invalid Encryption Key Name"}},
		{"key not yet known", s("finance"), block(s("sse-kms"), types.StringUnknown()), nil},
		{"block not yet known", s("finance"), types.ObjectUnknown(bucketEncryptionAttrTypes), nil},
		{"bucket not yet known", types.StringUnknown(), block(s("sse-s3"), s("k1")), []string{"encryption.key: Unexpected Encryption Key"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := bucketEncryptionModel{Bucket: tc.bucket, Encryption: tc.encryption}
			_, diags := m.validate(context.Background())
			var got []string
			for _, d := range diags {
				p := ""
				if wp, ok := d.(diag.DiagnosticWithPath); ok {
					p = wp.Path().String()
				}
				got = append(got, p+": "+d.Summary())
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}
