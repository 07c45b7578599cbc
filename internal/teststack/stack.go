package teststack

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"
)

// Topology is the shape of the MinIO deployment.
type Topology int

const (
	// SingleNode is one MinIO server with one drive: no redundancy.
	SingleNode Topology = iota
	// Distributed is four MinIO nodes with one drive each, forming one
	// erasure set (parity 2), the smallest deployment that survives the
	// loss of a node.
	Distributed
)

func (t Topology) nodes() int {
	if t == Distributed {
		return 4
	}
	return 1
}

// Backend names how the servers run.
const (
	BackendDocker   = "docker"
	BackendProcess  = "process"
	BackendExternal = "external"
)

// Options configures Start.
type Options struct {
	Topology Topology
	// MinIOTLS serves MinIO over HTTPS with a certificate from the stack's CA.
	MinIOTLS bool
	// Backend forces a backend; empty means $TEST_STACK_BACKEND, else
	// external when $MINIO_ENDPOINT is set, else docker when a Docker
	// engine answers, else local processes.
	Backend string
	// Detach leaves the servers running when the Go process exits (for
	// `make stack-up`); Close still stops them.
	Detach bool
	// Logf receives progress lines; nil discards them.
	Logf func(format string, args ...any)
}

// Stack is a running MinIO wired to KES. Its fields are what a client
// needs to reach both.
type Stack struct {
	ID      string
	Backend string
	Nodes   int

	// MinIOEndpoint is host:port on 127.0.0.1 of node 0.
	MinIOEndpoint string
	// NodeEndpoints are host:port on 127.0.0.1 of every node.
	NodeEndpoints []string
	MinIOTLS      bool
	AccessKey     string
	SecretKey     string
	// KESEndpoint is an https:// URL on 127.0.0.1.
	KESEndpoint string
	// KESAdminAPIKey is an admin identity for a kes-go client.
	KESAdminAPIKey string
	// KESMinIOAPIKey is the identity MinIO itself uses towards KES.
	KESMinIOAPIKey string
	// DefaultKey is the KES key MinIO uses for SSE-S3 and creates at start.
	DefaultKey string
	// CAFile is the PEM file of the CA behind the KES and MinIO certificates.
	CAFile string

	be      backend
	workdir string
}

// backend runs the servers. Node indexes start at 0.
type backend interface {
	start(ctx context.Context, s *Stack, m *material) error
	node(ctx context.Context, i int, a action) error
	kes(ctx context.Context, a action) error
	close(ctx context.Context) error
}

// action is a fault or repair; each value is also the docker command that
// performs it on a container.
type action string

const (
	actStop    action = "stop"
	actKill    action = "kill"
	actStart   action = "start"
	actRestart action = "restart"
	// actPause freezes a server in place and actUnpause thaws it: the
	// process and its connections stay, it just answers nothing meanwhile.
	actPause   action = "pause"
	actUnpause action = "unpause"
)

const defaultKESKey = "minio-default-key"

// Start builds (or reuses) the server binaries and starts a stack. The
// caller must Close it; Main does so for a test package.
func Start(ctx context.Context, o Options) (*Stack, error) {
	logf := o.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	name, err := chooseBackend(o.Backend)
	if err != nil {
		return nil, err
	}
	s := &Stack{ID: "tpm" + randomHex(4), Backend: name, Nodes: o.Topology.nodes(), MinIOTLS: o.MinIOTLS, DefaultKey: defaultKESKey}
	if name == BackendExternal {
		if err := s.fromEnv(); err != nil {
			return nil, err
		}
		logf("teststack: backend=external minio=%s kes=%s", s.MinIOEndpoint, s.KESEndpoint)
		return s, nil
	}
	if s.workdir, err = os.MkdirTemp("", s.ID+"-"); err != nil {
		return nil, err
	}
	switch name {
	case BackendDocker:
		s.be = &dockerBackend{id: s.ID, detach: o.Detach, logf: logf}
	default:
		s.be = &processBackend{dir: s.workdir, detach: o.Detach, logf: logf}
	}
	hosts := nodeHosts(s.ID, s.Nodes)
	m, err := newMaterial(s.workdir, []string{"kes"}, hosts, s.MinIOTLS)
	if err != nil {
		s.removeWorkdir()
		return nil, fmt.Errorf("generating stack secrets: %w", err)
	}
	s.AccessKey, s.SecretKey = m.rootUser, m.rootPassword
	s.KESAdminAPIKey, s.KESMinIOAPIKey = m.kesAdmin.String(), m.kesMinIO.String()
	s.CAFile = m.CAFile()
	began := time.Now()
	if err := s.be.start(ctx, s, m); err != nil {
		cerr := s.Close()
		return nil, errors.Join(fmt.Errorf("starting the %s stack: %w", name, err), cerr)
	}
	logf("teststack: backend=%s nodes=%d minio=%s kes=%s ready in %s", name, s.Nodes, s.MinIOEndpoint, s.KESEndpoint, time.Since(began).Round(time.Millisecond))
	return s, nil
}

// allocateEndpoints gives every node a free port on 127.0.0.1.
func (s *Stack) allocateEndpoints() error {
	s.NodeEndpoints = make([]string, s.Nodes)
	for i := range s.NodeEndpoints {
		port, err := freePort()
		if err != nil {
			return err
		}
		s.NodeEndpoints[i] = fmt.Sprintf("127.0.0.1:%d", port)
	}
	s.MinIOEndpoint = s.NodeEndpoints[0]
	return nil
}

// nodeHosts are the names MinIO nodes know each other by (container
// names on the stack's Docker network), which their certificate covers.
func nodeHosts(id string, n int) []string {
	hosts := make([]string, n)
	for i := range hosts {
		hosts[i] = fmt.Sprintf("%s-minio%d", id, i+1)
	}
	return hosts
}

