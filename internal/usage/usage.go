package usage

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/sse"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// Client is what Scan needs of *minio.Client, so that tests can pass a
// fake.
type Client interface {
	scan.Lister
	ListBuckets(ctx context.Context) ([]minio.BucketInfo, error)
	GetBucketEncryption(ctx context.Context, bucket string) (*sse.Configuration, error)
}

var _ Client = (*minio.Client)(nil)

// Options tunes Scan. The zero value is usable.
type Options struct {
	// Samples is how many versions under the key each bucket keeps for
	// messages, first in listing order; 0 means DefaultSamples.
	Samples int
	// Progress, if set, is called every scan.ProgressEvery listing entries
	// and after each bucket.
	Progress func(Progress)
	// ServerDefaultKey is MinIO's KMS default key (see ServerDefaultKey),
	// if known: Report.ServerDefault says whether key is it.
	ServerDefaultKey string
	// Concurrency is how many listings run at a time: buckets side by
	// side, each split into key ranges (scan.Partition); 0 or 1 lists one
	// bucket after another in one listing each. The report is the same.
	Concurrency int
}

// DefaultSamples is Options.Samples when zero.
const DefaultSamples = 3

// Progress is how far a scan has come.
type Progress struct {
	// BucketsDone of BucketsTotal buckets have been scanned completely.
	BucketsDone, BucketsTotal int
	// Bucket is the bucket being scanned, or the last one done.
	Bucket string
	// VersionsSeen counts the listing entries of every bucket so far:
	// data versions and delete markers.
	VersionsSeen int64
}

// Bucket is what one bucket holds under the key.
type Bucket struct {
	Name string
	// Versions and Bytes count the data versions sealed under the key (all
	// versions, not only the latest) and their content bytes.
	Versions, Bytes int64
	// DefaultNamesKey is set when the bucket's default encryption is
	// SSE-KMS with the key: every object written to it without explicit
	// encryption is sealed under the key.
	DefaultNamesKey bool
	// Samples are the first versions under the key in listing order, at
	// most Options.Samples.
	Samples []scan.VersionRef
}

// InUse reports whether the bucket depends on the key.
func (b Bucket) InUse() bool { return b.Versions > 0 || b.DefaultNamesKey }

// Report is what Scan found.
type Report struct {
	Key string
	// Buckets lists the buckets that depend on the key (InUse), by name.
	Buckets []Bucket
	// Versions and Bytes add up Buckets.
	Versions, Bytes int64
	// BucketsScanned counts the buckets scanned completely, whether they
	// use the key or not. A bucket deleted during the scan counts as
	// scanned: nothing in it can be lost any more.
	BucketsScanned int
	// VersionsSeen counts the listing entries of every bucket scanned.
	VersionsSeen int64
	// ServerDefault is set when the key is MinIO's KMS default key
	// (Options.ServerDefaultKey): SSE-S3 objects, buckets whose default is
	// SSE-S3 and MinIO's own encrypted configuration depend on it, which
	// no listing can count.
	ServerDefault bool
}

// InUse reports whether anything found depends on the key.
func (r Report) InUse() bool { return len(r.Buckets) > 0 || r.ServerDefault }

// DefaultBuckets counts the buckets whose default encryption names the key.
func (r Report) DefaultBuckets() int {
	n := 0
	for _, b := range r.Buckets {
		if b.DefaultNamesKey {
			n++
		}
	}
	return n
}

// Error is a scan that did not finish. The report returned beside it holds
// what was found before it stopped, and is incomplete.
type Error struct {
	// Bucket is where the scan stopped; empty when the bucket list itself
	// could not be read.
	Bucket string
	// Doing is what failed: "listing the buckets", "listing the versions",
	// "reading the default encryption".
	Doing                     string
	BucketsDone, BucketsTotal int
	Err                       error
}

