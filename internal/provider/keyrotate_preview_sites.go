package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// Under site replication a rotation runs one job per site, so the preview
// counts the scope on every site: by site in sites, and in total in the
// data source's own counts.

var previewSiteType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"name": types.StringType, "versions": types.Int64Type, "bytes": types.Int64Type,
	"tagged_versions": types.Int64Type, "deleted_objects": types.Int64Type,
}}

func previewSitesAttribute() schema.ListNestedAttribute {
	return schema.ListNestedAttribute{
		Computed: true,
		MarkdownDescription: "One entry per site when the provider's deployment belongs to a site-replication group (the provider's own site first); empty otherwise. " +
			"A rotation runs one job per site, so `versions`, `bytes`, `by_key`, `pending`, `tagged_versions` and `deleted_objects` are then totals over the sites.",
		NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
			"name":            schema.StringAttribute{Computed: true, MarkdownDescription: "The site's name in the group."},
			"versions":        schema.Int64Attribute{Computed: true, MarkdownDescription: "Data versions in scope on the site."},
			"bytes":           schema.Int64Attribute{Computed: true, MarkdownDescription: "Their content bytes."},
			"tagged_versions": schema.Int64Attribute{Computed: true, MarkdownDescription: "Tagged versions in scope on the site, whose tags the job drops."},
			"deleted_objects": schema.Int64Attribute{Computed: true, MarkdownDescription: "Deleted objects under `prefix` on the site with a version the rotation rewrites."},
		}},
	}
}

// previewSites counts the scope on every other site of the group (local
// is this site's count) and returns the total and the sites attribute.
func (d *keyrotatePreviewDataSource) previewSites(ctx context.Context, scope scan.Scope, now time.Time, local *scan.Result, diags *diag.Diagnostics) (*scan.Result, types.List) {
	empty := types.ListValueMust(previewSiteType, nil)
	group, ok := d.clients.sites(ctx, "The preview was not read.", diags)
	if !ok || len(group) < 2 {
		return local, empty
	}
	results := make([]*scan.Result, len(group))
	errs := make([]error, len(group))
	results[0] = local
	eachOf(group[1:], func(i int, s *site) {
		results[i+1], errs[i+1] = scan.ScanConcurrent(ctx, s.s3, scope, scan.Options{Now: now, Tags: s.s3}, listingConcurrency)
	})
	total := &scan.Result{}
	values := make([]attr.Value, len(group))
	for i, s := range group {
		if errs[i] != nil {
			if !s.explain(errs[i], fmt.Sprintf("The preview was not read: listing the scope on site %s failed.", s.Name), diags) {
				diags.AddError("Cannot List Object Versions",
					fmt.Sprintf("Listing the versions in scope on site %s failed, so the preview cannot count every site. Check that the site is reachable (site_endpoints) and that the credentials may list object versions there.\n\n%v", s.Name, errs[i]))
			}
			return local, empty
		}
		r := results[i]
		total.Add(r)
		values[i] = types.ObjectValueMust(previewSiteType.AttrTypes, map[string]attr.Value{
			"name": types.StringValue(s.Name), "versions": types.Int64Value(r.InScope.Versions), "bytes": types.Int64Value(r.InScope.Bytes),
			"tagged_versions": types.Int64Value(r.Tagged), "deleted_objects": types.Int64Value(r.Resurfacing),
		})
	}
	return total, types.ListValueMust(previewSiteType, values)
}
