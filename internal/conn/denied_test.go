package conn

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
)

func TestActionOf(t *testing.T) {
	for _, tc := range []struct{ method, url, want string }{
		{"POST", "/minio/admin/v3/start-job", "admin:StartBatchJob"},
		{"GET", "/minio/admin/v3/list-jobs?jobType=keyrotate", "admin:ListBatchJobs"},
		{"GET", "/minio/admin/v3/status-job?jobId=keyrotate-x:0", "admin:ListBatchJobs"},
		{"GET", "/minio/admin/v3/describe-job?jobId=keyrotate-x:0", "admin:DescribeBatchJob"},
		{"DELETE", "/minio/admin/v3/cancel-job?id=keyrotate-x:0", "admin:CancelBatchJob"},
		{"GET", "/minio/admin/v3/info", "admin:ServerInfo"},
		{"GET", "/minio/admin/v3/metrics?types=1", "admin:ServerInfo"},
		{"GET", "/minio/kms/v1/key/status?key-id=k", "kms:KeyStatus"},
		{"GET", "/minio/kms/v1/status", "kms:Status"},
		{"GET", "/minio/admin/v3/unknown", ""},
		{"GET", "/", "s3:ListAllMyBuckets"},
		{"HEAD", "/bkt", "s3:ListBucket"},
		{"HEAD", "/b/", "s3:ListBucket"},
		{"GET", "/b?versions=&metadata=true&prefix=p%2F", "s3:ListBucket"},
		{"GET", "/b?list-type=2", "s3:ListBucket"},
		{"GET", "/b?encryption=", "s3:GetEncryptionConfiguration"},
		{"PUT", "/b?encryption=", "s3:PutEncryptionConfiguration"},
		{"DELETE", "/b?encryption=", "s3:PutEncryptionConfiguration"},
		{"GET", "/b?lifecycle=", "s3:GetLifecycleConfiguration"},
		{"GET", "/b?versioning=", "s3:GetBucketVersioning"},
		{"GET", "/b?location=", "s3:GetBucketLocation"},
		{"HEAD", "/b/dir/o?versionId=v1", "s3:GetObject"},
		{"GET", "/b/o?tagging=&versionId=v1", "s3:GetObjectTagging"},
		{"PUT", "/b/o?tagging=&versionId=v1", "s3:PutObjectTagging"},
		{"DELETE", "/b/o", "s3:DeleteObject"},
		{"PUT", "/b/o", "s3:PutObject"},
		{"GET", "/b/o?retention=", ""},
	} {
		u, err := url.Parse(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := ActionOf(tc.method, u); got != tc.want {
			t.Errorf("ActionOf(%s %s) = %q, want %q", tc.method, tc.url, got, tc.want)
		}
	}
}

// s3Denied answers every request as MinIO does one its policy does not
// allow: an S3 XML error, or for HEAD only headers.
func s3Denied(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-amz-request-id", "17A0000000000000")
	if r.Method == http.MethodHead {
		w.Header().Set("x-minio-error-code", "AccessDenied")
		w.Header().Set("x-minio-error-desc", `"Access Denied."`)
		w.WriteHeader(http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<Error><Code>AccessDenied</Code><Message>Access Denied.</Message><Resource>/b</Resource><RequestId>17A0000000000000</RequestId></Error>`)
}

// TestDeniedTransport: the clients' denials name the action they needed,
// in the error text and for Explain, which says what needs it.
func TestDeniedTransport(t *testing.T) {
	denied := plainServer(t, s3Denied)
	r, problems := Settings{Endpoint: denied, AccessKey: "bot", SecretKey: testSecret, Region: "us-east-1"}.Resolve(env(nil))
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	c, err := r.S3()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, headErr := c.BucketExists(ctx, "bkt")
	_, tagErr := c.GetObjectTagging(ctx, "bkt", "o", minio.GetObjectTaggingOptions{VersionID: "v1"})
	for _, tc := range []struct {
		name   string
		err    error
		action string
	}{{"HEAD bucket", headErr, "s3:ListBucket"}, {"GET tagging", tagErr, "s3:GetObjectTagging"}} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil {
				t.Fatal("no error")
			}
			if got := DeniedAction(tc.err); got != tc.action {
				t.Errorf("DeniedAction(%v) = %q, want %q", tc.err, got, tc.action)
			}
			if !strings.Contains(tc.err.Error(), "Access Denied. (MinIO's policy must allow "+tc.action+" for this request.)") {
				t.Errorf("error %q does not name %s", tc.err, tc.action)
			}
			if minio.ToErrorResponse(tc.err).Code != "AccessDenied" {
				t.Errorf("code %q, want AccessDenied", minio.ToErrorResponse(tc.err).Code)
			}
			f, ok := r.Explain(tc.err)
			checkFailure(t, f, tc.err, "MinIO Denied The Request", "access_key", "does not allow "+tc.action+", which "+NeededBy(tc.action), "Add "+tc.action+` to the policy of "bot"`)
			if !ok {
				t.Error("not explained")
			}
		})
	}

	// Other 403s keep their own message.
	sig := plainServer(t, minioAdminError(http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match."))
	r2, _ := Settings{Endpoint: sig, AccessKey: "bot", SecretKey: testSecret}.Resolve(env(nil))
	adm, err := r2.Admin()
	if err != nil {
		t.Fatal(err)
	}
	_, err = adm.ServerInfo(ctx)
	if err == nil || strings.Contains(err.Error(), "policy must allow") || DeniedAction(err) != "" {
		t.Errorf("a refused signature reads %v (action %q): want MinIO's message alone", err, DeniedAction(err))
	}
}

type withheld struct{ action string }

func (w withheld) Error() string        { return "withheld" }
func (w withheld) DeniedAction() string { return w.action }

func TestDeniedActionOfActionDenier(t *testing.T) {
	err := fmt.Errorf("listing: %w", withheld{"s3:GetObject"})
	if got := DeniedAction(err); got != "s3:GetObject" {
		t.Errorf("DeniedAction = %q", got)
	}
	r, _ := Settings{Endpoint: "127.0.0.1:9000", AccessKey: "bot", SecretKey: testSecret}.Resolve(env(nil))
	f, ok := r.Explain(err)
	if !ok || f.Summary != "MinIO Denied The Request" || !strings.Contains(f.Detail, "does not allow s3:GetObject, which every listing") {
		t.Errorf("Explain = %+v, %v", f, ok)
	}
	if DeniedAction(errors.New("Access Denied.")) != "" {
		t.Error("a plain error names an action")
	}
}
