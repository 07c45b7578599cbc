// Package consul stands in for Terraform's consul state backend (see unavailable).
package consul

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/unavailable"
)

func New() backend.Backend { return unavailable.New("consul") }
