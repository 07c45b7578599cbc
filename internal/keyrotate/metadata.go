package keyrotate

import "strings"

// standardHeaders are the headers besides user metadata that the server's
// metadata filter can match: selectObj in cmd/batch-rotate.go skips every
// object metadata key that neither starts with "x-amz-meta-" nor is in the
// server's standardHeaders list (cmd/bucket-replication.go), reproduced here.
var standardHeaders = [...]string{
	"content-type",
	"cache-control",
	"content-encoding",
	"content-language",
	"content-disposition",
	"x-amz-storage-class",
	"x-amz-tagging",
	"x-amz-replication-status",
	"x-amz-object-lock-mode",
	"x-amz-object-lock-retain-until-date",
	"x-amz-object-lock-legal-hold",
	"x-amz-tagging-count",
	"x-amz-server-side-encryption",
}

// userMetadataPrefix is the header prefix under which the server stores and
// compares user metadata.
const userMetadataPrefix = "x-amz-meta-"

// headerLikePrefixes and headerLikeNames make a bare name look like an HTTP,
// S3 or MinIO header rather than a user-metadata name. Such a name is refused
// instead of being completed to "x-amz-meta-NAME": the user most likely meant
// the header, which the server does not match.
var (
	headerLikePrefixes = [...]string{"x-amz-", "x-minio-", "content-"}
	headerLikeNames    = [...]string{"expires", "etag", "last-modified", "date"}
)

// metadataKeyRule describes the accepted metadata keys, for error details.
var metadataKeyRule = `accepted: one of the standard headers the server matches (` +
	strings.Join(standardHeaders[:], ", ") +
	`), a full user-metadata header "x-amz-meta-NAME", or a bare user-metadata NAME such as "dept" (sent as "x-amz-meta-dept"); ` +
	"NAME consists of ASCII letters, digits and !#$%&'*+-.^_`|~, and a bare NAME must not look like another header (x-amz-*, x-minio-*, content-*, " +
	strings.Join(headerLikeNames[:], ", ") + ")"

// canonicalMetadataKey returns the canonical form of a metadata filter key
// and whether the server can match it. The server compares keys
// case-insensitively, so the canonical form is lowercase; a bare user-metadata
// name gets the "x-amz-meta-" prefix the server compares it under. A key the
// server cannot match is only lowercased.
func canonicalMetadataKey(key string) (string, bool) {
	k := asciiLower(key)
	switch {
	case isStandardHeader(k):
		return k, true
	case strings.HasPrefix(k, userMetadataPrefix):
		return k, isHeaderToken(k[len(userMetadataPrefix):])
	case isHeaderToken(k) && !looksLikeHeader(k):
		return userMetadataPrefix + k, true
	}
	return k, false
}

func isStandardHeader(k string) bool {
	for _, h := range standardHeaders {
		if k == h {
			return true
		}
	}
	return false
}

func looksLikeHeader(k string) bool {
	for _, p := range headerLikePrefixes {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	for _, n := range headerLikeNames {
		if k == n {
			return true
		}
	}
	return false
}

// isHeaderToken reports whether s is a non-empty HTTP header field name
// (RFC 9110 token).
func isHeaderToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && !strings.ContainsRune("!#$%&'*+-.^_`|~", rune(c)) {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// asciiLower lowercases the ASCII letters of s only, so that it is
// idempotent and leaves non-ASCII bytes alone.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
