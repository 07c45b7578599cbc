package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

const defaultStallTimeout = "10m"

// replaced marks an argument whose change always means a new resource.
var replaced = []planmodifier.String{stringplanmodifier.RequiresReplace()}

// kvBlock is a repeated key/value block of the filter (tag, metadata). Its
// changes are judged by the filter block's plan modifier, which sees the
// whole job.
func kvBlock(what, keyDoc, valueDoc string) schema.ListNestedBlock {
	return schema.ListNestedBlock{
		MarkdownDescription: what,
		NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
			"key":   schema.StringAttribute{Required: true, MarkdownDescription: keyDoc},
			"value": schema.StringAttribute{Required: true, MarkdownDescription: valueDoc},
		}},
	}
}

func computedString(doc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: doc,
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
}

func computedInt(doc string) schema.Int64Attribute {
	return schema.Int64Attribute{Computed: true, MarkdownDescription: doc,
		PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()}}
}

// verifiedInt and verifiedString are counted afresh by every refresh: no
// UseStateForUnknown, so that the plan never shows a stale count as known.
func verifiedInt(doc string) schema.Int64Attribute {
	return schema.Int64Attribute{Computed: true, MarkdownDescription: doc + " Null with `verify = false`."}
}

func verifiedString(doc string) schema.StringAttribute {
	return schema.StringAttribute{Computed: true, MarkdownDescription: doc}
}

