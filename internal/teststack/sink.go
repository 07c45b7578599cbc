package teststack

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack/notifysink"
)

// Sink is a notification receiver MinIO can reach.
type Sink struct {
	// URL is where MinIO posts, as MinIO sees it.
	URL string
	// local is the receiver's base URL as the test process sees it.
	local string
}

// Received returns the notifications recorded so far.
func (k *Sink) Received(ctx context.Context) ([]notifysink.Request, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, k.local+notifysink.ReceivedPath, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reading the notification sink: %w", err)
	}
	defer resp.Body.Close()
	var got []notifysink.Request
	return got, json.NewDecoder(resp.Body).Decode(&got)
}

// NotifySink starts a notification receiver for this stack: a container
// on the stack's network for the Docker backend (a MinIO container cannot
// reach the test process at 127.0.0.1), else a server in this process.
// It lives until the stack is closed or the process ends.
func (s *Stack) NotifySink(ctx context.Context) (*Sink, error) {
	d, ok := s.be.(*dockerBackend)
	if !ok {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		go func() { _ = http.Serve(l, notifysink.Handler()) }() // ends with the process
		base := "http://" + l.Addr().String()
		return &Sink{URL: base + "/hook", local: base}, nil
	}
	img, err := sinkImage(ctx, s.workdir, d.logf)
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	name := fmt.Sprintf("%s-notify-%s", d.id, randomHex(3))
	args := append([]string{"run", "-d", "--name", name, "--network", d.id, "--network-alias", name,
		"-p", fmt.Sprintf("127.0.0.1:%d:8080", port)}, d.labels()...)
	if _, err := docker(ctx, append(args, img)...); err != nil {
		return nil, err
	}
	k := &Sink{URL: "http://" + name + ":8080/hook", local: fmt.Sprintf("http://127.0.0.1:%d", port)}
	return k, poll(ctx, "notification sink", func(ctx context.Context) error {
		_, err := k.Received(ctx)
		return err
	})
}

// sinkImage builds the notifysink command and an image of it, tagged by
// the binary's hash.
func sinkImage(ctx context.Context, dir string, logf func(string, ...any)) (string, error) {
	ctxDir := filepath.Join(dir, "notifysink-image")
	if err := os.MkdirAll(ctxDir, 0o755); err != nil {
		return "", err
	}
	bin := filepath.Join(ctxDir, "notifysink")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", bin, "./cmd/notifysink")
	cmd.Dir = sourceDir()
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building notifysink: %w\n%s", err, out)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	tag := "tpm-notifysink:" + hex.EncodeToString(sum[:8])
	if imageExists(ctx, tag) {
		return tag, nil
	}
	return tag, buildImage(ctx, tag, ctxDir, "notifysink", logf)
}
