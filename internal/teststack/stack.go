package teststack

import (
	"context"
	"errors"
	"fmt"
	"maps"
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
	// Sites, when 2 or more, starts that many single-node deployments
	// instead of one, named site-a, site-b, ... in order, all on the one
	// KES of the stack with the same root credentials, and joins them with
	// site replication. MinIO requires every site to be empty when it
	// joins, so the group is formed before Start returns.
	Sites int
	// Outside also starts one single-node deployment on the same KES that
	// is in no site-replication group, as a bucket-replication target.
	// Bucket replication to it works from a stack without sites only:
	// MinIO refuses remote targets on a site (see ReplicateBucket).
	Outside bool
	// Detach leaves the servers running when the Go process exits (for
	// `make stack-up`); Close still stops them.
	Detach bool
	// Logf receives progress lines; nil discards them.
	Logf func(format string, args ...any)
}

// Stack is a running MinIO wired to KES. Its fields are what a client
// needs to reach both.
//
// With Options.Sites or Options.Outside a stack has several deployments on
// one KES, each a Stack of its own (with the KES fields, credentials and
// CA of the others): Start returns site A, or the only deployment of a
// stack without sites, and Sites and Outside lead to the rest. Every
// helper and fault method of a Stack acts on its own deployment.
//
// Where the deployments reach each other is PeerURL, which is also the
// endpoint MinIO reports for a site in SiteReplicationInfo (and for a
// bucket-replication target). On the process backend that is the site's
// 127.0.0.1 URL, reachable from this machine as is. On the Docker backend
// it is http(s)://<container>:9000 on the stack's private network, a name
// this machine cannot resolve; the stack never makes this machine talk to
// a container address either, only to 127.0.0.1 ports. That is deliberate
// and realistic (sites registered by names only their own network knows):
// a client on this machine must map site names to SiteEndpoints.
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

	// PeerURL is the base URL the stack's other deployments reach this one
	// at: as a site-replication peer, or as a bucket-replication target.
	PeerURL string
	// SiteName is this deployment's name in its site-replication group
	// ("site-a", ...); empty for a deployment in no group.
	SiteName string
	// Sites are the deployments of the site-replication group, site A (the
	// stack Start returned) first; set on every site, nil without sites.
	Sites []*Stack
	// Outside is the deployment in no group (Options.Outside), set on the
	// stack Start returned and on every site; nil unless asked for.
	Outside *Stack

	be backend
	// hosts are the names of this deployment's nodes: their container
	// names on the Docker network, whose suffix names their processes.
	hosts []string
	// member marks a deployment other than the one Start returned: it
	// shares that stack's servers and files, which only that one removes.
	member  bool
	workdir string
}

// backend runs the servers. Node indexes start at 0.
type backend interface {
	// start starts KES (and what the deployments share) for s.
	start(ctx context.Context, s *Stack, m *material) error
	// startMinIO starts every deployment in ds at once, and returns when
	// all of them answer.
	startMinIO(ctx context.Context, ds []*Stack, m *material) error
	// node acts on node i of deployment s.
	node(ctx context.Context, s *Stack, i int, a action) error
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
//
// The stack's ports are picked free, then bound by the servers a moment
// later: another process (a test package running beside, any outgoing
// connection) can take one in between. Such a start is retried with new
// ports, a few times.
func Start(ctx context.Context, o Options) (*Stack, error) {
	for attempt := 1; ; attempt++ {
		s, err := start(ctx, o)
		if err == nil || !portTaken(err) || attempt == portAttempts || ctx.Err() != nil {
			return s, err
		}
		if o.Logf != nil {
			o.Logf("teststack: a port was taken before the stack bound it (attempt %d): starting again on new ports: %v", attempt, err)
		}
	}
}

// portAttempts bounds the starts of a stack whose ports were taken.
const portAttempts = 3

// portTaken reports whether a start failed because a port it had picked
// was bound by someone else meanwhile (Docker's message, then the kernel's).
func portTaken(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "port is already allocated") || strings.Contains(msg, "address already in use")
}

func start(ctx context.Context, o Options) (*Stack, error) {
	logf := o.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	name, err := chooseBackend(o.Backend)
	if err != nil {
		return nil, err
	}
	s := &Stack{ID: "tpm" + randomHex(4), Backend: name, Nodes: o.Topology.nodes(), MinIOTLS: o.MinIOTLS, DefaultKey: defaultKESKey}
	if name == BackendExternal {
		if o.Sites > 0 || o.Outside {
			return nil, errors.New("teststack: the external backend is one deployment; it has no sites and no outside deployment")
		}
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
	names := o.deployments()
	var hosts []string
	for _, d := range names {
		hosts = append(hosts, nodeHosts(s.ID, d, o.nodes(d))...)
	}
	m, err := newMaterial(s.workdir, []string{"kes"}, hosts, s.MinIOTLS)
	if err != nil {
		s.removeWorkdir()
		return nil, fmt.Errorf("generating stack secrets: %w", err)
	}
	s.AccessKey, s.SecretKey = m.rootUser, m.rootPassword
	s.KESAdminAPIKey, s.KESMinIOAPIKey = m.kesAdmin.String(), m.kesMinIO.String()
	s.CAFile = m.CAFile()
	began := time.Now()
	err = s.be.start(ctx, s, m)
	if err == nil {
		err = s.be.startMinIO(ctx, s.split(o, names), m)
	}
	if err == nil && len(s.Sites) > 0 {
		err = s.joinSites(ctx)
	}
	if err != nil {
		cerr := s.Close()
		return nil, errors.Join(fmt.Errorf("starting the %s stack: %w", name, err), cerr)
	}
	logf("teststack: backend=%s nodes=%d minio=%s kes=%s%s ready in %s", name, s.Nodes, s.MinIOEndpoint, s.KESEndpoint, s.describeExtra(), time.Since(began).Round(time.Millisecond))
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

// nodeHosts are the names the n MinIO nodes of a deployment know each
// other by (container names on the stack's Docker network), which the
// MinIO certificate covers. deployment is "" for a stack's only one.
func nodeHosts(id, deployment string, n int) []string {
	prefix := id
	if deployment != "" {
		prefix += "-" + deployment
	}
	hosts := make([]string, n)
	for i := range hosts {
		hosts[i] = fmt.Sprintf("%s-minio%d", prefix, i+1)
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
	return s.be.node(ctx, s, i, a)
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

// Close stops and removes every server, network and file of the stack,
// all its deployments included. It is safe to call more than once. On
// another site, or the outside deployment, it does nothing: they go with
// the stack Start returned.
func (s *Stack) Close() error {
	if s.be == nil || s.member {
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
// stack's external backend read, and for a stack of several deployments
// where the others are (see siteEnv).
func (s *Stack) Env() map[string]string {
	env := map[string]string{
		"MINIO_ENDPOINT":     s.MinIOEndpoint,
		"MINIO_ACCESS_KEY":   s.AccessKey,
		"MINIO_SECRET_KEY":   s.SecretKey,
		"MINIO_ENABLE_HTTPS": fmt.Sprint(s.MinIOTLS),
		"MINIO_CACERT_FILE":  s.CAFile,
		"KES_SERVER":         s.KESEndpoint,
		"KES_API_KEY":        s.KESAdminAPIKey,
		"KES_CACERT_FILE":    s.CAFile,
	}
	maps.Copy(env, s.siteEnv())
	return env
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
