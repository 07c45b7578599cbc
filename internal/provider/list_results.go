package provider

import "github.com/hashicorp/terraform-plugin-framework/diag"

// asWarnings is diags with every error turned into a warning: the failure
// of one listed object, which must not end the whole query.
func asWarnings(diags diag.Diagnostics) diag.Diagnostics {
	var out diag.Diagnostics
	for _, d := range diags {
		out.AddWarning(d.Summary(), d.Detail())
	}
	return out
}
