package policytest

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/open-policy-agent/opa/v1/rego"
)

// policyDir is loaded as `opa eval -d examples/policy` loads it, tests
// included.
const policyDir = "../../examples/policy"

var denyQuery = sync.OnceValues(func() (rego.PreparedEvalQuery, error) {
	return rego.New(rego.Query("data.minio.keyrotate.deny"), rego.Load([]string{policyDir}, nil)).
		PrepareForEval(context.Background())
})

// deny evaluates the policies on a plan, with no settings, in both input
// shapes (the plan itself, and input.plan as HCP Terraform passes it), and
// returns the sorted messages after checking that both agree.
func deny(t *testing.T, plan map[string]any) []string {
	t.Helper()
	direct := evalDeny(t, plan)
	tfc := evalDeny(t, map[string]any{"plan": plan, "run": map[string]any{"workspace": map[string]any{"name": "policytest"}}})
	if !reflect.DeepEqual(direct, tfc) {
		t.Errorf("the input.plan shape gives other messages:\n%q\nthan the plan itself:\n%q", tfc, direct)
	}
	return direct
}

func evalDeny(t *testing.T, input any) []string {
	t.Helper()
	q, err := denyQuery()
	if err != nil {
		t.Fatalf("loading %s: %v", policyDir, err)
	}
	rs, err := q.Eval(context.Background(), rego.EvalInput(input))
	if err != nil {
		t.Fatalf("evaluating: %v", err)
	}
	if len(rs) != 1 || len(rs[0].Expressions) != 1 {
		t.Fatalf("data.minio.keyrotate.deny is undefined: %v", rs)
	}
	values, ok := rs[0].Expressions[0].Value.([]any)
	if !ok {
		t.Fatalf("data.minio.keyrotate.deny is %T, want a set of messages", rs[0].Expressions[0].Value)
	}
	msgs := make([]string, 0, len(values))
	for _, v := range values {
		msgs = append(msgs, v.(string))
	}
	slices.Sort(msgs)
	return msgs
}

// wantDeny fails the test unless the plan is denied with exactly want.
func wantDeny(t *testing.T, plan map[string]any, want ...string) {
	t.Helper()
	got := deny(t, plan)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("deny messages:\n%s\nwant:\n%s", lines(got), lines(want))
	}
}

func lines(msgs []string) string {
	if len(msgs) == 0 {
		return "  (none)"
	}
	var s string
	for _, m := range msgs {
		s += "  " + m + "\n"
	}
	return s
}
