// Terraform requires this module only for its own tests.
module github.com/hashicorp/terraform/internal/legacy

go 1.26
