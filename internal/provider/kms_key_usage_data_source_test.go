package provider

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"
	"github.com/minio/minio-go/v7/pkg/sse"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/usage"
)

// usageWrite writes one version of name in bucket, sealed under kmsKey
// (empty: no encryption header, so the bucket default applies).
func (a *acc) usageWrite(bucket, name, kmsKey string, size int) {
	a.t.Helper()
	var opts minio.PutObjectOptions
	if kmsKey != "" {
		s, err := encrypt.NewSSEKMS(kmsKey, nil)
		if err != nil {
			a.t.Fatal(err)
		}
		opts.ServerSideEncryption = s
	}
	data := make([]byte, size)
	rand.Read(data)
	if _, err := a.s3.PutObject(a.ctx(), bucket, name, bytes.NewReader(data), int64(size), opts); err != nil {
		a.t.Fatalf("writing %s/%s: %v", bucket, name, err)
	}
}

func (a *acc) usageVersioned(bucket string) {
	a.t.Helper()
	if err := a.s3.EnableVersioning(a.ctx(), bucket); err != nil {
		a.t.Fatalf("enabling versioning on %s: %v", bucket, err)
	}
}

func (a *acc) usageRemove(bucket, name string) {
	a.t.Helper()
	if err := a.s3.RemoveObject(a.ctx(), bucket, name, minio.RemoveObjectOptions{}); err != nil {
		a.t.Fatalf("deleting %s/%s: %v", bucket, name, err)
	}
}

func (a *acc) usageDefault(bucket, key string) {
	a.t.Helper()
	if err := a.s3.SetBucketEncryption(a.ctx(), bucket, sse.NewConfigurationSSEKMS(key)); err != nil {
		a.t.Fatalf("setting the default encryption of %s to %s: %v", bucket, key, err)
	}
}

// bucketCount is the number of buckets the server has now, for
// buckets_scanned.
func (a *acc) bucketCount() knownvalue.Check {
	return knownvalue.Int64Func(func(v int64) error {
		list, err := a.s3.ListBuckets(a.ctx())
		if err != nil {
			return err
		}
		if int64(len(list)) != v {
			return fmt.Errorf("buckets_scanned %d, but the server has %d buckets", v, len(list))
		}
		return nil
	})
}

func usageBucket(bucket string, versions, bytes int64, defaultNamesKey bool) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"bucket": knownvalue.StringExact(bucket), "versions": knownvalue.Int64Exact(versions),
		"bytes": knownvalue.Int64Exact(bytes), "default_names_key": knownvalue.Bool(defaultNamesKey),
	})
}

func usageConfig(name, key, extra string) string {
	return fmt.Sprintf(`
data "minio_kms_key_usage" %q {
  key = %q
  %s
}
`, name, key, extra)
}

func usageValue(name, attr string, v knownvalue.Check) statecheck.StateCheck {
	return statecheck.ExpectKnownValue("data.minio_kms_key_usage."+name, tfjsonpath.New(attr), v)
}

// TestAccKMSKeyUsage_counts: a key used by three versions of a versioned
// bucket (two of them under a delete marker now) and as the default of
// another bucket, where an object written without encryption lands under
// it. A third bucket uses another key by object and by default. The data
// source reports both buckets with their exact counts and the default
// flag; an unused key reports nothing; MinIO's default key is flagged.
func TestAccKMSKeyUsage_counts(t *testing.T) {
	a := newAcc(t)
	key, other := a.key(), a.key()
	objects, byDefault, elsewhere := a.bucket(), a.bucket(), a.bucket()
	a.usageVersioned(objects)
	a.usageWrite(objects, "doc", key, 100)
	a.usageWrite(objects, "doc", key, 150)
	a.usageRemove(objects, "doc")
	a.usageWrite(objects, "img", key, 7)
	a.usageWrite(objects, "other", other, 1000)
	a.usageWrite(objects, "plain", "", 1000)
	a.usageDefault(byDefault, key)
	a.usageWrite(byDefault, "late", "", 30)
	a.usageDefault(elsewhere, other)
	a.usageWrite(elsewhere, "x", "", 10)

	buckets := []knownvalue.Check{usageBucket(objects, 3, 257, false), usageBucket(byDefault, 1, 30, true)}
	if byDefault < objects {
		slices.Reverse(buckets)
	}
	unused := randomName("never-used-")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: usageConfig("used", key, "") + usageConfig("unused", unused, "") + usageConfig("minio", a.stack.DefaultKey, ""),
			ConfigStateChecks: []statecheck.StateCheck{
				usageValue("used", "buckets", knownvalue.ListExact(buckets)),
				usageValue("used", "versions", knownvalue.Int64Exact(4)),
				usageValue("used", "bytes", knownvalue.Int64Exact(287)),
				usageValue("used", "buckets_scanned", a.bucketCount()),
				usageValue("used", "minio_default_key", knownvalue.Bool(false)),
				usageValue("unused", "buckets", knownvalue.ListSizeExact(0)),
				usageValue("unused", "versions", knownvalue.Int64Exact(0)),
				usageValue("unused", "bytes", knownvalue.Int64Exact(0)),
				usageValue("unused", "buckets_scanned", a.bucketCount()),
				usageValue("unused", "minio_default_key", knownvalue.Bool(false)),
				usageValue("minio", "minio_default_key", knownvalue.Bool(true)),
			},
		}},
	})
}

