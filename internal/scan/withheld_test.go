package scan_test

import (
	"context"
	"errors"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/tags"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// withheldVersion is a data version as MinIO lists it to credentials
// without s3:GetObject: no metadata, no erasure layout.
func withheldVersion(name string) minio.ObjectInfo {
	return minio.ObjectInfo{Key: name, VersionID: versionID(), Size: 10, LastModified: t0, StorageClass: "STANDARD"}
}

func TestWalkRefusesWithheldMetadata(t *testing.T) {
	f := &fakeLister{entries: []minio.ObjectInfo{deleteMarker("a"), kmsVersion("a", "k", 1), withheldVersion("b"), kmsVersion("c", "k", 1)}}
	var seen []string
	err := scan.Walk(context.Background(), f, "bkt", "", func(v scan.Version) error {
		seen = append(seen, v.Name)
		return nil
	})
	var w *scan.WithheldError
	if !errors.As(err, &w) || w.Action != "s3:GetObject" || w.Object != "b" || w.DeniedAction() != "s3:GetObject" {
		t.Fatalf("Walk = %v (%T), want a WithheldError for s3:GetObject on b", err, err)
	}
	if len(seen) != 2 {
		t.Errorf("Walk went on past the withheld version: saw %v", seen)
	}
	// Metadata without Internal (an older server) is metadata.
	if err := scan.Walk(context.Background(), &fakeLister{entries: []minio.ObjectInfo{plainVersion("p", 1)}}, "bkt", "", func(scan.Version) error { return nil }); err != nil {
		t.Errorf("Walk of a plaintext version with its metadata: %v", err)
	}
}

type fakeTags struct {
	err   error
	calls int
}

func (f *fakeTags) GetObjectTagging(context.Context, string, string, minio.GetObjectTaggingOptions) (*tags.Tags, error) {
	f.calls++
	return nil, f.err
}

func TestScanChecksTagsReadable(t *testing.T) {
	entries := []minio.ObjectInfo{deleteMarker("a"), kmsVersion("a", "k", 1), kmsVersion("b", "k", 1)}
	denied := minio.ErrorResponse{StatusCode: 403, Code: "AccessDenied", Message: "Access Denied."}
	for _, tc := range []struct {
		name    string
		err     error
		wantErr bool
	}{{"readable", nil, false}, {"denied", denied, true}, {"gone meanwhile", minio.ErrorResponse{StatusCode: 404, Code: "NoSuchKey"}, false}} {
		t.Run(tc.name, func(t *testing.T) {
			probe := &fakeTags{err: tc.err}
			_, err := scan.Scan(context.Background(), &fakeLister{entries: entries}, scan.Scope{Bucket: "bkt"}, scan.Options{Tags: probe})
			var w *scan.WithheldError
			if got := errors.As(err, &w) && w.Action == "s3:GetObjectTagging"; got != tc.wantErr || (!tc.wantErr && err != nil) {
				t.Errorf("Scan = %v, want a WithheldError: %v", err, tc.wantErr)
			}
			if probe.calls != 1 {
				t.Errorf("%d tag requests, want 1 (the first data version)", probe.calls)
			}
		})
	}
}
