// Package cos stands in for Terraform's cos state backend (see unavailable).
package cos

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/unavailable"
)

func New() backend.Backend { return unavailable.New("cos") }