// TestAccKMSKeyUsage_postcondition: the intended use, a condition that
// stops the run while the key still seals something, with the counts in
// the message.
func TestAccKMSKeyUsage_postcondition(t *testing.T) {
	a := newAcc(t)
	key, bucket := a.key(), a.bucket()
	a.usageWrite(bucket, "a", key, 10)
	a.usageWrite(bucket, "b", key, 10)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: usageConfig("k", key, `
  lifecycle {
    postcondition {
      condition     = self.versions == 0
      error_message = "still sealing ${self.versions} versions in ${join(",", [for b in self.buckets : b.bucket])}"
    }
  }`),
			ExpectError: regexp.MustCompile(`(?s)Resource postcondition failed.*` + says(fmt.Sprintf("still sealing 2 versions in %s", bucket))),
		}},
	})
}

// TestKMSKeyUsage_invalidKey refuses a name KES would refuse, at
// validate time, with the rule.
func TestKMSKeyUsage_invalidKey(t *testing.T) {
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      usageConfig("bad", "no spaces/allowed", ""),
			ExpectError: regexp.MustCompile(`(?s)Invalid KES Key Name.*` + says(`"no spaces/allowed" is not a name KES accepts`)),
		}},
	})
}

// TestKeyInUseDetail pins the refusal's wording: every bucket with its
// count and samples (at most 10 buckets), what to do, and what was
// checked.
func TestKeyInUseDetail(t *testing.T) {
	r := usage.Report{Key: "k", Versions: 5, Bytes: 50, BucketsScanned: 14, VersionsSeen: 900}
	r.Buckets = append(r.Buckets, usage.Bucket{Name: "a", DefaultNamesKey: true})
	for i := range 11 {
		r.Buckets = append(r.Buckets, usage.Bucket{Name: fmt.Sprintf("b%02d", i), Versions: 1, Bytes: 10})
	}
	r.Buckets[1].Samples = []scan.VersionRef{{Name: "o1", VersionID: "v1", KMSKey: "k"}, {Name: "o2", VersionID: "v2", KMSKey: "k"}}
	r.Buckets[2].Samples = []scan.VersionRef{{Name: "unversioned", VersionID: "null", KMSKey: "k"}}
	r.Versions = 11
	got := keyInUseDetail(r)
	want := `Key "k" was not deleted: deleting it would make what is sealed under it unreadable for good. ` +
		`11 object versions (50 bytes) in 11 buckets are sealed under it; 1 bucket names it as its default encryption:
  - bucket "a": its default encryption names the key
  - bucket "b00": 1 version (10 bytes), such as "o1" (version v1), "o2" (version v2)
  - bucket "b01": 1 version (10 bytes), such as "unversioned"
  - bucket "b02": 1 version (10 bytes)
  - bucket "b03": 1 version (10 bytes)
  - bucket "b04": 1 version (10 bytes)
  - bucket "b05": 1 version (10 bytes)
  - bucket "b06": 1 version (10 bytes)
  - bucket "b07": 1 version (10 bytes)
  - bucket "b08": 1 version (10 bytes)
  - and 2 more buckets (2 versions)

To retire the key: rotate those versions to another key with minio_batch_keyrotate (one per bucket, with encryption { type = "sse-kms", key = "NEW-KEY" }), ` +
		"then point those buckets' default encryption at another key with minio_bucket_encryption (or `mc encrypt set sse-kms NEW-KEY ALIAS/BUCKET`), " +
		`then destroy again. The check listed every version of the 14 buckets the credentials can list (900 listing entries).`
	if got != want {
		t.Errorf("detail:\n%s\n\nwant:\n%s", got, want)
	}
}

