package batchjob

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/minio/madmin-go/v3"
)

// ErrMalformedJobID reports an ID the server cannot have minted. It lets
// callers refuse such an ID up front instead of reporting it as an unknown
// job: the server answers a status request for an ID with an unknown type
// prefix with an internal error, not with "no such job".
var ErrMalformedJobID = errors.New("malformed batch job ID")

// ParseJobID checks that id has the shape StartBatchJob gives job IDs,
// "<type>-<shortuuid>:<node index>" (cmd/batch-handlers.go), and returns its
// type, e.g. "keyrotate". The type must be one the server's status handler
// knows (madmin.SupportedJobTypes). Servers running on Windows separate the
// node index with '_' instead of ':' (getKeySeparator), so both are accepted.
// A single-node deployment has no proxy endpoints and mints index -1
// (GetProxyEndpointLocalIndex), e.g. keyrotate-CxQ9pLeKdvbkREmZraJmEg:-1.
func ParseJobID(id string) (jobType string, err error) {
	typ, rest, _ := strings.Cut(id, "-")
	sep := strings.LastIndexAny(rest, ":_")
	if !slices.Contains(madmin.SupportedJobTypes, madmin.BatchJobType(typ)) ||
		sep < 1 || !isAlnum(rest[:sep]) || !isDigits(strings.TrimPrefix(rest[sep+1:], "-")) {
		return "", fmt.Errorf("%w %q: want <type>-<id>:<node index> with type one of %v, e.g. keyrotate-VbqTeFmUFMFCKQmQjmrNr2:0 or keyrotate-VbqTeFmUFMFCKQmQjmrNr2:-1",
			ErrMalformedJobID, id, madmin.SupportedJobTypes)
	}
	return typ, nil
}

func isAlnum(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9')
	})
}

func isDigits(s string) bool {
	return s != "" && !strings.ContainsFunc(s, func(r rune) bool { return r < '0' || r > '9' })
}
