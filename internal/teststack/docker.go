package teststack

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Labels mark everything a stack creates in Docker, so that teardown and
// the reaper find it all even after the test process died.
const (
	labelStack    = "org.minio-keyrotate.teststack"
	labelOwner    = "org.minio-keyrotate.owner-pid"
	labelDetached = "org.minio-keyrotate.detached"
)

// dockerBackend runs KES and MinIO as containers of locally built images
// on a private network; only 127.0.0.1 ports are published.
type dockerBackend struct {
	id         string
	detach     bool
	logf       func(string, ...any)
	stack      *Stack // the stack whose KES this is
	minioImage string
}

func docker(ctx context.Context, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("docker %s: %w: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(stdout.String()), nil
}

func (d *dockerBackend) labels() []string {
	return []string{
		"--label", labelStack + "=" + d.id,
		"--label", labelOwner + "=" + strconv.Itoa(os.Getpid()),
		"--label", labelDetached + "=" + strconv.FormatBool(d.detach),
	}
}

func (d *dockerBackend) kesName() string { return d.id + "-kes" }

func (d *dockerBackend) start(ctx context.Context, s *Stack, m *material) error {
	d.stack = s
	ReapOrphans(ctx, d.logf)
	var err error
	if d.minioImage, err = image(ctx, minioServer, "TEST_STACK_MINIO_IMAGE", d.logf); err != nil {
		return err
	}
	kesImage, err := image(ctx, kesServer, "TEST_STACK_KES_IMAGE", d.logf)
	if err != nil {
		return err
	}
	if _, err := docker(ctx, append(append([]string{"network", "create"}, d.labels()...), d.id)...); err != nil {
		return err
	}
	return d.startKES(ctx, s, m, kesImage)
}

func (d *dockerBackend) startKES(ctx context.Context, s *Stack, m *material, img string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	if err := m.writeKESConfig("0.0.0.0:7373", "/kesconf", "/kesconf/keys"); err != nil {
		return err
	}
	files := filepath.Join(m.dir, "kes-files")
	if err := os.MkdirAll(filepath.Join(files, "keys"), 0o700); err != nil {
		return err
	}
	for src, dst := range map[string]string{m.kesConfigFile(): "config.yml", filepath.Join(m.dir, "kes.crt"): "kes.crt", filepath.Join(m.dir, "kes.key"): "kes.key"} {
		if err := os.Rename(src, filepath.Join(files, dst)); err != nil {
			return err
		}
	}
	args := append([]string{"create", "--name", d.kesName(), "--network", d.id, "--network-alias", "kes",
		"-p", fmt.Sprintf("127.0.0.1:%d:7373", port)}, d.labels()...)
	args = append(args, img, "server", "--config", "/kesconf/config.yml")
	if err := d.createWithFiles(ctx, d.kesName(), args, files, "/kesconf"); err != nil {
		return err
	}
	s.KESEndpoint = fmt.Sprintf("https://127.0.0.1:%d", port)
	if _, err := docker(ctx, "start", d.kesName()); err != nil {
		return err
	}
	return s.waitKES(ctx)
}

// startMinIO creates the containers of every deployment, then starts
// them all: the nodes of a cluster must come up together.
func (d *dockerBackend) startMinIO(ctx context.Context, ds []*Stack, m *material) error {
	env := minioEnv(d.stack, "https://kes:7373", "/certs/CAs/ca.crt")
	for _, s := range ds {
		if err := s.allocateEndpoints(); err != nil {
			return err
		}
		s.PeerURL = s.scheme() + "://" + s.hosts[0] + ":9000"
		vols := drives(s, "/data", func(i int) string { return s.hosts[i] + ":9000" }, func(int) string { return "/data" })
		for i, host := range s.hosts {
			args := append([]string{"create", "--name", host, "--hostname", host, "--network", d.id,
				"-p", s.NodeEndpoints[i] + ":9000",
				// Batch-job notifications leave from inside the container.
				"--add-host", "host.docker.internal:host-gateway"}, d.labels()...)
			for _, e := range env {
				args = append(args, "-e", e)
			}
			args = append(args, d.minioImage, "server", "--address", ":9000", "--certs-dir", "/certs")
			args = append(args, vols...)
			if err := d.createWithFiles(ctx, host, args, m.minioCertsDir(), "/certs"); err != nil {
				return err
			}
		}
	}
	for _, s := range ds {
		if _, err := docker(ctx, append([]string{"start"}, s.hosts...)...); err != nil {
			return err
		}
	}
	for _, s := range ds {
		if err := s.waitMinIO(ctx, s.MinIOURL()); err != nil {
			return err
		}
	}
	return nil
}

// createWithFiles creates a container and copies a directory into it at
// dst before it starts: unlike a bind mount this also works with an engine
// on another machine and needs nothing in the image. The files go in as a
// tar stream extracted at "/", which exists even in a scratch image.
func (d *dockerBackend) createWithFiles(ctx context.Context, name string, args []string, dir, dst string) error {
	if _, err := docker(ctx, args...); err != nil {
		return err
	}
	archive, err := tarDir(dir, strings.TrimPrefix(dst, "/"))
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "docker", "cp", "-", name+":/")
	cmd.Stdin, cmd.Stderr = archive, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("docker cp into %s: %w: %s", name, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// tarDir archives the files below dir under the name prefix.
func tarDir(dir, prefix string) (*bytes.Buffer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		name := path.Join(prefix, filepath.ToSlash(rel))
		if e.IsDir() {
			return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: 0o700})
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o600, Size: int64(len(b))}); err != nil {
			return err
		}
		_, err = tw.Write(b)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("archiving %s: %w", dir, err)
	}
	return &buf, tw.Close()
}

