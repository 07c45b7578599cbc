// Package keyrotate is the typed specification of a MinIO batch "keyrotate"
// job: its validation and its translation to and from the YAML document that
// MinIO's admin API accepts (StartBatchJob) and returns (DescribeBatchJob).
//
// The server reference is cmd/batch-rotate.go and
// cmd/batch-job-common-types.go of the pinned MinIO. Its YAML does not always
// mean what its field names say, so [Spec] keeps the user-facing meaning and
// [Encode] translates it:
//   - the server's createdAfter and createdBefore are inverted (see [Encode]);
//   - the server only reads Go duration strings, while users write "7d";
//   - the server matches user metadata only under its full header name.
//
// [Spec.Validate] refuses the settings the server accepts but silently ignores
// (the KMS key filter, the KMS context, metadata filters next to tag filters),
// because such a job rotates other objects, or rotates them differently, than
// its definition says.
package keyrotate

import (
	"maps"
	"time"
)

// EncryptionType is the encryption the job rotates objects to.
type EncryptionType string

// The encryption types the server accepts.
const (
	SSES3  EncryptionType = "sse-s3"
	SSEKMS EncryptionType = "sse-kms"
)

// Encryption is the target encryption of the rotated objects.
type Encryption struct {
	Type EncryptionType
	// Key is the KMS key name to rotate to; only with SSEKMS.
	Key string
	// Context is the KMS encryption context. The pinned server validates it
	// and then drops it (see Spec.Validate); it is kept so that imported jobs
	// round-trip.
	Context map[string]string
}

// KV is one tag or metadata filter entry. The server compares Key
// case-insensitively and matches Value as a wildcard pattern in which '*'
// matches any sequence and '?' exactly one byte.
type KV struct {
	Key, Value string
}

// Filter selects the objects a job rotates. The zero value selects every
// object under the prefix.
//
// The server (selectObj in cmd/batch-rotate.go) first requires every time
// filter that is set to hold (AND). Then, if Tags is non-empty, an object is
// selected when ANY entry matches ANY of its tags: several entries widen the
// selection (OR), and Metadata and KMSKey are never looked at. Otherwise, if
// Metadata is non-empty, an object is selected when ANY entry matches ANY of
// its user metadata or standard headers, and KMSKey is never looked at.
type Filter struct {
	// NewerThan selects objects modified less than this long ago.
	NewerThan time.Duration
	// OlderThan selects objects modified at least this long ago.
	OlderThan time.Duration
	// CreatedAfter selects objects modified at or after this time.
	CreatedAfter time.Time
	// CreatedBefore selects objects modified at or before this time.
	CreatedBefore time.Time
	// Tags are object tag patterns, OR-ed.
	Tags []KV
	// Metadata are metadata patterns, OR-ed. A key is a standard header
	// (content-type, ...), a full user-metadata header "x-amz-meta-NAME", or
	// a bare user-metadata NAME, sent as "x-amz-meta-NAME".
	Metadata []KV
	// KMSKey is the server's KMS key filter, which it never applies (see
	// Spec.Validate); it is kept so that imported jobs round-trip.
	KMSKey string
}

// Notify is the endpoint the server posts the job's final status to.
type Notify struct {
	// Endpoint is an http or https URL.
	Endpoint string
	// Token is sent as the Authorization header. It is a secret.
	Token string
}

// Retry controls the server's per-object retries. Zero values mean "not
// set": the server then uses 3 attempts and a 25ms delay.
type Retry struct {
	Attempts int
	Delay    time.Duration
}

// Spec is a batch keyrotate job.
type Spec struct {
	Bucket     string
	Prefix     string
	Encryption Encryption
	Filter     Filter
	Notify     Notify
	Retry      Retry
}

// RedactedToken replaces the notification token in [Spec.Redacted]. It is
// the marker MinIO itself uses for redacted secrets (redactedText in
// cmd/batch-handlers.go).
const RedactedToken = "**REDACTED**"

// Normalized returns the canonical form of s, the one [Decode] returns for a
// document produced by [Encode]: times in UTC, metadata keys lowercased and
// bare user-metadata names completed to "x-amz-meta-NAME", and empty lists
// and maps nil. It never shares slices or maps with s.
func (s Spec) Normalized() Spec {
	n := s
	if len(s.Encryption.Context) == 0 {
		n.Encryption.Context = nil
	} else {
		n.Encryption.Context = maps.Clone(s.Encryption.Context)
	}
	n.Filter.CreatedAfter = s.Filter.CreatedAfter.UTC()
	n.Filter.CreatedBefore = s.Filter.CreatedBefore.UTC()
	n.Filter.Tags = nil
	if len(s.Filter.Tags) > 0 {
		n.Filter.Tags = append([]KV(nil), s.Filter.Tags...)
	}
	n.Filter.Metadata = nil
	for _, kv := range s.Filter.Metadata {
		key, _ := canonicalMetadataKey(kv.Key)
		n.Filter.Metadata = append(n.Filter.Metadata, KV{Key: key, Value: kv.Value})
	}
	return n
}

// Redacted returns s with the notification token, if any, replaced by
// [RedactedToken], for showing the job to a user.
func (s Spec) Redacted() Spec {
	if s.Notify.Token != "" {
		s.Notify.Token = RedactedToken
	}
	return s
}
