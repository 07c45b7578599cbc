package keyrotate

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// FieldError is one validation failure. Path names the offending argument
// with the user-facing (Terraform) argument names, list indexes as decimal
// strings: {"bucket"}, {"encryption", "key"}, {"filter", "tag", "2", "key"}.
type FieldError struct {
	Path []string
	// Summary is a short Title Case headline.
	Summary string
	// Detail says what is wrong and what is accepted.
	Detail string
}

func (e FieldError) Error() string {
	return strings.Join(e.Path, ".") + ": " + e.Summary + ": " + e.Detail
}

// Limits of the validated values.
const (
	maxPrefixBytes   = 1024 // S3 object key limit
	maxKeyNameBytes  = 80   // KES key name limit (validName in kes auth.go)
	maxTagKeyChars   = 128  // S3 tag limits, enforced by minio-go's tags package
	maxTagValueChars = 256
	maxRetryAttempts = 100
)

// tagChars are the characters an object tag may consist of on MinIO
// (validTagKeyValue in minio-go's pkg/tags); a filter with any other
// character can match no object.
const tagChars = "letters a-z and A-Z, digits, spaces and + - = . _ : / @"

// Validate reports every problem of s, in field order; nil means s is valid.
// Besides malformed values it refuses settings the pinned server accepts but
// ignores, since the job would then rotate other objects, or rotate them
// differently, than it says.
func (s Spec) Validate() []FieldError {
	var v validator
	v.bucket(s.Bucket)
	v.prefix(s.Prefix)
	v.encryption(s.Encryption)
	v.filter(s.Filter)
	v.notify(s.Notify)
	v.retry(s.Retry)
	return v.errs
}

type validator struct {
	errs []FieldError
}

func (v *validator) fail(summary, detail string, path ...string) {
	v.errs = append(v.errs, FieldError{Path: path, Summary: summary, Detail: detail})
}

func (v *validator) bucket(b string) {
	const rule = "a bucket name has 3 to 63 characters: lowercase letters, digits, '.' and '-', starting and ending with a letter or digit, without \"..\", \".-\" or \"-.\", not formatted as an IPv4 address, not starting with \"xn--\" and not ending with \"-s3alias\""
	if b == "" {
		v.fail("Missing Bucket", "bucket is required; "+rule+".", "bucket")
		return
	}
	if !validBucketName(b) {
		v.fail("Invalid Bucket Name", fmt.Sprintf("%q is not a valid bucket name; %s.", b, rule), "bucket")
	}
}

func validBucketName(b string) bool {
	if len(b) < 3 || len(b) > 63 || !isAlnum(b[0]) || !isAlnum(b[len(b)-1]) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return !strings.Contains(b, "..") && !strings.Contains(b, ".-") && !strings.Contains(b, "-.") &&
		!isIPv4Like(b) && !strings.HasPrefix(b, "xn--") && !strings.HasSuffix(b, "-s3alias")
}

// isIPv4Like reports whether b is four dot-separated digit groups, the shape
// S3 and MinIO refuse as a bucket name.
func isIPv4Like(b string) bool {
	parts := strings.Split(b, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || leadingRun(p, '0', '9') != p {
			return false
		}
	}
	return true
}

func (v *validator) prefix(p string) {
	switch {
	case !utf8.ValidString(p):
		v.fail("Invalid Prefix", "prefix must be valid UTF-8, as object names are.", "prefix")
	case len(p) > maxPrefixBytes:
		v.fail("Invalid Prefix", fmt.Sprintf("prefix has %d bytes; object names, and so prefixes, have at most %d.", len(p), maxPrefixBytes), "prefix")
	case strings.HasPrefix(p, "/"):
		v.fail("Invalid Prefix", fmt.Sprintf("prefix %q starts with '/', but object names never do, so it would match nothing; remove the leading '/'.", p), "prefix")
	}
}

