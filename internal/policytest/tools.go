//go:build tools

package policytest

// The opa CLI, pinned with the library the tests use, for `opa test`.
import _ "github.com/open-policy-agent/opa"
