package provider

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// rotationOf is the state of a rotation of bucket with the given history
// and report.
func rotationOf(t *testing.T, bucket string, history []string, report string) batchKeyrotateModel {
	t.Helper()
	p := validParts()
	p.bucket = types.StringValue(bucket)
	m := p.model(t)
	m.History, m.Report = historyValue(history), types.StringValue(report)
	return m
}

func TestHistoriesHandOnce(t *testing.T) {
	ctx := context.Background()
	var h histories
	old := rotationOf(t, "finance", []string{"r1"}, "r2")
	h.handOn(ctx, old)
	spec, _ := old.spec(ctx)
	if !h.handedOn(spec) {
		t.Fatal("a destroyed rotation's history is not pending")
	}
	if got := h.take(spec); !slices.Equal(got, []string{"r1", "r2"}) {
		t.Errorf("take = %v, want its history and its report", got)
	}
	if got := h.take(spec); len(got) != 0 || h.handedOn(spec) {
		t.Errorf("a second take = %v, want nothing: it is taken once", got)
	}
	other, _ := rotationOf(t, "payroll", nil, "").spec(ctx)
	if got := h.take(other); got == nil || len(got) != 0 {
		t.Errorf("a scope nothing was handed for: %#v, want an empty history", got)
	}
}

func TestHistoriesTwoDestroysOfOneScopeHandNothing(t *testing.T) {
	ctx := context.Background()
	var h histories
	// One of them an import, with no history at all: it still counts.
	h.handOn(ctx, rotationOf(t, "finance", nil, ""))
	h.handOn(ctx, rotationOf(t, "finance", []string{"r1"}, "r2"))
	spec, _ := rotationOf(t, "finance", nil, "").spec(ctx)
	if got := h.take(spec); len(got) != 0 {
		t.Errorf("two rotations of one scope destroyed: take = %v, want nothing rather than either history", got)
	}
}

func TestHistoriesKeepTheLastReports(t *testing.T) {
	ctx := context.Background()
	var h histories
	var long []string
	for i := range historyLimit {
		long = append(long, fmt.Sprint("r", i))
	}
	m := rotationOf(t, "finance", long, "latest")
	h.handOn(ctx, m)
	spec, _ := m.spec(ctx)
	got := h.take(spec)
	if len(got) != historyLimit || got[0] != "r1" || got[historyLimit-1] != "latest" {
		t.Errorf("take = %v, want the last %d reports, the latest last", got, historyLimit)
	}
}
