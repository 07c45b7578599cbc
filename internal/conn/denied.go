package conn

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"
)

// MinIO answers a request its policy does not allow with "Access Denied."
// and nothing else: neither the action it checked nor the resource. Both
// clients the provider builds send their requests through deniedTransport,
// which looks the action up by the request (MinIO's own routing, see
// ActionOf) and writes it into the answer's message, so that every error
// built from it names the action, wherever it is reported: the provider's
// diagnostics, logs, and messages of code that only passes the error on.
// Explain reads it back (DeniedAction) to word a denial by the action and
// the features that need it.

// ActionDenier is an error that knows which policy action was missing:
// scan's errors for what MinIO leaves out of a listing instead of refusing
// it implement it.
type ActionDenier interface {
	error
	DeniedAction() string
}

// deniedNote is what deniedTransport appends to MinIO's message;
// deniedNoteRE reads the action back.
const deniedNote = " (MinIO's policy must allow %s for this request.)"

var deniedNoteRE = regexp.MustCompile(`\(MinIO's policy must allow ([a-z0-9]+:[A-Za-z0-9*]+) for this request\.\)`)

// DeniedAction is the policy action err says was missing: from an
// ActionDenier, else from the note deniedTransport wrote into MinIO's
// AccessDenied answer. "" when err says neither.
func DeniedAction(err error) string {
	var d ActionDenier
	if errors.As(err, &d) {
		return d.DeniedAction()
	}
	msg := ""
	var adm madmin.ErrorResponse
	var s3 minio.ErrorResponse
	switch {
	case errors.As(err, &adm) && adm.Code == "AccessDenied":
		msg = adm.Message
	case errors.As(err, &s3) && s3.Code == "AccessDenied":
		msg = s3.Message
	default:
		return ""
	}
	if m := deniedNoteRE.FindStringSubmatch(msg); m != nil {
		return m[1]
	}
	return ""
}

// deniedTransport names the missing action in MinIO's AccessDenied answers
// (HTTP 403): in the message of the body (JSON for the admin and KMS APIs,
// XML for S3), or, for HEAD requests, which have no body, in the
// x-minio-error-desc header minio-go takes the message from. Answers it
// cannot map, or that are no AccessDenied, pass unchanged.
type deniedTransport struct{ http.RoundTripper }

