// Package usage finds what still depends on a KMS key before it is
// deleted: the object versions sealed under it and the buckets whose
// default encryption names it.
//
// [Scan] lists every bucket the credentials can list (ListBuckets) and,
// for each, reads its default encryption (GetBucketEncryption) and makes
// one pass of the versioned listing with metadata over the whole bucket
// ([scan.Walk]: 1,000 versions a request, no request per object). The
// cost is therefore one versioned listing of every bucket: one request per
// 1,000 versions and delete markers (at least one per bucket), plus the
// encryption request per bucket, and minio-go's bucket location lookup
// when the client has no region. Measured on the test stack: 6 buckets
// holding 2,509 versions took 1 + 6 + 6 + 8 requests and about half a
// second. Memory stays bounded: counts, and a few sample versions per
// bucket.
//
// What it cannot see:
//   - buckets the credentials cannot list: ListBuckets leaves them out, and
//     nothing tells they exist. Run it with credentials that see every
//     bucket (the root user, or a policy with s3:ListAllMyBuckets,
//     s3:ListBucketVersions and s3:GetEncryptionConfiguration on "*").
//   - objects in a bucket it lists but may not read: such a bucket is not
//     skipped, the scan fails on it, naming it, so that a caller never
//     mistakes "not allowed to look" for "not used".
//   - objects written after the scan (under the key explicitly, or through
//     a bucket default set after its bucket was read): the answer is only
//     true at the time of the listing.
//   - SSE-S3 versions: the listing shows no key for them. They are sealed
//     under MinIO's KMS default key (the one in use when they were
//     written), which also protects MinIO's own encrypted configuration;
//     [Report.ServerDefault] says whether key is the current one.
//   - anything outside this MinIO deployment that uses the same key through
//     the same KES: other deployments, replication targets, applications
//     calling KES directly. [ScanSites] covers the first two where they can
//     be found: see below.
//
// Under site replication every site holds and seals its own copy of each
// version, and a keyrotate job re-seals only the site it runs on, so a key
// one site no longer uses may still seal every copy on another.
// [ScanSites] therefore checks every site of the group at once (bounded by
// [SitesOptions.Parallel]), each with its own clients: its KMS default
// key, its bucket replication targets outside the group
// (sites.OutsideTargets) and a Scan. The reports stay apart, site by site
// in the order given ([SitesReport]), with helpers that add them up. A
// bucket replicated to a deployment outside the group leaves copies there
// that are sealed by that deployment's own KMS under the same key name:
// the report names such targets ([SitesReport.Targets]) but counts
// nothing there, since nothing here can list it. Deployments that replicate
// into the group from outside are not seen at all.
package usage