func chooseBackend(forced string) (string, error) {
	if forced == "" {
		forced = os.Getenv("TEST_STACK_BACKEND")
	}
	switch forced {
	case BackendDocker, BackendProcess, BackendExternal:
		return forced, nil
	case "":
	default:
		return "", fmt.Errorf("unknown TEST_STACK_BACKEND %q: use docker, process or external", forced)
	}
	if os.Getenv("MINIO_ENDPOINT") != "" {
		return BackendExternal, nil
	}
	return LocalBackend(), nil
}

// LocalBackend is the backend for a stack of this machine's own, never an
// external one: $TEST_STACK_BACKEND if it names docker or process, else
// docker when a Docker engine answers, else process. The demo uses it so
// that a MINIO_ENDPOINT in the environment is never touched.
func LocalBackend() string {
	if b := os.Getenv("TEST_STACK_BACKEND"); b == BackendDocker || b == BackendProcess {
		return b
	}
	if dockerAnswers() {
		return BackendDocker
	}
	return BackendProcess
}

func dockerAnswers() bool {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return exec.CommandContext(ctx, "docker", "info", "--format", "{{.ServerVersion}}").Run() == nil
}

// ErrNoFaults is returned by the fault hooks of an external stack, whose
// servers the tests do not control.
var ErrNoFaults = errors.New("teststack: the external stack cannot be stopped or started by tests")

func (s *Stack) fault(ctx context.Context, i int, a action) error {
	if s.be == nil {
		return ErrNoFaults
	}
	if i < 0 || i >= s.Nodes {
		return fmt.Errorf("teststack: no MinIO node %d in a stack of %d", i, s.Nodes)
	}
	return s.be.node(ctx, i, a)
}

// StopNode stops MinIO node i gracefully.
func (s *Stack) StopNode(ctx context.Context, i int) error { return s.fault(ctx, i, actStop) }

// KillNode kills MinIO node i with SIGKILL: a crash.
func (s *Stack) KillNode(ctx context.Context, i int) error { return s.fault(ctx, i, actKill) }

// StartNode starts a stopped or killed MinIO node i and waits until it is live.
func (s *Stack) StartNode(ctx context.Context, i int) error { return s.fault(ctx, i, actStart) }

// RestartNode stops and starts MinIO node i, keeping its data.
func (s *Stack) RestartNode(ctx context.Context, i int) error { return s.fault(ctx, i, actRestart) }

// StopKES stops the KES server.
func (s *Stack) StopKES(ctx context.Context) error {
	if s.be == nil {
		return ErrNoFaults
	}
	return s.be.kes(ctx, actStop)
}

// StartKES starts the KES server again and waits until it answers.
func (s *Stack) StartKES(ctx context.Context) error {
	if s.be == nil {
		return ErrNoFaults
	}
	return s.be.kes(ctx, actStart)
}

// PauseKES freezes the KES server (docker pause; SIGSTOP for a process)
// until ResumeKES. Unlike StopKES, whose refused connections fail at once,
// a frozen KES accepts connections and answers nothing: a KMS that hangs,
// as one does under a long GC pause, a saturated host or a network that
// drops packets. MinIO's calls to KES carry no timeout, so they wait for
// as long as it is frozen. A test that pauses KES must resume it
// (t.Cleanup), or every later test of the package hangs on it.
func (s *Stack) PauseKES(ctx context.Context) error {
	if s.be == nil {
		return ErrNoFaults
	}
	return s.be.kes(ctx, actPause)
}

// ResumeKES thaws a KES server frozen by PauseKES and waits until it
// answers.
func (s *Stack) ResumeKES(ctx context.Context) error {
	if s.be == nil {
		return ErrNoFaults
	}
	return s.be.kes(ctx, actUnpause)
}

// Close stops and removes every server, network and file of the stack.
// It is safe to call more than once.
func (s *Stack) Close() error {
	if s.be == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err := s.be.close(ctx)
	s.be = nil
	s.removeWorkdir()
	return err
}

func (s *Stack) removeWorkdir() {
	if s.workdir != "" {
		os.RemoveAll(s.workdir)
		s.workdir = ""
	}
}

// Env is the stack as the environment variables the provider and the
// stack's external backend read.
func (s *Stack) Env() map[string]string {
	return map[string]string{
		"MINIO_ENDPOINT":     s.MinIOEndpoint,
		"MINIO_ACCESS_KEY":   s.AccessKey,
		"MINIO_SECRET_KEY":   s.SecretKey,
		"MINIO_ENABLE_HTTPS": fmt.Sprint(s.MinIOTLS),
		"MINIO_CACERT_FILE":  s.CAFile,
		"KES_SERVER":         s.KESEndpoint,
		"KES_API_KEY":        s.KESAdminAPIKey,
		"KES_CACERT_FILE":    s.CAFile,
	}
}

func (s *Stack) fromEnv() error {
	env := map[string]*string{
		"MINIO_ENDPOINT":   &s.MinIOEndpoint,
		"MINIO_ACCESS_KEY": &s.AccessKey,
		"MINIO_SECRET_KEY": &s.SecretKey,
		"KES_SERVER":       &s.KESEndpoint,
		"KES_API_KEY":      &s.KESAdminAPIKey,
	}
	var missing []string
	for name, dst := range env {
		if *dst = os.Getenv(name); *dst == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("teststack: the external backend needs %s", strings.Join(missing, ", "))
	}
	s.MinIOTLS = os.Getenv("MINIO_ENABLE_HTTPS") == "true"
	s.CAFile = os.Getenv("MINIO_CACERT_FILE")
	if k := os.Getenv("TEST_STACK_DEFAULT_KEY"); k != "" {
		s.DefaultKey = k
	}
	return nil
}
