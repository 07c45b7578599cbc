package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// Another service on the endpoint's address (KES, a proxy's default page)
// answers MinIO's calls with 404 pages and bodies that are not MinIO's,
// which read as a missing bucket, a missing key or a server response that
// cannot be parsed. A failure no explanation fits is therefore checked
// against MinIO's liveness probe once per provider instance, and an
// endpoint that is not MinIO is named as the cause.

// notMinIOProbeTimeout bounds the probe: it runs only after a failure.
const notMinIOProbeTimeout = 10 * time.Second

// endpointIsNotMinIO reports whether the endpoint answered the probe and
// is not MinIO; false when it is, or when the probe could not be made
// (the original failure then stands).
func (c *clients) endpointIsNotMinIO() bool {
	c.notMinIOOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), notMinIOProbeTimeout)
		defer cancel()
		isMinIO, err := c.minio.IsMinIO(ctx)
		c.notMinIO = err == nil && !isMinIO
	})
	return c.notMinIO
}

// explainNotMinIO adds the endpoint as the cause of a failure, after what
// was not done, and reports true when the endpoint is not MinIO.
func (c *clients) explainNotMinIO(notDone string, diags *diag.Diagnostics) bool {
	if !c.endpointIsNotMinIO() {
		return false
	}
	diags.AddError("Endpoint Is Not MinIO",
		fmt.Sprintf("The server at %s (%s) answered, but it is not MinIO: it does not answer MinIO's liveness probe /minio/health/live. %s "+
			"Set the endpoint to MinIO's S3 address (port 9000 unless changed), not KES's or another service's.",
			c.s3.EndpointURL().Host, endpointSetting(c.minio.Source("endpoint")), notDone))
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
	if c.explainNotMinIO(notDone, diags) {
		return
	}
	detail := fmt.Sprintf("the server at %s has no bucket %q. %s Create the bucket first, or correct its name.", c.s3.EndpointURL().Host, bucket, notDone)
	if at.Equal(path.Empty()) {
		diags.AddError("Bucket Not Found", "The"+strings.TrimPrefix(detail, "the"))
		return
	}
	diags.AddAttributeError(at, "Bucket Not Found", at.String()+": "+detail)
}
