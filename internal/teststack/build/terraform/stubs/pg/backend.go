// Package pg stands in for Terraform's pg state backend (see unavailable).
package pg

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/unavailable"
)

func New() backend.Backend { return unavailable.New("pg") }
