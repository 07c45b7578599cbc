package provider

import (
	"context"
	"iter"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
)

// foundItem is what a list resource found of one item.
type foundItem struct {
	// skip leaves the item out: filtered out, or gone since it was listed.
	skip bool
	// failed says why the item could not be read. It is shown as a
	// warning: Terraform ends a query at the first error, and one item
	// must not hide the others.
	failed diag.Diagnostics
	// identity is the value of the resource's identity attribute, display
	// the name the CLI shows, model the resource's state (read only with
	// include_resource), notes any warnings reading it gave.
	identity, display string
	model             any
	notes             diag.Diagnostics
}

// listResults streams one result per item that each does not skip, in
// order: at most req.Limit of them (0: all), a failed item's warning not
// counted.
func listResults[T any](ctx context.Context, req list.ListRequest, identityAttr string, items []T, each func(T) foundItem) iter.Seq[list.ListResult] {
	return func(push func(list.ListResult) bool) {
		counted := int64(0)
		for _, item := range items {
			if req.Limit > 0 && counted >= req.Limit {
				return
			}
			it := each(item)
			var result list.ListResult
			switch {
			case it.skip:
				continue
			case it.failed.HasError():
				result.Diagnostics = asWarnings(it.failed)
			default:
				result = req.NewListResult(ctx)
				result.DisplayName = it.display
				result.Diagnostics.Append(it.notes...)
				setIdentity(ctx, result.Identity, identityAttr, it.identity, &result.Diagnostics)
				if req.IncludeResource {
					result.Diagnostics.Append(result.Resource.Set(ctx, it.model)...)
				}
				counted++
			}
			if !push(result) {
				return
			}
		}
	}
}

// asWarnings is diags with every error turned into a warning.
func asWarnings(diags diag.Diagnostics) diag.Diagnostics {
	var out diag.Diagnostics
	for _, d := range diags {
		out.AddWarning(d.Summary(), d.Detail())
	}
	return out
}