func (t deniedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.RoundTripper.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusForbidden {
		return resp, err
	}
	action := ActionOf(req.Method, req.URL)
	if action == "" {
		return resp, nil
	}
	note := fmt.Sprintf(deniedNote, action)
	if req.Method == http.MethodHead {
		if code := resp.Header.Get("x-minio-error-code"); code == "" || code == "AccessDenied" {
			desc := strings.Trim(resp.Header.Get("x-minio-error-desc"), `"`)
			if desc == "" {
				desc = "Access Denied."
			}
			resp.Header.Set("x-minio-error-desc", `"`+desc+note+`"`)
		}
		return resp, nil
	}
	if resp.Body == nil {
		return resp, nil
	}
	// Error bodies are small; madmin reads at most 100 KiB of them. A body
	// cut short is passed on as read, for the client to fail on.
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if rerr == nil && bytes.Contains(body, []byte("AccessDenied")) {
		body = bytes.Replace(body, []byte("Access Denied."), []byte("Access Denied."+note), 1)
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	return resp, nil
}

// ActionOf is the policy action MinIO checks for a request of the provider
// (cmd/admin-router.go, cmd/kms-router.go and cmd/api-router.go of the
// pinned server, and the checks in their handlers), or "" for a request it
// does not know. Where MinIO accepts either of two actions, it is the one
// the provider's policy grants: a bucket's HEAD and its versioned listing
// are allowed by s3:ListBucket (MinIO falls back to it from s3:HeadBucket
// and s3:ListBucketVersions).
func ActionOf(method string, u *url.URL) string {
	p := u.Path
	if rest, ok := strings.CutPrefix(p, "/minio/admin/v3/"); ok {
		return adminActions[rest]
	}
	if rest, ok := strings.CutPrefix(p, "/minio/kms/v1/"); ok {
		return kmsActions[rest]
	}
	if strings.HasPrefix(p, "/minio/") {
		return ""
	}
	q := u.Query()
	bucket, object, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	switch {
	case bucket == "":
		if method == http.MethodGet {
			return "s3:ListAllMyBuckets"
		}
		return ""
	case object == "":
		return bucketAction(method, q)
	default:
		return objectAction(method, q)
	}
}

var adminActions = map[string]string{
	"start-job":      "admin:StartBatchJob",
	"list-jobs":      "admin:ListBatchJobs",
	"status-job":     "admin:ListBatchJobs", // BatchJobStatus checks ListBatchJobs
	"describe-job":   "admin:DescribeBatchJob",
	"cancel-job":     "admin:CancelBatchJob",
	"info":           "admin:ServerInfo",
	"metrics":        "admin:ServerInfo", // the realtime metrics of running jobs
	"kms/status":     "admin:KMSKeyStatus",
	"kms/key/status": "admin:KMSKeyStatus",
	"kms/key/create": "admin:KMSCreateKey",
	// Which sites a rotation must reach, and where a bucket is replicated.
	"site-replication/info": "admin:SiteReplicationInfo",
	"list-remote-targets":   "admin:GetBucketTarget",
}

var kmsActions = map[string]string{
	"status":     "kms:Status",
	"metrics":    "kms:Metrics",
	"apis":       "kms:API",
	"version":    "kms:Version",
	"key/create": "kms:CreateKey",
	"key/list":   "kms:ListKeys",
	"key/status": "kms:KeyStatus",
}

func bucketAction(method string, q url.Values) string {
	has := func(k string) bool { _, ok := q[k]; return ok }
	switch method {
	case http.MethodHead:
		return "s3:ListBucket"
	case http.MethodGet:
		switch {
		case has("encryption"):
			return "s3:GetEncryptionConfiguration"
		case has("lifecycle"):
			return "s3:GetLifecycleConfiguration"
		case has("versioning"):
			return "s3:GetBucketVersioning"
		case has("location"):
			return "s3:GetBucketLocation"
		case has("object-lock"):
			return "s3:GetBucketObjectLockConfiguration"
		case has("policy"):
			return "s3:GetBucketPolicy"
		case has("tagging"):
			return "s3:GetBucketTagging"
		case has("versions"), has("list-type"), len(q) == 0 || has("prefix") || has("marker"):
			return "s3:ListBucket"
		}
	case http.MethodPut:
		switch {
		case has("encryption"):
			return "s3:PutEncryptionConfiguration"
		case has("lifecycle"):
			return "s3:PutLifecycleConfiguration"
		case has("versioning"):
			return "s3:PutBucketVersioning"
		case len(q) == 0:
			return "s3:CreateBucket"
		}
	case http.MethodDelete:
		if has("encryption") {
			return "s3:PutEncryptionConfiguration" // MinIO checks the put action for a removal
		}
	case http.MethodPost:
		if has("delete") {
			return "s3:DeleteObject"
		}
	}
	return ""
}

func objectAction(method string, q url.Values) string {
	has := func(k string) bool { _, ok := q[k]; return ok }
	if has("tagging") {
		switch method {
		case http.MethodGet:
			return "s3:GetObjectTagging"
		case http.MethodPut:
			return "s3:PutObjectTagging"
		case http.MethodDelete:
			return "s3:DeleteObjectTagging"
		}
		return ""
	}
	for _, sub := range []string{"retention", "legal-hold", "acl", "uploadId", "uploads", "attributes", "restore", "select"} {
		if has(sub) {
			return ""
		}
	}
	switch method {
	case http.MethodGet, http.MethodHead:
		return "s3:GetObject" // also with a versionId: MinIO checks s3:GetObject for HEAD
	case http.MethodPut:
		return "s3:PutObject"
	case http.MethodDelete:
		return "s3:DeleteObject"
	}
	return ""
}

// neededBy says, for each action the provider's policy
// (examples/iam/minio-rotation-policy.json) grants, which features need it
// and for what; the Credentials guide has the same list.
var neededBy = map[string]string{
	"admin:StartBatchJob":           "minio_batch_keyrotate (the resource and the action) needs to start the keyrotate job",
	"admin:ListBatchJobs":           "minio_batch_keyrotate needs to follow its job's status (while it waits and on every refresh), as do minio_batch_job_status and minio_batch_jobs",
	"admin:DescribeBatchJob":        "minio_batch_keyrotate and minio_batch_job_status need to tell a running job from a canceled one (and import to read a job's definition)",
	"admin:CancelBatchJob":          "minio_batch_keyrotate needs to cancel a job that stalled, that its destroy finds running, or whose wait ran out (the action's timeouts.invoke)",
	"admin:ServerInfo":              "the plan's warning about a deployment without redundancy and the rotation's live progress need to read the deployment",
	"admin:SiteReplicationInfo":     "minio_batch_keyrotate, minio_keyrotate_preview, minio_kms_key_usage and the delete check of minio_kes_key need to find the other sites of a site-replication group, whose copies of every object a rotation must reach and a retired key must not leave unreadable",
	"admin:GetBucketTarget":         "minio_batch_keyrotate, minio_kms_key_usage and the delete check of minio_kes_key need to find the deployments a bucket is replicated to outside the site-replication group, whose copies keep the old key",
	"kms:KeyStatus":                 "minio_batch_keyrotate and minio_bucket_encryption need to check that MinIO can encrypt and decrypt with the target key",
	"kms:Status":                    "minio_kms_key_usage and the delete check of minio_kes_key need to ask MinIO which key is its KMS default key",
	"s3:ListBucket":                 "every feature that reads a bucket needs to check that it exists and to list its object versions (minio_batch_keyrotate, minio_keyrotate_preview, minio_bucket_encryption, minio_kms_key_usage and the delete check of minio_kes_key, which also list the buckets with it)",
	"s3:ListAllMyBuckets":           "minio_kms_key_usage and the delete check of minio_kes_key need to list every bucket, also those the user may not list (without it MinIO lists only the others)",
	"s3:GetObject":                  "every listing of object versions needs to see each version's encryption (MinIO leaves it out otherwise), as does the Expires check before a rotation (drop_expires, count_expires)",
	"s3:GetObjectTagging":           "minio_batch_keyrotate needs to record the tags the job drops (preserve_tags), and minio_keyrotate_preview to count tagged versions",
	"s3:PutObjectTagging":           "minio_batch_keyrotate needs to put back the tags the job drops (preserve_tags)",
	"s3:DeleteObject":               "minio_batch_keyrotate needs to put back the delete markers of objects the job makes visible again (preserve_deleted)",
	"s3:GetBucketVersioning":        "minio_batch_keyrotate needs to check that a delete marker can be put back (preserve_deleted)",
	"s3:GetLifecycleConfiguration":  "minio_batch_keyrotate needs for its plan warning about lifecycle clocks, and minio_keyrotate_preview to count lifecycle_rules",
	"s3:GetEncryptionConfiguration": "minio_bucket_encryption needs to read a bucket's default encryption, as do minio_kms_key_usage and the delete check of minio_kes_key",
	"s3:PutEncryptionConfiguration": "minio_bucket_encryption needs to set and remove a bucket's default encryption",
	"s3:PutObject":                  "the action's report_to needs to write the rotation's report (examples/iam/minio-rotation-reports-policy.json grants it on the report bucket)",
}

// NeededBy says which features of the provider need action, or "" for an
// action the provider does not use.
func NeededBy(action string) string { return neededBy[action] }
