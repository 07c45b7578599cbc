package teststack

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// image returns the Docker image for a server: the one named by envVar
// (for machines that can pull official images), else one built locally
// from the cached binary, tagged by the pin so a changed pin gets a new
// image and an unchanged one is never rebuilt.
func image(ctx context.Context, s server, envVar string, logf func(string, ...any)) (string, error) {
	if name := os.Getenv(envVar); name != "" {
		return name, nil
	}
	bin, err := s.binary(ctx, logf)
	if err != nil {
		return "", err
	}
	hash := strings.TrimPrefix(filepath.Base(bin), s.name+"-")
	tag := "tpm-" + s.name + ":" + hash
	unlock, err := lockFile(bin + ".image.lock")
	if err != nil {
		return "", err
	}
	defer unlock()
	if imageExists(ctx, tag) {
		return tag, nil
	}
	dir, err := os.MkdirTemp("", "tpm-image-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	if err := os.Link(bin, filepath.Join(dir, s.name)); err != nil {
		if err := copyFile(bin, filepath.Join(dir, s.name)); err != nil {
			return "", err
		}
	}
	return tag, buildImage(ctx, tag, dir, s.name, logf)
}

// buildImage builds a FROM-scratch image around the static binary bin in
// dir: a static Go binary needs nothing else. HOME and /tmp give MinIO a
// writable place for its default config directory.
func buildImage(ctx context.Context, tag, dir, bin string, logf func(string, ...any)) error {
	logf("teststack: building image %s", tag)
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o755); err != nil {
		return err
	}
	dockerfile := fmt.Sprintf("FROM scratch\nCOPY tmp /tmp\nCOPY %[1]s /%[1]s\nENV HOME=/tmp\nENTRYPOINT [\"/%[1]s\"]\n", bin)
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		return err
	}
	if _, err := docker(ctx, "build", "-q", "-t", tag, "--label", labelStack+"-image="+bin, dir); err != nil {
		return fmt.Errorf("building image %s: %w", tag, err)
	}
	return nil
}

func imageExists(ctx context.Context, tag string) bool {
	_, err := docker(ctx, "image", "inspect", "--format", "{{.Id}}", tag)
	return err == nil
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o755)
}
