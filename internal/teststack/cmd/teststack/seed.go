package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// seed puts test objects on the stack that the environment names (the
// export lines of up, or any MinIO+KES in MINIO_* and KES_*): a versioned
// bucket whose objects have several versions under a KMS key, some tagged,
// some deleted, as `make demo` uses. The key is created through MinIO's
// KMS API unless it exists.
func seed(ctx context.Context, stdout io.Writer, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	h := inventory.History{}
	fs.StringVar(&h.Bucket, "bucket", "", "bucket to create (versioned) and fill; required")
	fs.StringVar(&h.KMSKey, "key", "", "KMS key the objects are sealed under (SSE-KMS), created when missing; required")
	fs.StringVar(&h.Prefix, "prefix", "object-", "object names: the prefix, then 0000, 0001, ...")
	fs.IntVar(&h.Objects, "objects", 100, "objects to write")
	fs.IntVar(&h.Versions, "versions", 2, "versions written per object")
	fs.IntVar(&h.TagEvery, "tag-every", 2, "every Nth object carries a tag set on each version (0: none)")
	fs.IntVar(&h.DeleteEvery, "delete-every", 10, "every Nth object is deleted, a delete marker on top (0: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if h.Bucket == "" || h.KMSKey == "" || h.Objects < 1 || h.Versions < 1 {
		return errors.New("seed needs -bucket and -key, and at least one object and one version")
	}
	s, err := teststack.Start(ctx, teststack.Options{Backend: teststack.BackendExternal,
		Logf: func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }})
	if err != nil {
		return fmt.Errorf("%w (run `eval \"$(make stack-up)\"` first, or set MINIO_* and KES_* for your own stack)", err)
	}
	admin, err := s.Admin()
	if err != nil {
		return err
	}
	// MinIO's key status answers a missing key with an encryption error,
	// not with an error of its own.
	if st, err := admin.GetKeyStatus(ctx, h.KMSKey); err != nil || st.EncryptionErr != "" {
		if err := admin.CreateKey(ctx, h.KMSKey); err != nil {
			return fmt.Errorf("creating KMS key %s: %w", h.KMSKey, err)
		}
	}
	c, err := s.S3(0)
	if err != nil {
		return err
	}
	if err := inventory.PutHistory(ctx, c, h); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "bucket %s: %d objects x %d versions under KMS key %s, 1 in %d tagged, 1 in %d deleted\n",
		h.Bucket, h.Objects, h.Versions, h.KMSKey, h.TagEvery, h.DeleteEvery)
	return err
}
