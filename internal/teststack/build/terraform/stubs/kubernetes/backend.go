// Package kubernetes stands in for Terraform's kubernetes state backend (see unavailable).
package kubernetes

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/unavailable"
)

func New() backend.Backend { return unavailable.New("kubernetes") }