// TestKeyInUseDetailServerDefault: MinIO's default key is refused for what
// it is, with its own advice, even when no bucket names it.
func TestKeyInUseDetailServerDefault(t *testing.T) {
	got := keyInUseDetail(usage.Report{Key: "minio-default-key", ServerDefault: true, BucketsScanned: 1, VersionsSeen: 1,
		Buckets: []usage.Bucket{{Name: "a", Versions: 1, Bytes: 1}}, Versions: 1, Bytes: 1})
	want := `Key "minio-default-key" was not deleted: deleting it would make what is sealed under it unreadable for good. ` +
		`1 object version (1 byte) in 1 bucket is sealed under it; it is MinIO's KMS default key:
  - MinIO's KMS default key: SSE-S3 objects and MinIO's own encrypted configuration depend on it
  - bucket "a": 1 version (1 byte)

To retire the key: rotate those versions to another key with minio_batch_keyrotate (one per bucket, with encryption { type = "sse-kms", key = "NEW-KEY" }), ` +
		`then point MinIO at another default key (MINIO_KMS_KES_KEY_NAME) and rotate its SSE-S3 objects; even then the provider does not delete the key it finds ` +
		`in use as MinIO's default, and SSE-S3 objects written before the change stay sealed under it, which no listing can tell: retire such a key by hand, if ever, ` +
		`then destroy again. The check listed every version of the 1 bucket the credentials can list (1 listing entry).`
	if got != want {
		t.Errorf("detail:\n%s\n\nwant:\n%s", got, want)
	}
}

// TestKeyUsageFailure: a check that did not finish says where it stopped,
// why, what to change, and what it had already found.
func TestKeyUsageFailure(t *testing.T) {
	denied := minio.ErrorResponse{Code: "AccessDenied", Message: "Access Denied.", StatusCode: 403}
	partial := usage.Report{Key: "k", Buckets: []usage.Bucket{{Name: "a", Versions: 2, Bytes: 20}}, Versions: 2, Bytes: 20, BucketsScanned: 1, VersionsSeen: 1500}
	for _, tt := range []struct {
		name    string
		err     error
		summary string
		detail  string
	}{
		{
			name:    "timeout",
			err:     &usage.Error{Bucket: "b", Doing: "listing the versions", BucketsDone: 1, BucketsTotal: 3, Err: context.DeadlineExceeded},
			summary: "Key Usage Check Timed Out",
			detail: `NOT DONE. The check lists every version of every bucket and ran out of time while listing the versions of bucket "b", ` +
				`after 1 of 3 buckets (1500 versions listed). RAISE IT.

Before it stopped, the check had already found:
  - bucket "a": 2 versions (20 bytes)

bucket "b" (1 of 3 buckets scanned): listing the versions: context deadline exceeded`,
		},
		{
			name:    "access denied",
			err:     &usage.Error{Bucket: "b", Doing: "listing the versions", BucketsDone: 1, BucketsTotal: 3, Err: denied},
			summary: "Cannot Check Key Usage",
			detail: `NOT DONE. MinIO denied the provider's credentials listing the versions of bucket "b", after 1 of 3 buckets (1500 versions listed). ` +
				`The check must read every bucket the credentials can list, or it cannot tell what is sealed under "k": allow s3:ListBucket, ` +
				`s3:ListBucketVersions and s3:GetEncryptionConfiguration on every bucket (and s3:ListAllMyBuckets), or use credentials that may.

Before it stopped, the check had already found:
  - bucket "a": 2 versions (20 bytes)

bucket "b" (1 of 3 buckets scanned): listing the versions: Access Denied.`,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var diags diag.Diagnostics
			(&clients{}).keyUsageFailure("k", partial, tt.err, "NOT DONE.", "RAISE IT.", &diags)
			if len(diags) != 1 || diags[0].Summary() != tt.summary || diags[0].Detail() != tt.detail {
				t.Fatalf("diagnostics %v\n\nwant %s:\n%s", diags, tt.summary, tt.detail)
			}
		})
	}
}