func (v *validator) encryption(e Encryption) {
	switch e.Type {
	case SSES3:
		if e.Key != "" {
			v.fail("Unexpected Encryption Key", "key is only accepted with type sse-kms; sse-s3 always uses the server's default KMS key. Remove key or use type sse-kms.", "encryption", "key")
		}
	case SSEKMS:
		v.kmsKeyName(e.Key)
	case "":
		v.fail("Missing Encryption Type", `type is required: "sse-s3" or "sse-kms".`, "encryption", "type")
	default:
		v.fail("Invalid Encryption Type", fmt.Sprintf(`type %q is not supported; accepted: "sse-s3" or "sse-kms".`, e.Type), "encryption", "type")
	}
	if len(e.Context) > 0 {
		detail := "the pinned MinIO validates the KMS context and then discards it (BatchJobKeyRotateEncryption.Validate stores it on a copy of the job), so rotated objects would not be bound to it. Remove context."
		if e.Type == SSES3 {
			detail = "context is only accepted with type sse-kms, and even there " + detail
		}
		v.fail("Unsupported Encryption Context", detail, "encryption", "context")
	}
}

// kmsKeyName applies the key name rule of the pinned KES (validName in its
// auth.go): the KMS refuses other names, and the job would fail on every
// object.
// KeyNameRule says which KMS key names KES accepts (validName in KES's
// auth.go): a job towards any other name could never find its key.
const KeyNameRule = "a KMS key name has 1 to 80 ASCII letters, digits, '-' and '_'; '-' may not be the first or last character and the name may not be just \"_\""

// ValidKeyName reports whether KES accepts k as a key name (KeyNameRule).
func ValidKeyName(k string) bool {
	valid := k != "" && len(k) <= maxKeyNameBytes && k != "_"
	for i := 0; i < len(k) && valid; i++ {
		c := k[i]
		valid = isAlnum(c) || c == '_' || (c == '-' && i > 0 && i < len(k)-1)
	}
	return valid
}

func (v *validator) kmsKeyName(k string) {
	switch {
	case k == "":
		v.fail("Missing Encryption Key", "key is required with type sse-kms; "+KeyNameRule+".", "encryption", "key")
	case !ValidKeyName(k):
		v.fail("Invalid Encryption Key Name", fmt.Sprintf("%q is not a valid KMS key name; %s.", k, KeyNameRule), "encryption", "key")
	}
}

func (v *validator) filter(f Filter) {
	const durationRule = "; it must be positive, or zero for no limit"
	if f.NewerThan < 0 {
		v.fail("Invalid Duration", "newer_than is negative"+durationRule+".", "filter", "newer_than")
	}
	if f.OlderThan < 0 {
		v.fail("Invalid Duration", "older_than is negative"+durationRule+".", "filter", "older_than")
	}
	if f.NewerThan > 0 && f.OlderThan >= f.NewerThan {
		v.fail("Empty Age Window", fmt.Sprintf("older_than (%s) must be shorter than newer_than (%s): the job selects objects modified at least older_than and less than newer_than ago, and no object is both.",
			FormatDuration(f.OlderThan), FormatDuration(f.NewerThan)), "filter", "older_than")
	}
	afterErr, beforeErr := checkTime(f.CreatedAfter), checkTime(f.CreatedBefore)
	if afterErr != nil {
		v.fail("Invalid Time", afterErr.Error()+".", "filter", "created_after")
	}
	if beforeErr != nil {
		v.fail("Invalid Time", beforeErr.Error()+".", "filter", "created_before")
	}
	if afterErr == nil && beforeErr == nil && !f.CreatedAfter.IsZero() && !f.CreatedBefore.IsZero() && !f.CreatedAfter.Before(f.CreatedBefore) {
		v.fail("Empty Creation Window", fmt.Sprintf("created_after (%s) must be before created_before (%s).",
			f.CreatedAfter.UTC().Format(time.RFC3339Nano), f.CreatedBefore.UTC().Format(time.RFC3339Nano)), "filter", "created_after")
	}
	for i, kv := range f.Tags {
		v.tag(strconv.Itoa(i), kv)
	}
	for i, kv := range f.Metadata {
		v.metadata(strconv.Itoa(i), kv)
	}
	if len(f.Tags) > 0 && len(f.Metadata) > 0 {
		v.fail("Conflicting Filters", "metadata cannot be combined with tag: when tag blocks are set the server never looks at the metadata filter, and would rotate every object matching the tags. Use one of them.", "filter", "metadata")
	}
	if f.KMSKey != "" {
		v.fail("Unsupported KMS Key Filter", "the pinned MinIO ignores the KMS key filter (it compares a metadata field its object walk does not carry), so the job would rotate objects under every key. Remove kms_key and narrow the job with prefix or tags instead.", "filter", "kms_key")
	}
}