func (e *Error) Error() string {
	if e.Bucket == "" {
		return fmt.Sprintf("%s: %v", e.Doing, e.Err)
	}
	return fmt.Sprintf("bucket %q (%d of %d buckets scanned): %s: %v", e.Bucket, e.BucketsDone, e.BucketsTotal, e.Doing, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

const kmsARNPrefix = "arn:aws:kms:"

// Scan finds what depends on key in every bucket the credentials can list:
// data versions sealed under it, counted by bucket, and buckets whose
// default encryption names it. See the package documentation for what it
// cannot see. It stops at the first error, which is an *Error, returning
// with it the incomplete report; ctx bounds the whole scan.
func Scan(ctx context.Context, c Client, key string, o Options) (Report, error) {
	if o.Samples <= 0 {
		o.Samples = DefaultSamples
	}
	r := Report{Key: key, ServerDefault: key != "" && key == o.ServerDefaultKey}
	buckets, err := c.ListBuckets(ctx)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return r, &Error{Doing: "listing the buckets", Err: err}
	}
	names := make([]string, len(buckets))
	for i, b := range buckets {
		names[i] = b.Name
	}
	slices.Sort(names)
	if o.Concurrency > 1 {
		return scanConcurrent(ctx, c, key, o, r, names)
	}
	p := Progress{BucketsTotal: len(names)}
	report := func() {
		if o.Progress != nil {
			o.Progress(p)
		}
	}
	for _, name := range names {
		p.Bucket = name
		fail := func(doing string, err error) (Report, error) {
			return r, &Error{Bucket: name, Doing: doing, BucketsDone: p.BucketsDone, BucketsTotal: p.BucketsTotal, Err: err}
		}
		b := Bucket{Name: name}
		gone := false
		named, err := defaultNames(ctx, c, name, key)
		switch {
		case isNoSuchBucket(err):
			gone = true
		case err != nil:
			return fail("reading the default encryption", err)
		}
		b.DefaultNamesKey = named
		if !gone {
			var seen int64
			err = scan.Walk(ctx, c, name, "", func(v scan.Version) error {
				seen++
				p.VersionsSeen++
				if seen%scan.ProgressEvery == 0 {
					report()
				}
				b.tally(v, key, o.Samples)
				return nil
			})
			r.VersionsSeen += seen
			switch {
			case isNoSuchBucket(err):
				// Deleted while listed: what it held is gone already.
				b = Bucket{Name: name}
			case err != nil:
				return fail("listing the versions", err)
			}
		}
		if b.InUse() {
			r.Buckets = append(r.Buckets, b)
			r.Versions += b.Versions
			r.Bytes += b.Bytes
		}
		r.BucketsScanned++
		p.BucketsDone++
		report()
	}
	slices.SortFunc(r.Buckets, func(a, b Bucket) int { return cmp.Compare(a.Name, b.Name) })
	return r, nil
}

// defaultNames reports whether the default encryption of bucket is SSE-KMS
// with key. A bucket without default encryption is not an error.
func defaultNames(ctx context.Context, c Client, bucket, key string) (bool, error) {
	cfg, err := c.GetBucketEncryption(ctx, bucket)
	if err != nil {
		if code(err) == "ServerSideEncryptionConfigurationNotFoundError" {
			return false, nil
		}
		return false, err
	}
	if cfg == nil {
		return false, nil
	}
	for _, rule := range cfg.Rules {
		a := rule.Apply
		if a.SSEAlgorithm == "aws:kms" && strings.TrimPrefix(a.KmsMasterKeyID, kmsARNPrefix) == key {
			return true, nil
		}
	}
	return false, nil
}

func code(err error) string {
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		return er.Code
	}
	return ""
}

func isNoSuchBucket(err error) bool { return err != nil && code(err) == "NoSuchBucket" }

// KMSStatusReader is the call of *madmin.AdminClient that ServerDefaultKey
// makes.
type KMSStatusReader interface {
	KMSStatus(ctx context.Context) (madmin.KMSStatus, error)
}

var _ KMSStatusReader = (*madmin.AdminClient)(nil)

// ServerDefaultKey asks MinIO for its KMS default key: the key SSE-S3
// objects are sealed under, and MinIO's own encrypted configuration. A
// MinIO without a KMS has none: "".
func ServerDefaultKey(ctx context.Context, c KMSStatusReader) (string, error) {
	st, err := c.KMSStatus(ctx)
	var er madmin.ErrorResponse
	if errors.As(err, &er) && er.Code == "XMinioKMSNotConfigured" {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("asking MinIO for its KMS status: %w", err)
	}
	return strings.TrimPrefix(st.DefaultKeyID, kmsARNPrefix), nil
}

// tally counts v in b when it is a data version sealed under key, keeping
// the first samples of them.
func (b *Bucket) tally(v scan.Version, key string, samples int) {
	if v.IsDeleteMarker || v.Encryption.Kind != scan.SSEKMS || v.Encryption.Key != key {
		return
	}
	b.Versions++
	b.Bytes += v.Size
	if len(b.Samples) < samples {
		b.Samples = append(b.Samples, scan.VersionRef{Name: v.Name, VersionID: v.VersionID, KMSKey: v.Encryption.Key})
	}
}
