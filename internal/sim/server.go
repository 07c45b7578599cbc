// Package sim is an S3 server that makes its buckets up: object i of a
// bucket and its versions are computed from i when a listing page asks for
// them, so nothing is stored and a bucket can hold 10^7 versions or more.
// It answers what the provider's listing passes send (versioned listing
// with MinIO's metadata extension, HEAD, tagging, bucket list, default
// encryption) and counts the requests by API, so that benchmarks can drive
// the real code paths through a real *minio.Client.
package sim

import (
	"bytes"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Shape of every bucket: each object has VersionsPer versions, newest
// first; every DeletedEvery-th object's latest version is a delete marker;
// every TaggedEvery-th carries a tag; every OtherKeyEvery-th older version
// is under KeyB instead of KeyA; every ExpiresEvery-th version has an
// Expires header (seen by HEAD only, as on MinIO); half the objects are
// older than OldDate's cut (Old), half newer.
const (
	VersionsPer   = 2
	DeletedEvery  = 10
	TaggedEvery   = 5
	OtherKeyEvery = 4
	ExpiresEvery  = 100
	KeyA, KeyB    = "key-a", "key-b"
	pageDefault   = 1000
)

// Dates of the versions: object i is Old when i is even.
var (
	OldDate = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	NewDate = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
)

// Server is the handler; Buckets maps a bucket's name to its object count.
type Server struct {
	buckets  map[string]*bucket
	names    []string
	mu       sync.Mutex
	requests map[string]*atomic.Int64
	bufs     sync.Pool
}

type bucket struct {
	objects int
	// prefixes split the objects into contiguous blocks, one per prefix,
	// so that names sort like indexes: "a/obj/000000042".
	prefixes []string
}

// Prefixes are the top-level "directories" of every bucket.
var Prefixes = []string{"a/obj/", "b/obj/", "c/obj/", "d/obj/"}

// New serves buckets of the given object counts.
func New(objects map[string]int) *Server {
	s := &Server{buckets: map[string]*bucket{}, requests: map[string]*atomic.Int64{}}
	for name, n := range objects {
		s.buckets[name] = &bucket{objects: n, prefixes: Prefixes}
		s.names = append(s.names, name)
	}
	sort.Strings(s.names)
	s.bufs.New = func() any { return new([]byte) }
	return s
}

// Requests returns the requests served so far by API name.
func (s *Server) Requests() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int64{}
	for k, v := range s.requests {
		out[k] = v.Load()
	}
	return out
}

// Reset sets the request counts to zero.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = map[string]*atomic.Int64{}
}

func (s *Server) count(api string) {
	s.mu.Lock()
	c := s.requests[api]
	if c == nil {
		c = new(atomic.Int64)
		s.requests[api] = c
	}
	s.mu.Unlock()
	c.Add(1)
}

// key is the name of object i of b, appended to buf.
func (b *bucket) key(buf []byte, i int) []byte {
	buf = append(buf, b.prefixes[i*len(b.prefixes)/b.objects]...)
	var digits [9]byte
	n := i
	for j := 8; j >= 0; j-- {
		digits[j] = byte('0' + n%10)
		n /= 10
	}
	return append(buf, digits[:]...)
}

func (b *bucket) keyString(i int) string { return string(b.key(nil, i)) }

// index parses an object's name; -1 if it is not one.
func (b *bucket) index(key string) int {
	if len(key) < 9 {
		return -1
	}
	i, err := strconv.Atoi(key[len(key)-9:])
	if err != nil || i >= b.objects || b.keyString(i) != key {
		return -1
	}
	return i
}

// firstAfter is the first object whose name sorts after marker: O(log n)
// names made up, so a page costs O(page) whatever the marker.
func (b *bucket) firstAfter(marker string) int {
	return sort.Search(b.objects, func(i int) bool { return b.keyString(i) > marker })
}

// versionID of version v of object i, and back.
func versionID(buf []byte, i, v int) []byte {
	buf = append(buf, "00000000-0000-4000-8000-"...)
	var hex [12]byte
	n := uint64(i)<<8 | uint64(v)
	for j := 11; j >= 0; j-- {
		hex[j] = "0123456789abcdef"[n&15]
		n >>= 4
	}
	return append(buf, hex[:]...)
}

