package teststack

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"
)

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// putKMSObject writes random bytes under an SSE-KMS key and returns them.
func putKMSObject(ctx context.Context, t *testing.T, c *minio.Client, bucket, object, key string) []byte {
	t.Helper()
	data := make([]byte, 4096)
	rand.Read(data)
	sse, err := encrypt.NewSSEKMS(key, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutObject(ctx, bucket, object, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{ServerSideEncryption: sse}); err != nil {
		t.Fatalf("PUT %s/%s with SSE-KMS key %s: %v", bucket, object, key, err)
	}
	return data
}

// readObject returns an object's bytes and the KMS key id it reports.
func readObject(ctx context.Context, t *testing.T, c *minio.Client, bucket, object string) ([]byte, string) {
	t.Helper()
	obj, err := c.GetObject(ctx, bucket, object, minio.GetObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	got, err := io.ReadAll(obj)
	if err != nil {
		t.Fatalf("reading %s/%s: %v", bucket, object, err)
	}
	info, err := obj.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return got, info.Metadata.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id")
}

func makeBucket(ctx context.Context, t *testing.T, c *minio.Client) string {
	t.Helper()
	bucket := "b-" + randomHex(6)
	if err := c.MakeBucket(ctx, bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("creating bucket: %v", err)
	}
	return bucket
}

// TestMinIOIsWiredToKES creates a key through MinIO's KMS API, checks KES
// itself now holds it, and round-trips an SSE-KMS object under it.
func TestMinIOIsWiredToKES(t *testing.T) {
	ctx := testContext(t)
	s := Live(t)
	adm, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	key := "wiring-" + randomHex(4)
	if err := adm.CreateKey(ctx, key); err != nil {
		t.Fatalf("creating key %s through MinIO's KMS API: %v", key, err)
	}
	kc, err := s.KESClient()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kc.DescribeKey(ctx, key); err != nil {
		t.Fatalf("KES does not know the key MinIO created: %v", err)
	}
	c, err := s.S3(0)
	if err != nil {
		t.Fatal(err)
	}
	bucket := makeBucket(ctx, t, c)
	want := putKMSObject(ctx, t, c, bucket, "secret.bin", key)
	got, keyID := readObject(ctx, t, c, bucket, "secret.bin")
	if !bytes.Equal(got, want) {
		t.Fatal("SSE-KMS object read back with different bytes")
	}
	if keyID != "arn:aws:kms:"+key {
		t.Fatalf("object reports KMS key id %q, want arn:aws:kms:%s", keyID, key)
	}
}

// TestNodeRestartKeepsData restarts the single node and reads back what
// was written before, through KES again.
func TestNodeRestartKeepsData(t *testing.T) {
	ctx := testContext(t)
	s := Live(t)
	if s.Backend == BackendExternal {
		t.Fatalf("fault hooks need a stack the tests control; got %s", s.Backend)
	}
	c, err := s.S3(0)
	if err != nil {
		t.Fatal(err)
	}
	bucket := makeBucket(ctx, t, c)
	want := putKMSObject(ctx, t, c, bucket, "before-restart", s.DefaultKey)
	if err := s.RestartNode(ctx, 0); err != nil {
		t.Fatalf("restarting node 0: %v", err)
	}
	got, _ := readObject(ctx, t, c, bucket, "before-restart")
	if !bytes.Equal(got, want) {
		t.Fatal("object changed across a restart")
	}
}

// TestBackendChoice proves the backend choice: Docker whenever an engine
// answers (unless TEST_STACK_BACKEND forces one), with every container of
// the stack labelled for teardown.
func TestBackendChoice(t *testing.T) {
	s := Live(t)
	want, err := chooseBackend("")
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("TEST_STACK_BACKEND") == "" && dockerAnswers() {
		want = BackendDocker
	}
	if s.Backend != want {
		t.Fatalf("the stack runs on %q, want %q", s.Backend, want)
	}
	if s.Backend != BackendDocker {
		return
	}
	names := stackContainers(t, s.ID)
	if len(names) != 2 {
		t.Fatalf("want a KES and a MinIO container for stack %s, got %q", s.ID, names)
	}
}

func stackContainers(t *testing.T, id string) []string {
	t.Helper()
	out, err := docker(context.Background(), "ps", "-a", "--filter", "label="+labelStack+"="+id, "--format", "{{.Names}}")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Fields(out)
}
