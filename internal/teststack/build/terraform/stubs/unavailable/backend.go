// Package unavailable is a state backend that refuses every call. The
// Terraform built for the tests links it in place of the remote-state
// backends the Go module proxy does not serve; the tests only use the local
// backend.
package unavailable

import (
	"fmt"

	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/configs/configschema"
	"github.com/hashicorp/terraform/internal/states/statemgr"
	"github.com/hashicorp/terraform/internal/tfdiags"
	"github.com/zclconf/go-cty/cty"
)

// New returns the stand-in for the backend called name.
func New(name string) backend.Backend { return unavailable(name) }

type unavailable string

func (u unavailable) diags() tfdiags.Diagnostics {
	var diags tfdiags.Diagnostics
	return diags.Append(fmt.Errorf("the %q backend is not part of this test build of Terraform", string(u)))
}

func (u unavailable) ConfigSchema() *configschema.Block { return &configschema.Block{} }

func (u unavailable) PrepareConfig(v cty.Value) (cty.Value, tfdiags.Diagnostics) {
	return v, u.diags()
}

func (u unavailable) Configure(cty.Value) tfdiags.Diagnostics { return u.diags() }

func (u unavailable) StateMgr(string) (statemgr.Full, tfdiags.Diagnostics) { return nil, u.diags() }

func (u unavailable) DeleteWorkspace(string, bool) tfdiags.Diagnostics { return u.diags() }

func (u unavailable) Workspaces() ([]string, tfdiags.Diagnostics) { return nil, u.diags() }
