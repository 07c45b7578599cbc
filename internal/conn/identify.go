package conn

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"
)

// livenessPath is MinIO's unauthenticated liveness probe.
const livenessPath = "/minio/health/live"

// Identity is what the endpoint's answer to MinIO's liveness probe says.
type Identity int

const (
	// Unknown: no answer, or one that proves nothing (a proxy's 5xx while
	// MinIO restarts).
	Unknown Identity = iota
	// IsMinIO: the probe answered 200, or MinIO named itself.
	IsMinIO
	// NotMinIO: something answered the probe, not 200, not naming itself
	// MinIO: another service on the address (KES, a proxy's own page).
	NotMinIO
)

// Identify asks the endpoint whether MinIO answers there. MinIO answers
// the probe 200 and names itself in the Server header of every response.
// Another service on the address answers a missing bucket's HEAD with 404
// all the same, which the S3 client reads as "no such bucket"; this tells
// the two apart. Only a definite answer other than MinIO's is NotMinIO.
func (r Resolved) Identify(ctx context.Context) Identity {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	scheme := "http"
	if r.Secure {
		scheme = "https"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, scheme+"://"+r.Host+livenessPath, nil)
	if err != nil {
		return Unknown
	}
	resp, err := (&http.Client{Transport: r.transport()}).Do(req)
	if err != nil {
		return Unknown
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusOK || strings.HasPrefix(resp.Header.Get("Server"), "MinIO"):
		return IsMinIO
	case resp.StatusCode >= 500:
		return Unknown
	default:
		return NotMinIO
	}
}

// FromMinIO reports whether err is an answer MinIO itself gave: an S3
// error naming MinIO as its server, or an admin error with a MinIO code or
// a request ID (minio-go makes up errors with the request ID "minio" for
// answers that carry none).
func FromMinIO(err error) bool {
	var s3 minio.ErrorResponse
	if errors.As(err, &s3) {
		return strings.HasPrefix(s3.Server, "MinIO") || (s3.RequestID != "" && s3.RequestID != "minio")
	}
	var adm madmin.ErrorResponse
	if errors.As(err, &adm) {
		return strings.HasPrefix(adm.Code, "XMinio") || adm.RequestID != ""
	}
	return false
}
