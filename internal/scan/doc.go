// Package scan reads, from outside the server, what a key rotation would
// touch and what it has left: one streaming pass of MinIO's versioned
// listing with metadata (ListObjectVersions with metadata=true, a MinIO
// extension), 1,000 versions a call and no request per object.
//
// The listing carries, per version, what the server's filter and the
// rotation's side effects depend on: last-modified time, size, tags, user
// metadata and standard headers, the encryption (with the KMS key name) and
// whether the version is a delete marker. [FromListing] turns one entry into
// a [Version], [Walk] streams them, and [Scan] counts those a job's
// [keyrotate.Filter] selects, keeping memory bounded whatever the size of
// the bucket.
//
// What the listing cannot tell: whether a version carries an Expires
// header (the server drops "expires" from listed metadata, and a rotation
// drops the header itself), and whether an SSE-S3 version was resealed
// (SSE-S3 shows no key). Last-modified times come with millisecond
// precision, while the server's time filters compare nanoseconds.
package scan
