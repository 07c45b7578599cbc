package provider

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// historyLimit bounds the reports of past rotations a resource keeps: at
// about 3 KiB a report, ten keep a year of monthly rotations' evidence
// in state without making state heavy. Older ones drop off the front; the
// oldest kept still names its predecessor by digest and sequence, so the
// cut is visible.
const historyLimit = 10

// histories hands the history of a rotation being destroyed to the
// rotation created after it in the same apply, for the same bucket and
// prefix. Terraform replaces an object by destroying it and creating a
// new one that is planned, and created, from nothing: no value or private
// state of the old one reaches the new one, tainted or not. Both run in
// this provider process, destroy first, so the handoff is kept here.
type histories struct {
	mu sync.Mutex
	// byScope holds, per scope, the handed-on history; nil when two
	// rotations of one scope were destroyed in the apply, so that neither
	// history is given to the wrong successor.
	byScope map[string][]string
}

func historyScope(bucket, prefix string) string { return bucket + "\x00" + prefix }

// handOn keeps the history that the destroyed rotation state leaves: its
// own history and its report, at most historyLimit of them, oldest first.
func (h *histories) handOn(ctx context.Context, state batchKeyrotateModel) diag.Diagnostics {
	var next []string
	diags := state.History.ElementsAs(ctx, &next, false)
	if r := state.Report.ValueString(); r != "" {
		next = append(next, r)
	}
	if len(next) > historyLimit {
		next = next[len(next)-historyLimit:]
	}
	if len(next) == 0 {
		return diags
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.byScope == nil {
		h.byScope = map[string][]string{}
	}
	key := historyScope(state.Bucket.ValueString(), state.Prefix.ValueString())
	if _, twice := h.byScope[key]; twice {
		next = nil
	}
	h.byScope[key] = next
	return diags
}

// handedOn reports whether a destroyed rotation of bucket and prefix has
// handed on a history not yet taken: only during an apply, between the
// destroy and the create of a replacement.
func (h *histories) handedOn(bucket, prefix string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, ok := h.byScope[historyScope(bucket, prefix)]
	return ok
}

// take is the history handed on for a new rotation of bucket and prefix,
// empty when none was; it is taken once.
func (h *histories) take(bucket, prefix string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	key := historyScope(bucket, prefix)
	handed := h.byScope[key]
	delete(h.byScope, key)
	if handed == nil {
		return []string{}
	}
	return handed
}

// historyValue is a history as the attribute's value.
func historyValue(reports []string) types.List {
	elems := make([]types.String, len(reports))
	for i, r := range reports {
		elems[i] = types.StringValue(r)
	}
	v, _ := types.ListValueFrom(context.Background(), types.StringType, elems)
	return v
}

// emptyHistory is the history of a rotation that has none (an import).
func emptyHistory() types.List {
	return types.ListValueMust(types.StringType, nil)
}
