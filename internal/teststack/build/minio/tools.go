//go:build tools

// Package minio only pins the MinIO server binary for the test stack.
package minio

import _ "github.com/minio/minio"
