//go:build tools

// Package terraform only pins a Terraform CLI with provider actions
// (>= 1.14) for the acceptance tests. It is built for the tests and never
// shipped: Terraform is BUSL-1.1.
package terraform

import _ "github.com/hashicorp/terraform"
