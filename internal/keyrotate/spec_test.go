package keyrotate

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const day = 24 * time.Hour

var (
	jan1 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	jun1 = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
)

// validSpec is a valid job that sets every field Validate accepts.
func validSpec() Spec {
	return Spec{
		Bucket:     "photos",
		Prefix:     "2026/raw/",
		Encryption: Encryption{Type: SSEKMS, Key: "photos-key"},
		Filter: Filter{
			NewerThan:     30 * day,
			OlderThan:     7*day + 12*time.Hour,
			CreatedAfter:  jan1,
			CreatedBefore: jun1,
			Tags:          []KV{{Key: "class", Value: "pii*"}, {Key: "owner", Value: "team-?"}},
		},
		Notify: Notify{Endpoint: "https://hooks.example.com/minio", Token: "Bearer s3cr3t"},
		Retry:  Retry{Attempts: 10, Delay: 500 * time.Millisecond},
	}
}

// everyFieldSpec sets every field, including those Validate refuses, so that
// encoding tests cover the whole document.
func everyFieldSpec() Spec {
	s := validSpec()
	s.Encryption.Context = map[string]string{"tenant": "acme", "app": "photos"}
	s.Filter.Metadata = []KV{{Key: "Content-Type", Value: "image/*"}, {Key: "dept", Value: "fin*"}}
	s.Filter.KMSKey = "old-key"
	return s
}

func TestNormalized(t *testing.T) {
	paris := time.FixedZone("CET", 3600)
	s := Spec{
		Encryption: Encryption{Context: map[string]string{}},
		Filter: Filter{
			CreatedAfter:  time.Date(2026, 1, 1, 1, 0, 0, 0, paris),
			CreatedBefore: time.Date(2026, 6, 1, 1, 0, 0, 5, paris),
			Tags:          []KV{},
			Metadata: []KV{
				{Key: "dept", Value: "a"},
				{Key: "X-Amz-Meta-Dept", Value: "b"},
				{Key: "Content-Type", Value: "c"},
				{Key: "Expires", Value: "d"},
			},
		},
	}
	want := Spec{
		Filter: Filter{
			CreatedAfter:  jan1,
			CreatedBefore: jun1.Add(5),
			Metadata: []KV{
				{Key: "x-amz-meta-dept", Value: "a"},
				{Key: "x-amz-meta-dept", Value: "b"},
				{Key: "content-type", Value: "c"},
				{Key: "expires", Value: "d"},
			},
		},
	}
	got := s.Normalized()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Normalized() mismatch (-want +got):\n%s", diff)
	}
	if got.Filter.CreatedAfter.Location() != time.UTC {
		t.Errorf("CreatedAfter location = %v, want UTC", got.Filter.CreatedAfter.Location())
	}
	if diff := cmp.Diff(got, got.Normalized()); diff != "" {
		t.Errorf("Normalized is not idempotent (-once +twice):\n%s", diff)
	}
}

func TestNormalizedDoesNotAlias(t *testing.T) {
	s := everyFieldSpec()
	n := s.Normalized()
	n.Filter.Tags[0].Value = "changed"
	n.Filter.Metadata[0].Value = "changed"
	n.Encryption.Context["tenant"] = "changed"
	if diff := cmp.Diff(everyFieldSpec(), s); diff != "" {
		t.Errorf("changing Normalized() changed its input (-want +got):\n%s", diff)
	}
}

func TestRedacted(t *testing.T) {
	s := validSpec()
	if got := s.Redacted().Notify.Token; got != RedactedToken {
		t.Errorf("Redacted().Notify.Token = %q, want %q", got, RedactedToken)
	}
	if s.Notify.Token != "Bearer s3cr3t" {
		t.Errorf("Redacted changed its receiver")
	}
	s.Notify.Token = ""
	if got := s.Redacted().Notify.Token; got != "" {
		t.Errorf("Redacted() of an unset token = %q, want it unset", got)
	}
}
