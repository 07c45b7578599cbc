module github.com/hashicorp/terraform/internal/backend/remote-state/oci

go 1.26

require github.com/hashicorp/terraform/internal/backend/remote-state/unavailable v0.0.0
