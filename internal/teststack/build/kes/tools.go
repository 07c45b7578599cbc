//go:build tools

// Package kes only pins the KES server binary for the test stack.
package kes

import _ "github.com/minio/kes/cmd/kes"
