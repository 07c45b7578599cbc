// Package policytest evaluates the Rego policies of examples/policy on
// plans that Terraform makes against a live MinIO and KES.
package policytest
