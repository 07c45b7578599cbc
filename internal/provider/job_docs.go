package provider

// The job's arguments mean the same in the minio_batch_keyrotate resource
// and action; their docs are written once, here.
const (
	docBucket       = "Bucket whose objects are rotated. It must exist: apply checks that before it starts the job."
	docPrefix       = "Only objects whose names start with this prefix are rotated."
	docStallTimeout = "A job whose report does not change for this long counts as a failed attempt: it is canceled and started again. Default `" + defaultStallTimeout + "`; " +
		"units as for `filter.newer_than` (`30m`, `1h30m`, `1d`). After a server restart MinIO resumes jobs only after a random delay of up to an hour, which this bounds."
	docPreserveTags = "Put back, after the job, the tag set of every version it re-sealed (MinIO's rotation drops them). Default `true`. " +
		"A version whose tags someone changed meanwhile is left alone. See \"What a rotation changes besides the key\"."
	docPreserveDeleted = "In a versioned bucket, keep deleted objects deleted: MinIO's rotation gives the re-sealed versions of a deleted object newer dates than its delete marker, " +
		"so the object is visible again; the provider puts a new delete marker on top of each such object after the job. Default `true`. " +
		"Never hides a version written after the rotation started, never acts where someone removed the delete marker meanwhile."
	docDropExpires = "MinIO's rotation removes the `Expires` header of every version it re-seals, and it cannot be put back without writing new versions. " +
		"By default the plan reads the headers of a sample of the versions it would re-seal, apply reads every one before the job (a HEAD request each), and both refuse when any has one. " +
		"Set `true` to rotate anyway (and skip those requests). See \"What a rotation changes besides the key\"."
	docEncryption        = "The encryption objects are rotated to. Required (checked at validate: a block cannot be marked required)."
	docEncryptionType    = "Required: `sse-kms` (re-seal under `key`) or `sse-s3` (re-seal under MinIO's default KMS key). Objects under SSE-KMS cannot be rotated to `sse-s3`: the server fails every such object."
	docEncryptionKey     = "KMS key to rotate to; required for `sse-kms`, refused for `sse-s3`. It must exist and be usable: the plan checks that (unless the same plan creates the key), and apply again before the job. 1 to 80 ASCII letters, digits, `-` and `_`, not starting or ending with `-` (KES key name rules)."
	docEncryptionContext = "KMS encryption context. **Refused**: the pinned MinIO validates the context and then drops it, so objects would be rotated without it."
	docFilter            = "Narrows the objects rotated. Time filters must all hold; then an object matches when any `tag` block matches, or else when any `metadata` block matches."
	docNotify            = "Endpoint the server posts the job's final report to (JSON)."
	docRetry             = "Retries. The server retries each failed object `attempts` times `delay` apart; the provider also starts " +
		"the job again (rotation is idempotent) when a job fails or stalls, up to `attempts` jobs (default 3), `delay` apart."
	docNotifyEndpoint = "Required: http or https URL, reached from the MinIO server."
	docRetryAttempts  = "From 1 to 100, or 0 for the server default (3)."
	docRetryDelay     = "Pause between attempts, e.g. `500ms`. Server default 25ms."
	docFilterKMSKey   = "Only objects now under this KMS key. **Refused**: the pinned MinIO never applies this filter and would rotate objects under every key; narrow by `prefix` or `tag` instead."
)

// docHistory describes the reports of past rotations.
const docHistory = "The reports of this resource's earlier rotations, oldest first, exactly as `report` held them; at most 10, the oldest dropped first. " +
	"Each carries `sequence` and the `predecessor_sha256` of the one before it, so the chain shows a report altered or missing. " +
	"A replacement (new key, drift, `-replace`, a failed rotation) keeps them, unless it is made under `create_before_destroy`. See the guide \"Audit evidence\"."

// docReport describes the rotation's evidence (internal/report).
const docReport = "Evidence of the rotation, for audits and key-change reviews: a JSON document (schema `minio-keyrotate/rotation-report/v1`) with the jobs, " +
	"the MinIO user that ran them, times, the versions in scope per key before and after, what was put back, the verification's counts, " +
	"the target key's identity in KES, its place in the resource's `history`, and the provider and MinIO versions. " +
	"It never holds a secret. Set when the rotation is applied and kept as is by refreshes; null after import. See the guide \"Audit evidence\"."
