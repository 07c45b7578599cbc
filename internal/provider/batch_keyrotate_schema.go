package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
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
				MarkdownDescription: docBucket,
			},
			"prefix": schema.StringAttribute{
				Optional: true, PlanModifiers: replaceJobString,
				MarkdownDescription: docPrefix,
			},
			"wait_for_completion": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "Wait until the job has finished (default). With `false`, apply returns once the job is accepted and later refreshes follow its progress; " +
					"nothing can then be put back after the job, so `preserve_tags` and `preserve_deleted` must be set to `false`.",
			},
			"stall_timeout": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(defaultStallTimeout),
				Validators:          []validator.String{durationValidator{}},
				MarkdownDescription: docStallTimeout,
			},
			"verify": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: "After the job, and on every refresh, list every version in scope (one listing, no request per object) and count those not on the target key. " +
					"Default `true`. With it, versions written under an old key later, or restored from a backup, show in `terraform plan` as a new rotation. See \"Verification and data drift\".",
			},
			"verify_limit": schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(defaultVerifyLimit),
				Validators: []validator.Int64{int64validator.AtLeast(0)},
				MarkdownDescription: fmt.Sprintf("A refresh counts the scope exactly while its last exact count listed at most this many entries (versions and delete markers); "+
					"above it, it reads a sample of %d pages of at most %d entries (a quarter of this limit at most) and states in `drift_bound` what it could miss. "+
					"`0` counts exactly on every refresh. Default `%d` (about 30 s of listing on the benchmark machine). See \"Verification and data drift\".", samplePages, samplePageSize, defaultVerifyLimit),
			},
			"preserve_tags": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: docPreserveTags,
			},
			"preserve_deleted": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(true),
				MarkdownDescription: docPreserveDeleted,
			},
			"drop_expires": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: docDropExpires,
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
			"report":          computedString(docReport),
			"history": schema.ListAttribute{
				Computed: true, ElementType: types.StringType, MarkdownDescription: docHistory,
				PlanModifiers: []planmodifier.List{listplanmodifier.UseStateForUnknown()},
			},

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
			"verification":         verifiedString("`exact` when the last verification counted every version in scope, `sampled` when it read a sample (see `verify_limit`); null with `verify = false`."),
			"drift_bound": verifiedInt("The fewest versions not under the target key, spread over the scope, that the last verification finds with probability 95 %: " +
				"`0` when it was exact. Drift of fewer versions, or drift in one place, can escape a sample."),
			"pending_since": verifiedString("The Last-Modified of the oldest version counted in `versions_pending` (RFC 3339, to the millisecond), on any site; " +
				"null when none is pending or with `verify = false`. The rotation that replaces this one re-seals only the versions modified at or after it."),
			"reseal_since": computedString("The date this rotation's job was narrowed to: it re-sealed only the versions modified at or after it, the oldest version " +
				"not yet under the target key when the job started (RFC 3339). A rotation sets the Last-Modified of what it re-seals, so after a rotation this is " +
				"the drift. Null when the job covered the whole scope (an `sse-s3` target with SSE-S3 versions in scope, whose sealing key cannot be seen) or when no job ran."),
			"sites": sitesAttribute(),
		},
		Blocks: map[string]schema.Block{
			"encryption": schema.SingleNestedBlock{
				MarkdownDescription: docEncryption,
				PlanModifiers:       replaceJobObject,
				Attributes: map[string]schema.Attribute{
					"type": schema.StringAttribute{
						Optional:            true, // a Required argument of an absent block would be reported as missing too
						MarkdownDescription: docEncryptionType,
					},
					"key": schema.StringAttribute{
						Optional:            true,
						MarkdownDescription: docEncryptionKey,
					},
					"context": schema.MapAttribute{
						Optional: true, ElementType: types.StringType,
						MarkdownDescription: docEncryptionContext,
					},
				},
			},
			"filter": schema.SingleNestedBlock{
				MarkdownDescription: docFilter,
				PlanModifiers:       replaceJobObject,
				Attributes: map[string]schema.Attribute{
					"newer_than":     schema.StringAttribute{Optional: true, MarkdownDescription: docNewerThan},
					"older_than":     schema.StringAttribute{Optional: true, MarkdownDescription: docOlderThan},
					"created_after":  schema.StringAttribute{Optional: true, MarkdownDescription: docCreatedAfter},
					"created_before": schema.StringAttribute{Optional: true, MarkdownDescription: docCreatedBefore},
					"kms_key":        schema.StringAttribute{Optional: true, MarkdownDescription: docFilterKMSKey},
				},
				Blocks: map[string]schema.Block{
					"tag":      kvBlock(docTag, docTagKey, docPattern),
					"metadata": kvBlock(docMetadata, docMetadataKey, docPattern),
				},
			},
			"notify": schema.SingleNestedBlock{
				MarkdownDescription: docNotify,
				PlanModifiers:       replaceJobObject,
				Attributes: map[string]schema.Attribute{
					"endpoint": schema.StringAttribute{Optional: true, MarkdownDescription: docNotifyEndpoint},
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
				MarkdownDescription: docRetry,
				PlanModifiers:       replaceJobObject,
				Attributes: map[string]schema.Attribute{
					"attempts": schema.Int64Attribute{Optional: true, MarkdownDescription: docRetryAttempts},
					"delay":    schema.StringAttribute{Optional: true, MarkdownDescription: docRetryDelay},
				},
			},
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Delete: true}),
		},
	}
}