func parseVersionID(id string) (i, v int, ok bool) {
	if len(id) != 36 {
		return 0, 0, false
	}
	n, err := strconv.ParseUint(id[24:], 16, 64)
	if err != nil {
		return 0, 0, false
	}
	return int(n >> 8), int(n & 0xff), true
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/")
	name, object, _ := strings.Cut(path, "/")
	q := r.URL.Query()
	if name == "" {
		s.count("ListBuckets")
		s.listBuckets(w)
		return
	}
	b := s.buckets[name]
	if b == nil {
		s.count("NoSuchBucket")
		fail(w, http.StatusNotFound, "NoSuchBucket")
		return
	}
	switch {
	case object == "" && q.Has("location"):
		s.count("GetBucketLocation")
		_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>`))
	case object == "" && q.Has("encryption"):
		s.count("GetBucketEncryption")
		fail(w, http.StatusNotFound, "ServerSideEncryptionConfigurationNotFoundError")
	case object == "" && q.Has("versions"):
		s.count("ListObjectVersions")
		s.listVersions(w, name, b, q.Get("prefix"), q.Get("key-marker"), q.Get("version-id-marker"), q.Get("max-keys"), q.Get("metadata") == "true")
	case object != "" && q.Has("tagging"):
		s.count("GetObjectTagging")
		_, _ = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet></TagSet></Tagging>`))
	case object != "" && r.Method == http.MethodHead:
		s.count("HeadObject")
		s.head(w, b, object, q.Get("versionId"))
	default:
		s.count("other " + r.Method + " " + r.URL.RawQuery)
		fail(w, http.StatusNotImplemented, "NotImplemented")
	}
}

func fail(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message></Error>`, code, code)
}

func (s *Server) listBuckets(w http.ResponseWriter) {
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>sim</ID></Owner><Buckets>`)
	for _, n := range s.names {
		fmt.Fprintf(&buf, `<Bucket><Name>%s</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket>`, n)
	}
	buf.WriteString(`</Buckets></ListAllMyBucketsResult>`)
	_, _ = w.Write(buf.Bytes()) // a client gone is its own failure
}

// XML fragments of one version, written once.
var (
	fragDate = map[bool]string{
		true:  "<LastModified>" + OldDate.Format("2006-01-02T15:04:05.000Z") + "</LastModified>",
		false: "<LastModified>" + NewDate.Format("2006-01-02T15:04:05.000Z") + "</LastModified>",
	}
	fragRest  = `<ETag>&#34;0123456789abcdef0123456789abcdef&#34;</ETag><Size>1024</Size><Owner><ID>sim</ID><DisplayName>sim</DisplayName></Owner><StorageClass>STANDARD</StorageClass>`
	fragMeta  = `<UserMetadata><content-type>application/octet-stream</content-type><X-Amz-Server-Side-Encryption>aws:kms</X-Amz-Server-Side-Encryption><X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id>arn:aws:kms:`
	fragMeta2 = `</X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id></UserMetadata>`
	fragTags  = `<UserTags>class=pii</UserTags>`
	fragInt   = `<Internal><K>1</K><M>0</M></Internal>`
	fragOwner = `<Owner><ID>sim</ID><DisplayName>sim</DisplayName></Owner>`
)

