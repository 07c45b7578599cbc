//go:build tools

// Package tofu only pins the OpenTofu CLI for the test stack.
package tofu

import _ "github.com/opentofu/opentofu/cmd/tofu"
