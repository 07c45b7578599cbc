package provider

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/minio/madmin-go/v3"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/conn"
)

func TestDeniedNote(t *testing.T) {
	r, problems := conn.Settings{Endpoint: "127.0.0.1:9000", AccessKey: "bot", SecretKey: "secret"}.Resolve(func(string) (string, bool) { return "", false })
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	c := &clients{minio: r}
	denied := fmt.Errorf("canceling: %w", madmin.ErrorResponse{Code: "AccessDenied", Message: "Access Denied. (MinIO's policy must allow admin:CancelBatchJob for this request.)"})
	note := c.deniedNote(denied)
	for _, want := range []string{` MinIO accepted the credentials of "bot", but their policy does not allow admin:CancelBatchJob, which minio_batch_keyrotate needs to cancel`,
		"Add admin:CancelBatchJob to the policy"} {
		if !strings.Contains(note, want) {
			t.Errorf("note %q does not say %q", note, want)
		}
	}
	if strings.Contains(note, "\n") {
		t.Errorf("note %q holds the original error", note)
	}
	if n := c.deniedNote(errors.New("connection reset")); n != "" {
		t.Errorf("note of another error: %q", n)
	}
}
