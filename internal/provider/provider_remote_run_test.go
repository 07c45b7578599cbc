package provider

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/minio/kes-go"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// remoteRunResources are what the remote run applies, under the provider
// configuration of the guide "Terraform Cloud and CI".
const remoteRunResources = `
variable "bucket" { type = string }
variable "key_name" { type = string }

resource "minio_kes_key" "next" {
  name = var.key_name
}

resource "minio_batch_keyrotate" "test" {
  bucket = var.bucket
  encryption {
    type = "sse-kms"
    key  = minio_kes_key.next.name
  }
}
`

// clientPEM is the client certificate and key of a KES API key, as PEM.
func clientPEM(t *testing.T, apiKey string) (certPEM, keyPEM string) {
	t.Helper()
	key, err := kes.ParseAPIKey(apiKey)
	if err != nil {
		t.Fatal(err)
	}
	if certPEM, keyPEM, err = teststack.ClientPEM(key); err != nil {
		t.Fatal(err)
	}
	return certPEM, keyPEM
}

// TestAccProvider_remoteRunWithoutFiles runs against MinIO and KES that
// both serve HTTPS with certificates of a private CA, configured only
// through variables and the environment, as a remote run is: the guide's
// provider block as written, the MinIO credentials in the environment, no
// file setting and no *_FILE variable. The plan is saved, its JSON holds no
// secret, and the saved plan is applied: the KES key is created through
// KES with the PEM client certificate and every object moves to it.
func TestAccProvider_remoteRunWithoutFiles(t *testing.T) {
	pkg := newAcc(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	s, err := teststack.Start(ctx, teststack.Options{MinIOTLS: true, Backend: pkg.stack.Backend, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c, err := s.S3(0)
	if err != nil {
		t.Fatal(err)
	}
	bucket, oldKey, newKey := s.NewBucket(t), s.NewKey(t), teststack.RandomName("next-")
	if err := inventory.Put(ctx, c, inventory.Seed{Bucket: bucket, Names: inventory.Names("o-", 20), KMSKey: oldKey}); err != nil {
		t.Fatal(err)
	}
	ca, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	certPEM, keyPEM := clientPEM(t, s.KESAdminAPIKey)

	blocks := guideBlocks(t, "guides/terraform-cloud-and-ci.md")
	if len(blocks) != 2 {
		t.Fatalf("the guide has %d terraform blocks, want the provider configuration and the long rotation", len(blocks))
	}
	w := newCLIWorkspaceOn(t, s, map[string]string{"provider.tf": blocks[0], "main.tf": remoteRunResources})
	w.unsetenv("MINIO_ENDPOINT", "MINIO_ENABLE_HTTPS", "MINIO_CACERT_FILE", "KES_SERVER", "KES_API_KEY", "KES_CACERT_FILE")
	for name, value := range map[string]string{"minio_endpoint": s.MinIOURL(), "kes_endpoint": s.KESEndpoint, "ca_pem": string(ca),
		"kes_client_cert_pem": certPEM, "kes_client_key_pem": keyPEM, "bucket": bucket, "key_name": newKey} {
		w.env = append(w.env, "TF_VAR_"+name+"="+value)
	}
	for _, kv := range w.env {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "KES_") || strings.HasPrefix(name, "MINIO_") && strings.HasSuffix(name, "_FILE") {
			t.Fatalf("the run would see a file setting or a KES variable: %s", name)
		}
	}
	w.must(0, "get")
	planJSON, change := w.plannedChange("remote.tfplan", rotateAddr)
	if after, _ := change.Change.After.(map[string]any); !strings.Contains(fmt.Sprint(after["job_yaml"]), "key: "+newKey) {
		t.Errorf("the saved plan does not show the job with its target key: %v", after["job_yaml"])
	}
	secretKeyBody := strings.Split(strings.TrimSpace(keyPEM), "\n")[1]
	for what, secret := range map[string]string{"MinIO secret key": s.SecretKey, "KES client key": secretKeyBody, "KES API key": s.KESAdminAPIKey} {
		if strings.Contains(planJSON, secret) {
			t.Errorf("the plan JSON holds the %s", what)
		}
	}

	w.must(0, "apply", "-input=false", "remote.tfplan")
	objects, err := inventory.Scan(ctx, c, bucket, "")
	if err != nil {
		t.Fatal(err)
	}
	for name, o := range objects {
		if o.KeyID != newKey {
			t.Errorf("%s is under %q after the rotation, want %q", name, o.KeyID, newKey)
		}
	}
	if len(objects) != 20 {
		t.Errorf("%d objects after the rotation, want 20", len(objects))
	}
	w.must(0, "plan", "-input=false", "-detailed-exitcode")
	// Objects need the key: the test forgets it rather than have destroy refuse.
	w.must(0, "state", "rm", "minio_kes_key.next")
}
