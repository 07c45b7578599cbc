// Stands in for the remote-state backends that Terraform keeps in modules
// of their own, which the Go module proxy does not serve.
module github.com/hashicorp/terraform/internal/backend/remote-state/unavailable

go 1.26