func (s *Server) listVersions(w http.ResponseWriter, name string, b *bucket, prefix, keyMarker, versionMarker, maxKeys string, meta bool) {
	limit := pageDefault
	if n, err := strconv.Atoi(maxKeys); err == nil && n > 0 && n < limit {
		limit = n
	}
	lo := sort.Search(b.objects, func(i int) bool { return b.keyString(i) >= prefix })
	hi := sort.Search(b.objects, func(i int) bool { k := b.keyString(i); return k > prefix && !strings.HasPrefix(k, prefix) })
	i, v := lo, 0
	if keyMarker != "" {
		i = max(i, b.firstAfter(keyMarker))
		if vi, vv, ok := parseVersionID(versionMarker); ok && b.index(keyMarker) == vi {
			i, v = vi, vv+1
			if v >= VersionsPer {
				i, v = i+1, 0
			}
		}
	}
	// A page's buffer is reused, so that serving allocates nothing per
	// version.
	bp := s.bufs.Get().(*[]byte)
	body := (*bp)[:0]
	body = append(body, `<?xml version="1.0" encoding="UTF-8"?><ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>`...)
	body = append(body, name...)
	body = append(body, "</Name><Prefix>"...)
	body = append(body, prefix...)
	body = append(body, "</Prefix><MaxKeys>"...)
	body = strconv.AppendInt(body, int64(limit), 10)
	body = append(body, "</MaxKeys>"...)
	n := 0
	lastI, lastV := -1, 0
	for ; i < hi && n < limit; i, v = i+1, 0 {
		for ; v < VersionsPer && n < limit; v++ {
			body = s.entry(body, b, i, v, meta)
			lastI, lastV = i, v
			n++
		}
		if v < VersionsPer {
			break
		}
	}
	if i < hi {
		body = append(body, "<IsTruncated>true</IsTruncated><NextKeyMarker>"...)
		body = b.key(body, lastI)
		body = append(body, "</NextKeyMarker><NextVersionIdMarker>"...)
		body = versionID(body, lastI, lastV)
		body = append(body, "</NextVersionIdMarker>"...)
	} else {
		body = append(body, "<IsTruncated>false</IsTruncated>"...)
	}
	body = append(body, "</ListVersionsResult>"...)
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body) // a client gone is its own failure
	*bp = body
	s.bufs.Put(bp)
}

// entry appends version v of object i.
func (s *Server) entry(body []byte, b *bucket, i, v int, meta bool) []byte {
	marker := v == 0 && i%DeletedEvery == 0
	if marker {
		body = append(body, "<DeleteMarker><Key>"...)
	} else {
		body = append(body, "<Version><Key>"...)
	}
	body = b.key(body, i)
	body = append(body, "</Key><VersionId>"...)
	body = versionID(body, i, v)
	body = append(body, "</VersionId><IsLatest>"...)
	if v == 0 {
		body = append(body, "true"...)
	} else {
		body = append(body, "false"...)
	}
	body = append(body, "</IsLatest>"...)
	body = append(body, fragDate[i%2 == 0]...)
	if marker {
		body = append(body, fragOwner...)
		return append(body, "</DeleteMarker>"...)
	}
	body = append(body, fragRest...)
	if meta {
		body = append(body, fragMeta...)
		if v > 0 && i%OtherKeyEvery == 0 {
			body = append(body, KeyB...)
		} else {
			body = append(body, KeyA...)
		}
		body = append(body, fragMeta2...)
		if i%TaggedEvery == 0 {
			body = append(body, fragTags...)
		}
		body = append(body, fragInt...)
	}
	return append(body, "</Version>"...)
}

func (s *Server) head(w http.ResponseWriter, b *bucket, object, versionID string) {
	i := b.index(object)
	vi, v, ok := parseVersionID(versionID)
	if i < 0 || (versionID != "" && (!ok || vi != i || v >= VersionsPer)) {
		w.Header().Set("x-minio-error-code", "NoSuchKey")
		w.WriteHeader(http.StatusNotFound)
		return
	}
	h := w.Header()
	date := NewDate
	if i%2 == 0 {
		date = OldDate
	}
	h.Set("Last-Modified", date.Format(http.TimeFormat))
	h.Set("ETag", `"0123456789abcdef0123456789abcdef"`)
	h.Set("Content-Length", "1024")
	h.Set("Content-Type", "application/octet-stream")
	h.Set("x-amz-version-id", versionID)
	h.Set("x-amz-server-side-encryption", "aws:kms")
	if (i*VersionsPer+v)%ExpiresEvery == 0 {
		h.Set("Expires", NewDate.Add(365*24*time.Hour).Format(http.TimeFormat))
	}
	w.WriteHeader(http.StatusOK)
}