func (v *validator) tag(i string, kv KV) {
	switch n := utf8.RuneCountInString(kv.Key); {
	case kv.Key == "":
		v.fail("Missing Tag Key", "key is required.", "filter", "tag", i, "key")
	case n > maxTagKeyChars || !onlyTagChars(kv.Key, ""):
		v.fail("Invalid Tag Key", fmt.Sprintf("tag key %q can match no object tag: tag keys have 1 to %d characters, which are %s.", kv.Key, maxTagKeyChars, tagChars), "filter", "tag", i, "key")
	}
	if utf8.RuneCountInString(kv.Value) > maxTagValueChars || !onlyTagChars(kv.Value, "*?") {
		v.fail("Invalid Tag Value", fmt.Sprintf("tag value pattern %q can match no object tag: tag values have 0 to %d characters, which are %s; the pattern may also use the wildcards * (any sequence) and ? (one character).", kv.Value, maxTagValueChars, tagChars), "filter", "tag", i, "value")
	}
}

func onlyTagChars(s, extra string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && !strings.ContainsRune("+-=._:/@ "+extra, rune(c)) {
			return false
		}
	}
	return true
}

func (v *validator) metadata(i string, kv KV) {
	if kv.Key == "" {
		v.fail("Missing Metadata Key", "key is required; "+metadataKeyRule+".", "filter", "metadata", i, "key")
		return
	}
	if _, ok := canonicalMetadataKey(kv.Key); !ok {
		v.fail("Invalid Metadata Key", fmt.Sprintf("the server cannot match metadata key %q; %s.", kv.Key, metadataKeyRule), "filter", "metadata", i, "key")
	}
}

func (v *validator) notify(n Notify) {
	if n.Endpoint == "" {
		if n.Token != "" {
			v.fail("Missing Notification Endpoint", "a token is set without an endpoint; the server only sends the token to the endpoint. Set endpoint or remove token.", "notify", "endpoint")
		}
		return
	}
	u, err := url.Parse(n.Endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		v.fail("Invalid Notification Endpoint", `endpoint must be an absolute http or https URL with a host, e.g. "https://hooks.example.com/minio". It is not shown because it may carry credentials.`, "notify", "endpoint")
	}
	if !validHeaderValue(n.Token) {
		v.fail("Invalid Notification Token", "token contains control characters (such as a line break); the server sends it as the Authorization header, which cannot carry them, so every notification would fail. The token is not shown because it is secret.", "notify", "token")
	}
}

// validHeaderValue reports whether Go's net/http, which the server's
// notification uses, accepts s as a header value: no control characters
// other than horizontal tab.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

func (v *validator) retry(r Retry) {
	if r.Attempts < 0 || r.Attempts > maxRetryAttempts {
		v.fail("Invalid Retry Attempts", fmt.Sprintf("attempts is %d; it must be 1 to %d, or 0 for the server default (3).", r.Attempts, maxRetryAttempts), "retry", "attempts")
	}
	if r.Delay < 0 {
		v.fail("Invalid Retry Delay", "delay is negative; it must be positive, or zero for the server default (25ms).", "retry", "delay")
	}
}
