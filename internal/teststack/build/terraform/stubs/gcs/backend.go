// Package gcs stands in for Terraform's gcs state backend (see unavailable).
package gcs

import (
	"github.com/hashicorp/terraform/internal/backend"
	"github.com/hashicorp/terraform/internal/backend/remote-state/unavailable"
)

func New() backend.Backend { return unavailable.New("gcs") }
