// Package s3 stands in for Terraform's s3 state backend (see unavailable).
package s3

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/unavailable"
)

func New() backend.Backend { return unavailable.New("s3") }