func (d *dockerBackend) node(ctx context.Context, s *Stack, i int, a action) error {
	if err := d.container(ctx, s.hosts[i], a); err != nil {
		return err
	}
	if a == actStart || a == actRestart {
		return s.waitMinIO(ctx, s.scheme()+"://"+s.NodeEndpoints[i])
	}
	return nil
}

func (d *dockerBackend) kes(ctx context.Context, a action) error {
	if err := d.container(ctx, d.kesName(), a); err != nil {
		return err
	}
	if a == actStart || a == actRestart || a == actUnpause {
		return d.stack.waitKES(ctx)
	}
	return nil
}

func (d *dockerBackend) container(ctx context.Context, name string, a action) error {
	args := []string{string(a), name}
	if a == actStop || a == actRestart {
		args = []string{string(a), "-t", "10", name}
	}
	_, err := docker(ctx, args...)
	return err
}

func (d *dockerBackend) close(ctx context.Context) error {
	return removeDockerStack(ctx, d.id)
}

// removeDockerStack removes every container and the network of stack id.
func removeDockerStack(ctx context.Context, id string) error {
	ids, err := docker(ctx, "ps", "-aq", "--filter", "label="+labelStack+"="+id)
	if err != nil {
		return err
	}
	if ids != "" {
		if _, err := docker(ctx, append([]string{"rm", "-f", "-v"}, strings.Fields(ids)...)...); err != nil {
			return err
		}
	}
	nets, err := docker(ctx, "network", "ls", "-q", "--filter", "label="+labelStack+"="+id)
	if err != nil || nets == "" {
		return err
	}
	_, err = docker(ctx, append([]string{"network", "rm"}, strings.Fields(nets)...)...)
	return err
}

// ReapOrphans removes stacks whose owning process is gone (a test binary
// that was killed before it could clean up), except detached ones.
func ReapOrphans(ctx context.Context, logf func(string, ...any)) {
	out, err := docker(ctx, "ps", "-a", "--filter", "label="+labelStack, "--filter", "label="+labelDetached+"=false",
		"--format", `{{.Label "`+labelStack+`"}} {{.Label "`+labelOwner+`"}}`)
	if err != nil {
		return
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		if len(f) != 2 || seen[f[0]] {
			continue
		}
		seen[f[0]] = true
		if pid, err := strconv.Atoi(f[1]); err == nil && processAlive(pid) {
			continue
		}
		logf("teststack: removing orphaned stack %s (owner pid %s is gone)", f[0], f[1])
		if err := removeDockerStack(ctx, f[0]); err != nil {
			logf("teststack: removing orphaned stack %s: %v", f[0], err)
		}
	}
}

func processAlive(pid int) bool {
	return syscall.Kill(pid, 0) == nil
}
