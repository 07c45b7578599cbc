package provider

// The filter block means the same in minio_batch_keyrotate and
// minio_keyrotate_preview; its argument docs are written once, here.
const (
	docNewerThan     = "Only objects modified less than this long ago. Units `d`, `h`, `m`, `s`, `ms`, combinable in that order, each at most once, without spaces or signs: `7d`, `7d12h`, `90m`."
	docOlderThan     = "Only objects modified at least this long ago. Same units as `newer_than`."
	docCreatedAfter  = "Only objects modified at or after this RFC 3339 time. (The server's own `createdAfter` field is inverted; the provider sends what gives this meaning.)"
	docCreatedBefore = "Only objects modified at or before this RFC 3339 time."
	docTag           = "An object tag pattern, repeatable; an object matches when any `tag` block matches one of its tags. Cannot be combined with `metadata` (the server would ignore `metadata`)."
	docTagKey        = "Tag key, compared case-insensitively."
	docMetadata      = "A metadata pattern, repeatable; an object matches when any `metadata` block matches."
	docMetadataKey   = "A standard header (`content-type`, `cache-control`, ...), or a user metadata name (`dept` or `x-amz-meta-dept`)."
	docPattern       = "Value pattern: `*` matches any run of characters, `?` one character."
)
