package conn

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// livenessPath is MinIO's unauthenticated liveness probe.
const livenessPath = "/minio/health/live"

// IsMinIO asks the endpoint whether MinIO answers there. MinIO names
// itself in the Server header of every response, its liveness probe
// included, and answers that probe 200. Another service on the address
// (KES, a proxy's default page) answers a missing bucket's HEAD with 404
// all the same, which the S3 client reads as "no such bucket"; this tells
// the two apart. An error means the probe itself could not be made.
func (r Resolved) IsMinIO(ctx context.Context) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	scheme := "http"
	if r.Secure {
		scheme = "https"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, scheme+"://"+r.Host+livenessPath, nil)
	if err != nil {
		return false, fmt.Errorf("probing %s: %w", r.Host, err)
	}
	resp, err := (&http.Client{Transport: r.transport()}).Do(req)
	if err != nil {
		return false, fmt.Errorf("probing %s%s: %w", r.Host, livenessPath, err)
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK || strings.HasPrefix(resp.Header.Get("Server"), "MinIO"), nil
}
