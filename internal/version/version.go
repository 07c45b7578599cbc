// Package version is the one place the provider's version is written down:
// the file VERSION beside this one. The GNUmakefile reads the same file for
// `-X main.version` (make build, make install) and passes it to `make demo`,
// which installs the provider into its local mirror under that version; a
// plain `go build` reports it too.
package version

import (
	_ "embed"
	"strings"
)

//go:embed VERSION
var file string

// Version is the content of the file VERSION, without surrounding space.
var Version = strings.TrimSpace(file)
