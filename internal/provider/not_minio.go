package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/conn"
)

// Another service on the endpoint's address (KES, a proxy's default page)
// answers MinIO's calls with 404 pages and bodies that are not MinIO's,
// which read as a missing bucket, a missing key or a server response that
// cannot be parsed. A failure that MinIO did not visibly answer, and that
// no explanation fits, is checked against MinIO's liveness probe, and an
// endpoint that definitely is not MinIO is named as the cause.

// endpointIsNotMinIO reports whether the endpoint answered the probe and
// is not MinIO. A definite answer is kept for the provider instance; an
// inconclusive one (no answer, a 5xx) is asked again next time.
func (c *clients) endpointIsNotMinIO() bool {
	c.identityMu.Lock()
	defer c.identityMu.Unlock()
	if c.identity == conn.Unknown {
		c.identity = c.minio.Identify(context.Background())
	}
	return c.identity == conn.NotMinIO
}

// explainNotMinIO adds the endpoint as the cause of err (nil for a
// failure without one, such as a bucket reported missing), after what was
// not done, and reports true when the endpoint is not MinIO. An error
// MinIO itself answered never is.
func (c *clients) explainNotMinIO(err error, notDone string, diags *diag.Diagnostics) bool {
	if (err != nil && conn.FromMinIO(err)) || !c.endpointIsNotMinIO() {
		return false
	}
	detail := fmt.Sprintf("The server at %s (%s) answered, but it is not MinIO: it does not answer MinIO's liveness probe /minio/health/live. %s "+
		"Set the endpoint to MinIO's S3 address (port 9000 unless changed), not KES's or another service's.",
		c.s3.EndpointURL().Host, endpointSetting(c.minio.Source("endpoint")), notDone)
	if err != nil {
		detail += "\n\n" + err.Error()
	}
	diags.AddError("Endpoint Is Not MinIO", detail)
	return true
}

// endpointSetting names where the endpoint was set, for a diagnostic.
func endpointSetting(source string) string {
	if source == "" || source == "endpoint" {
		return "the provider's endpoint"
	}
	return "set by " + source
}

// bucketNotFound reports that the endpoint has no bucket named bucket,
// unless the endpoint is not MinIO at all. notDone says what was
// therefore not done; the error goes on attribute at, or on the whole
// resource when at is empty.
func (c *clients) bucketNotFound(bucket, notDone string, at path.Path, diags *diag.Diagnostics) {
	if c.explainNotMinIO(nil, notDone, diags) {
		return
	}
	detail := fmt.Sprintf("the server at %s has no bucket %q. %s Create the bucket first, or correct its name.", c.s3.EndpointURL().Host, bucket, notDone)
	if at.Equal(path.Empty()) {
		diags.AddError("Bucket Not Found", "The"+strings.TrimPrefix(detail, "the"))
		return
	}
	diags.AddAttributeError(at, "Bucket Not Found", at.String()+": "+detail)
}
