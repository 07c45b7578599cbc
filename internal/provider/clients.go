package provider

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/conn"
)

// clients is what Configure hands to resources and data sources. Building
// them contacts no server.
type clients struct {
	admin *madmin.AdminClient
	s3    *minio.Client
	kes   *conn.KESConn // nil without a kes block or KES_SERVER
	// minio explains connection failures of admin and s3.
	minio conn.Resolved

	redundancyOnce sync.Once
	// version is the provider's, for rotation reports.
	version string

	// siteEndpoints are the provider's site_endpoints (or the variable's),
	// by site name; siteEndpointsFrom names which of the two set them.
	siteEndpoints     map[string]string
	siteEndpointsFrom string
	// group is the deployments the provider reaches, found once per
	// provider instance (see sites.go).
	groupMu sync.Mutex
	group   []*site
	// site names this deployment in messages when it is one site of a
	// group; empty for the provider's own deployment.
	site string
	// plannedKeys are the KES keys this plan creates (plan_target_key.go).
	plannedKeys sync.Map
	// identity is what the endpoint proved to be, probed after a failure
	// nothing else explains until the answer is definite (not_minio.go).
	identityMu sync.Mutex
	identity   conn.Identity
	// histories carries rotation histories from a destroyed rotation to
	// its replacement (batch_keyrotate_history.go).
	histories histories
}

func newClients(r conn.Resolved) (*clients, error) {
	admin, err := r.Admin()
	if err != nil {
		return nil, err
	}
	s3, err := r.S3()
	if err != nil {
		return nil, err
	}
	return &clients{admin: admin, s3: s3, minio: r}, nil
}

// jobUserTimeout bounds the informational calls (who ran a job, which
// deployment a site is): madmin retries a site that is gone for minutes.
const jobUserTimeout = 20 * time.Second

// jobUser finds who started a job through the job list; the status report
// does not say. It is informational, so a failure only logs.
func (c *clients) jobUser(ctx context.Context, id string) string {
	// Bounded: it is informational, and madmin retries a site that is gone
	// for minutes.
	ctx, cancel := context.WithTimeout(ctx, jobUserTimeout)
	defer cancel()
	list, err := c.admin.ListBatchJobs(ctx, &madmin.ListBatchJobsFilter{})
	if err != nil {
		tflog.Warn(ctx, "could not list batch jobs to find the job's user", map[string]any{"error": err.Error()})
		return ""
	}
	for _, j := range list.Jobs {
		if j.ID == id {
			return j.User
		}
	}
	return ""
}

// configured reports whether the provider could be configured, and says
// why not otherwise: its settings depend on resources not yet created.
func configured(c *clients, diags *diag.Diagnostics) bool {
	if c == nil {
		diags.AddError("Provider Not Configured",
			"The minio provider has no connection settings yet (an argument depends on a resource not yet created). Apply that first.")
		return false
	}
	return true
}

// kesConfigured is configured for what needs KES as well.
func kesConfigured(c *clients, what string, diags *diag.Diagnostics) bool {
	if !configured(c, diags) {
		return false
	}
	if c.kes == nil {
		diags.AddError("KES Not Configured",
			what+" needs a connection to KES: add a kes block to the provider (endpoint and api_key, or a client certificate), or set KES_SERVER and KES_API_KEY.")
		return false
	}
	return true
}

// clientsFrom unpacks provider data in a resource's or data source's
// Configure; nil data (provider not yet configured) is not an error.
func clientsFrom(data any, diags *diag.Diagnostics) *clients {
	if data == nil {
		return nil
	}
	c, ok := data.(*clients)
	if !ok {
		diags.AddError("Unexpected Provider Data", fmt.Sprintf("Expected *clients, got %T. This is a bug in the provider; please report it.", data))
		return nil
	}
	return c
}

// explain adds err as the connection, credential or TLS problem it is,
// after what the provider was doing, and reports true; it reports false
// when err is some other failure, for the caller to word.
func (c *clients) explain(err error, doing string, diags *diag.Diagnostics) bool {
	f, ok := c.minio.Explain(err)
	if ok {
		diags.AddError(f.Summary, doing+" "+f.Detail)
		return true
	}
	return c.explainNotMinIO(err, doing, diags)
}

// deniedNote is, for err a request MinIO's policy denied, the sentences
// that name the policy action MinIO checked, what needs it and how to grant
// it (conn's Explain), with a leading space, for a diagnostic that words
// the failure itself and shows err after them; "" for any other error.
func (c *clients) deniedNote(err error) string {
	if conn.DeniedAction(err) == "" {
		return ""
	}
	f, _ := c.minio.Explain(err)
	detail, _, _ := strings.Cut(f.Detail, "\n\n") // without the original error
	return " " + detail
}

// warn adds err as a warning: explained (naming, for a denied request,
// the missing action) when it is a connection, credential or policy
// problem, else under summary. doing says what could not be done.
func (c *clients) warn(err error, summary, doing string, diags *diag.Diagnostics) {
	if f, ok := c.minio.Explain(err); ok {
		diags.AddWarning(f.Summary, doing+" "+f.Detail)
		return
	}
	diags.AddWarning(summary, doing+"\n\n"+err.Error())
}

// explainKES is explain for errors of the KES client's call of the KES
// API path path (conn.KESCreateKey, ...), which a refusal names.
func (c *clients) explainKES(err error, doing, path string, diags *diag.Diagnostics) bool {
	f, ok := c.kes.ExplainCall(err, path)
	if ok {
		diags.AddError(f.Summary, doing+" "+f.Detail)
	}
	return ok
}
