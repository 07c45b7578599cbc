// Package teststack runs a real MinIO wired to a real KES for tests and
// demos: as containers when a Docker engine answers, as local processes
// when it does not, or an external stack described by environment
// variables. It knows nothing about Terraform. A stack can also be several
// single-node deployments on one KES: sites joined by site replication,
// and one outside any group (Options.Sites, Options.Outside).
//
// The servers are built from the pins in the nested modules under build/
// (kept out of the provider's go.mod because of their dependency graphs)
// and cached, so only a changed pin triggers a rebuild.
package teststack
