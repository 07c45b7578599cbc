package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/keyrotate"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// A refresh verifies a finished rotation by listing its scope: at 10^7
// versions that is an hour of listing on every plan. So a refresh counts
// exactly only while the last exact count saw at most verify_limit listing
// entries; above it, it reads samplePages pages of the listing, starting
// at object names drawn from that last exact count (scan.KeySampler, kept
// in private state with the count), and states what the sample could have
// missed: the fewest versions spread over the scope that it finds with
// probability 95 % (drift_bound). Drift found by a sample is drift; the
// apply it leads to counts everything again.

const (
	// defaultVerifyLimit is listed in about 30 s serially on the benchmark
	// machine (0.3 ms an entry, BENCHMARKS.md): the longest a plan should
	// wait for one rotation by default.
	defaultVerifyLimit = 100_000
	// sampleKeys names are kept from an exact count; samplePages of them
	// start the pages of a sampled refresh, of samplePageSize entries (a
	// listing request each), or verify_limit/64 when that is smaller: a
	// sample reads at most a quarter of what an exact count may.
	sampleKeys     = 64
	samplePages    = 16
	samplePageSize = 1000
	verifyMemoKey  = "verify"
)

// verifyMemo is what a refresh needs of the last exact count: its size,
// and object names spread over its listing. It lives in private state:
// object names are no business of a plan.
type verifyMemo struct {
	Entries int64    `json:"entries"`
	Keys    []string `json:"keys"`
}

// sampled reports whether a refresh under limit reads a sample.
func (m verifyMemo) sampled(limit int64) bool {
	return limit > 0 && m.Entries > limit && len(m.Keys) > 0
}

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// readVerifyMemo reads the memo from private state; a missing or
// unreadable one is empty (the next count is exact).
func readVerifyMemo(ctx context.Context, p privateGetter) verifyMemo {
	var m verifyMemo
	if p == nil {
		return m
	}
	if b, d := p.GetKey(ctx, verifyMemoKey); !d.HasError() && len(b) > 0 {
		_ = json.Unmarshal(b, &m) // unreadable: empty, the next count is exact
	}
	return m
}

func writeVerifyMemo(ctx context.Context, p privateSetter, m verifyMemo) diag.Diagnostics {
	if len(m.Keys) == 0 {
		return nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	return p.SetKey(ctx, verifyMemoKey, b)
}

// newKeySampler draws the names a later sampled refresh starts at.
func newKeySampler() *scan.KeySampler {
	return scan.NewKeySampler(sampleKeys, rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1)))
}

// countSample reads samplePages pages of the scope's listing, starting at
// names drawn from memo.
func (r *rotator) countSample(ctx context.Context, spec keyrotate.Spec, memo verifyMemo, limit int64, diags *diag.Diagnostics) *scan.Result {
	starts := make([]string, 0, samplePages)
	for _, i := range rand.Perm(len(memo.Keys))[:min(samplePages, len(memo.Keys))] {
		starts = append(starts, memo.Keys[i])
	}
	res, err := scan.ScanPages(ctx, r.clients.s3, scan.ScopeOf(spec), starts, samplePageOf(limit), scan.Options{})
	if err != nil {
		r.notVerified(err, fmt.Sprintf("Reading a sample of the versions under %s/%s", spec.Bucket, spec.Prefix), diags)
		return nil
	}
	return res
}

// setSampled records a sampled verification in m, and says at plan what
// it could have missed.
func (m *batchKeyrotateModel) setSampled(res *scan.Result, memo verifyMemo, spec keyrotate.Spec, diags *diag.Diagnostics) {
	m.setVerified(res, time.Now(), spec)
	bound := scan.DriftBound(res.Seen, memo.Entries)
	m.Verification, m.DriftBound = types.StringValue(verificationSampled), types.Int64Value(bound)
	tflog.Info(context.Background(), "verified a sample of the rotation's scope", map[string]any{"read": res.Seen, "of": memo.Entries, "drift_bound": bound})
	diags.AddAttributeWarning(path.Root("verification"), "Rotation Verified By Sample",
		fmt.Sprintf("The last exact count of %s/%s listed %d entries, more than verify_limit (%d), so this refresh read %d of them, in %d pages spread over the scope, "+
			"and found %s not under %s. Drift of %d versions or more, spread over the scope, shows in such a sample with probability 95 %%; "+
			"fewer, or drift in one place, may not. For an exact count, set verify_limit = 0 and apply (an in-place update that counts every version).",
			spec.Bucket, spec.Prefix, memo.Entries, m.VerifyLimit.ValueInt64(), res.Seen, samplePages, count(res.Pending(spec.Encryption).Versions, "version"),
			targetName(spec.Encryption), bound))
}

// samplePageOf is the page size of a sampled refresh under limit.
func samplePageOf(limit int64) int {
	return int(min(samplePageSize, max(1, limit/(4*samplePages))))
}

const (
	verificationExact   = "exact"
	verificationSampled = "sampled"
)
