package provider

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
)

// historyLimit bounds the reports of past rotations a resource keeps: at
// about 3 KiB a report, ten keep a year of monthly rotations' evidence
// in state without making state heavy. Older ones drop off the front; the
// oldest kept still names its predecessor by digest and sequence, so the
// cut is visible.
const historyLimit = 10

// histories hands the history of a rotation being destroyed to the
// rotation created after it in the same apply, of the same scope: bucket,
// prefix and filter. Terraform replaces an object by destroying it and
// creating a new one that is planned, and created, from nothing: no value
// or private state of the old one reaches the new one, tainted or not.
// Both run in this provider process, destroy first, so the handoff is
// kept here. A new rotation of a scope whose rotation the same apply
// destroys (a resource renamed without a moved block) takes it too: the
// history is the scope's.
type histories struct {
	mu      sync.Mutex
	byScope map[string]handoff
}

// handoff is what the destroys of one scope left in this apply.
type handoff struct {
	reports []string
	// ambiguous is set when two rotations of the scope were destroyed:
	// neither history is given, rather than one to the wrong successor.
	ambiguous bool
}

// historyScope keys a rotation's scope: the job's bucket, prefix and
// filter, not its target or its run settings, which a replacement changes.
func historyScope(spec keyrotate.Spec) string {
	filter, _ := json.Marshal(spec.Filter)
	return spec.Bucket + "\x00" + spec.Prefix + "\x00" + string(filter)
}

// handOn keeps the history that the destroyed rotation state leaves: its
// own history and its report, at most historyLimit of them, oldest first.
// An empty one is kept too, so that a second destroy of the scope is seen.
func (h *histories) handOn(ctx context.Context, state batchKeyrotateModel) diag.Diagnostics {
	var next []string
	diags := state.History.ElementsAs(ctx, &next, false)
	if r := state.Report.ValueString(); r != "" {
		next = append(next, r)
	}
	if len(next) > historyLimit {
		next = next[len(next)-historyLimit:]
	}
	spec, _ := state.spec(ctx)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.byScope == nil {
		h.byScope = map[string]handoff{}
	}
	key := historyScope(spec)
	if _, twice := h.byScope[key]; twice {
		h.byScope[key] = handoff{ambiguous: true}
		return diags
	}
	h.byScope[key] = handoff{reports: next}
	return diags
}

// handedOn reports whether a destroyed rotation of spec's scope has
// handed on a history not yet taken: only during an apply, between the
// destroy and the create of a replacement.
func (h *histories) handedOn(spec keyrotate.Spec) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, ok := h.byScope[historyScope(spec)]
	return ok
}

// take is the history handed on for a new rotation of spec's scope, empty
// when none was or it is ambiguous; it is taken once.
func (h *histories) take(spec keyrotate.Spec) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	key := historyScope(spec)
	handed := h.byScope[key]
	delete(h.byScope, key)
	if handed.ambiguous || handed.reports == nil {
		return []string{}
	}
	return handed.reports
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