// Nested sections are blocks, not nested attributes: Terraform and
// OpenTofu drop a misspelled key of an object-typed attribute before the
// provider sees it (a mistyped filter then widens the rotation), while a
// misspelled argument in a block is an error by name. See DESIGN.md.
func (r *batchKeyrotateResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Runs a MinIO batch `keyrotate` job: every matching object under `bucket`/`prefix` is re-sealed " +
			"under the target key. Apply starts the job, waits until the server has finished it, puts back what the job changes besides the key " +
			"(tags, deleted objects) and counts every version in scope afterwards. " +
			"Every argument of the job forces a new job; a rotation cannot be undone, so destroy only forgets a finished job " +
			"(and cancels a running one).",
		Attributes: map[string]schema.Attribute{
			"id": computedString("The server's job ID, `keyrotate-<id>:<node>`; `<node>` is `-1` on a single-node server."),
			"bucket": schema.StringAttribute{
				Required: true, PlanModifiers: replaceJobString,
				MarkdownDescription: "Bucket whose objects are rotated. It must exist: apply checks that before it starts the job.",
			},
			"prefix": schema.StringAttribute{
				Optional: true, PlanModifiers: replaceJobString,
				MarkdownDescription: "Only objects whose names start with this prefix are rotated.",
			},
			"wait_for_completion": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Wait until the job has finished (default). With `false`, apply returns once the job is accepted and later refreshes follow its progress; " +
					"nothing can then be put back after the job, so `preserve_tags` and `preserve_deleted` must be set to `false`.",
			},
			"stall_timeout": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(defaultStallTimeout),
				Validators:          []validator.String{durationValidator{}},
				MarkdownDescription: "A job whose report does not change for this long counts as a failed attempt: it is canceled and started again. Default `" + defaultStallTimeout + "`. After a server restart MinIO resumes jobs only after a random delay of up to an hour, which this bounds.",
			},
			"verify": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "After the job, and on every refresh, list every version in scope (one listing, no request per object) and count those not on the target key. " +
					"Default `true`. With it, versions written under an old key later, or restored from a backup, show in `terraform plan` as a new rotation. See \"Verification and data drift\".",
			},
			"preserve_tags": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Put back, after the job, the tag set of every version it re-sealed (MinIO's rotation drops them). Default `true`. " +
					"A version whose tags someone changed meanwhile is left alone. See \"What a rotation changes besides the key\".",
			},
			"preserve_deleted": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "In a versioned bucket, keep deleted objects deleted: MinIO's rotation gives the re-sealed versions of a deleted object newer dates than its delete marker, " +
					"so the object is visible again; the provider puts a new delete marker on top of each such object after the job. Default `true`. " +
					"Never hides a version written after the rotation started, never acts where someone removed the delete marker meanwhile.",
			},
			"drop_expires": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "MinIO's rotation removes the `Expires` header of every version it re-seals, and it cannot be put back without writing new versions. " +
					"By default a plan that starts a rotation reads the headers of every version it would re-seal (a HEAD request each) and refuses when any has one. " +
					"Set `true` to rotate anyway (and skip those requests). See \"What a rotation changes besides the key\".",
			},
			"triggers": schema.MapAttribute{
				Optional: true, ElementType: types.StringType,
				PlanModifiers:       []planmodifier.Map{mapplanmodifier.RequiresReplace()},
				MarkdownDescription: "Arbitrary values; changing any starts a new rotation with the same arguments (e.g. `{ month = \"2026-11\" }`).",
			},

			"status":          computedString("`running`, `complete`, `failed` or `canceled`."),
			"objects_rotated": computedInt("Objects the job rotated."),
			"objects_failed":  computedInt("Objects the job failed to rotate."),
			"last_object":     computedString("The last object the job handled."),
			"started_at":      computedString("When the job started (RFC 3339)."),
			"last_update":     computedString("When the server last saved the job's report (RFC 3339)."),
			"user":            computedString("The MinIO user that started the job."),
			"attempts":        computedInt("Jobs started for this resource (see `retry`)."),
			"job_yaml":        computedString("The job definition as sent to the server, with the notification token redacted."),

			"tags_restored":           computedInt("Tag sets put back after the job (see `preserve_tags`)."),
			"delete_markers_restored": computedInt("Delete markers put back on objects the job had made visible again (see `preserve_deleted`)."),
			"restoration_pending": schema.StringAttribute{
				Computed: true, Sensitive: true, // object names and tags
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				MarkdownDescription: "What a failed restoration left to put back (compressed, base64); null when nothing is. The resource is then tainted, and the next apply puts it back before it runs a new rotation.",
			},

			"versions_pending":     verifiedInt("SSE-KMS data versions in scope that are not under the target key (all of them for an `sse-s3` target)."),
			"versions_unencrypted": verifiedInt("Data versions in scope without encryption. A rotation never encrypts plaintext (nor SSE-C), so these stay as they are."),
			"versions_sse_s3":      verifiedInt("SSE-S3 data versions in scope under an `sse-kms` target: the server counts them as rotated but cannot move them to a KMS key."),
			"verified_at":          verifiedString("When the versions were last counted (RFC 3339); null with `verify = false`."),
		},
		Blocks: map[string]schema.Block{
			"encryption": schema.SingleNestedBlock{
				MarkdownDescription: "The encryption objects are rotated to. Required (checked at validate: a block cannot be marked required).",
				PlanModifiers:       replaceJobObject,
				Attributes: map[string]schema.Attribute{
					"type": schema.StringAttribute{
						Optional:            true, // a Required argument of an absent block would be reported as missing too
						MarkdownDescription: "Required: `sse-kms` (re-seal under `key`) or `sse-s3` (re-seal under MinIO's default KMS key). Objects under SSE-KMS cannot be rotated to `sse-s3`: the server fails every such object.",
					},
					"key": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: "KMS key to rotate to; required for `sse-kms`, refused for `sse-s3`. It must exist and be usable: apply checks that before it starts the job. ASCII letters, digits, `-` and `_` (KES key name rules), at most 80 characters.",
					},
					"context": schema.MapAttribute{
						Optional: true, ElementType: types.StringType,
						MarkdownDescription: "KMS encryption context. **Refused**: the pinned MinIO validates the context and then drops it, so objects would be rotated without it.",
					},
				},
			},
			"filter": schema.SingleNestedBlock{
				MarkdownDescription: "Narrows the objects rotated. Time filters must all hold; then an object matches when any `tag` block matches, or else when any `metadata` block matches.",
				PlanModifiers:       replaceJobObject,
				Attributes: map[string]schema.Attribute{
					"newer_than":     schema.StringAttribute{Optional: true, MarkdownDescription: docNewerThan},
					"older_than":     schema.StringAttribute{Optional: true, MarkdownDescription: docOlderThan},
					"created_after":  schema.StringAttribute{Optional: true, MarkdownDescription: docCreatedAfter},
					"created_before": schema.StringAttribute{Optional: true, MarkdownDescription: docCreatedBefore},
					"kms_key": schema.StringAttribute{Optional: true,
						MarkdownDescription: "Only objects now under this KMS key. **Refused**: the pinned MinIO never applies this filter and would rotate objects under every key; narrow by `prefix` or `tag` instead."},
				},
				Blocks: map[string]schema.Block{
					"tag":      kvBlock(docTag, docTagKey, docPattern),
					"metadata": kvBlock(docMetadata, docMetadataKey, docPattern),
				},
			},
			"notify": schema.SingleNestedBlock{
				MarkdownDescription: "Endpoint the server posts the job's final report to (JSON).",
				PlanModifiers:       replaceJobObject,
				Attributes: map[string]schema.Attribute{
					"endpoint": schema.StringAttribute{Optional: true, MarkdownDescription: "Required: http or https URL, reached from the MinIO server."},
					"token": schema.StringAttribute{Optional: true, Sensitive: true,
						Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("token_wo"))},
						MarkdownDescription: "Sent as the `Authorization` header, e.g. `Bearer ...`. Stored in state (marked sensitive): prefer `token_wo`, " +
							"and keep `token` for CLIs older than Terraform 1.11 and OpenTofu 1.11."},
					"token_wo": schema.StringAttribute{Optional: true, Sensitive: true, WriteOnly: true,
						Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("token"))},
						MarkdownDescription: "Write-only `token`: sent to the server with the job, never stored in state or plan. " +
							"Pass it from an `ephemeral` variable (or an ephemeral resource) so that no plan file holds it either. " +
							"Terraform cannot see a change of a value it never stores: change `token_wo_version` to start a new job with a new token."},
					"token_wo_version": schema.Int64Attribute{Optional: true,
						Validators:          []validator.Int64{int64validator.AlsoRequires(path.MatchRelative().AtParent().AtName("token_wo"))},
						MarkdownDescription: "Any number; changing it starts a new job, which sends the current `token_wo`."},
				},
			},
			"retry": schema.SingleNestedBlock{
				MarkdownDescription: "Retries. The server retries each failed object `attempts` times `delay` apart; the provider also starts " +
					"the job again (rotation is idempotent) when a job fails or stalls, up to `attempts` jobs (default 3), `delay` apart.",
				PlanModifiers: replaceJobObject,
				Attributes: map[string]schema.Attribute{
					"attempts": schema.Int64Attribute{Optional: true, MarkdownDescription: "From 1 to 100, or 0 for the server default (3)."},
					"delay":    schema.StringAttribute{Optional: true, MarkdownDescription: "Pause between attempts, e.g. `500ms`. Server default 25ms."},
				},
			},
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Delete: true}),
		},
	}
}
