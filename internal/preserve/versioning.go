package preserve

import (
	"fmt"
	"strings"
)

// makesMarker tells whether deleting name without a version ID puts a
// delete marker. Where versioning is suspended, or MinIO's prefix-level
// exclusion covers the name, such a delete replaces or removes the "null"
// version for good: Restore must not hide an object that way. The bucket's
// configuration is read once, when the first marker is due.
func (r *restorer) makesMarker(name string) (bool, error) {
	if r.versioning == nil {
		cfg, err := r.c.GetBucketVersioning(r.w.ctx, r.bucket)
		if err != nil {
			return false, fmt.Errorf("reading the versioning of bucket %q: %w", r.bucket, err)
		}
		r.versioning = &cfg
	}
	cfg := r.versioning
	if !cfg.Enabled() {
		return false, nil
	}
	if cfg.ExcludeFolders && strings.HasSuffix(name, "/") {
		return false, nil
	}
	for _, p := range cfg.ExcludedPrefixes {
		// MinIO matches p.Prefix+"*" as a wildcard pattern; the literal
		// part before a first '*' is a prefix of every name it matches,
		// so this errs on the side of leaving the object visible.
		lit, _, _ := strings.Cut(p.Prefix, "*")
		if strings.HasPrefix(name, lit) {
			return false, nil
		}
	}
	return true, nil
}
