package teststack

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// processBackend runs the same binaries as local processes on 127.0.0.1,
// for machines without a Docker engine.
type processBackend struct {
	dir    string
	detach bool
	logf   func(string, ...any)
	stack  *Stack // the stack whose KES this is

	kesBin, minioBin string
	kesArgs          []string
	nodeArgs         map[string][]string // by process name (nodeProc)
	nodeEnv          []string
	procs            map[string]*exec.Cmd
}

// errNoLocalCluster: inside a container (/.dockerenv), MinIO waits forever
// for peers on loopback addresses to "resolve to a valid IP" (UpdateIsLocal
// in its cmd/endpoint.go), so four nodes on 127.0.0.1 never form a cluster.
var errNoLocalCluster = errors.New("the process backend cannot run a distributed MinIO inside a container " +
	"(MinIO refuses peers on 127.0.0.1 there); use the Docker backend")

func insideContainer() bool {
	for _, f := range []string{"/.dockerenv", "/run/.containerenv"} {
		if _, err := os.Stat(f); err == nil {
			return true
		}
	}
	return false
}

func (p *processBackend) start(ctx context.Context, s *Stack, m *material) error {
	if s.Nodes > 1 && insideContainer() {
		return errNoLocalCluster
	}
	p.stack = s
	p.procs = map[string]*exec.Cmd{}
	var err error
	if p.kesBin, err = kesServer.binary(ctx, p.logf); err != nil {
		return err
	}
	if p.minioBin, err = minioServer.binary(ctx, p.logf); err != nil {
		return err
	}
	kport, err := freePort()
	if err != nil {
		return err
	}
	if err := m.writeKESConfig(fmt.Sprintf("127.0.0.1:%d", kport), m.dir, filepath.Join(p.dir, "kes-keys")); err != nil {
		return err
	}
	s.KESEndpoint = fmt.Sprintf("https://127.0.0.1:%d", kport)
	p.kesArgs = []string{"server", "--config", m.kesConfigFile()}
	return p.kes(ctx, actStart)
}

// startMinIO spawns the nodes of every deployment, then waits for them
// all: the nodes of a cluster must come up together.
func (p *processBackend) startMinIO(ctx context.Context, ds []*Stack, m *material) error {
	p.nodeEnv = append(os.Environ(), minioEnv(p.stack, p.stack.KESEndpoint, p.stack.CAFile)...)
	p.nodeArgs = map[string][]string{}
	for _, s := range ds {
		if err := s.allocateEndpoints(); err != nil {
			return err
		}
		s.PeerURL = s.MinIOURL()
		dataDir := func(i int) string { return filepath.Join(p.dir, "data", nodeProc(s, i)) }
		vols := drives(s, dataDir(0), func(i int) string { return s.NodeEndpoints[i] }, dataDir)
		for i := range s.Nodes {
			cport, err := freePort()
			if err != nil {
				return err
			}
			name := nodeProc(s, i)
			p.nodeArgs[name] = append([]string{"server", "--address", s.NodeEndpoints[i],
				"--console-address", fmt.Sprintf("127.0.0.1:%d", cport), "--certs-dir", m.minioCertsDir()}, vols...)
			if err := p.spawn(name, p.minioBin, p.nodeArgs[name], p.nodeEnv); err != nil {
				return err
			}
		}
	}
	for _, s := range ds {
		if err := s.waitMinIO(ctx, s.MinIOURL()); err != nil {
			return err
		}
	}
	return nil
}

// nodeProc names node i of deployment s among the stack's processes (its
// log and pid files): its host name without the stack ID, such as minio1
// or site-b-minio1.
func nodeProc(s *Stack, i int) string { return strings.TrimPrefix(s.hosts[i], s.ID+"-") }

// spawn starts a server whose output goes to a log file in the stack
// directory. Unless detached, it dies with the test process (Pdeathsig),
// so a killed test run leaves no server behind.
func (p *processBackend) spawn(name, bin string, args, env []string) error {
	logFile, err := os.OpenFile(filepath.Join(p.dir, name+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	cmd.Dir = p.dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if !p.detach {
		cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", name, err)
	}
	p.procs[name] = cmd
	go func() { _ = cmd.Wait() }() // reap; the exit status of a stopped server is of no interest
	return os.WriteFile(filepath.Join(p.dir, name+".pid"), []byte(strconv.Itoa(cmd.Process.Pid)), 0o600)
}

func (p *processBackend) signal(name string, sig syscall.Signal) error {
	cmd, ok := p.procs[name]
	if !ok {
		return nil
	}
	delete(p.procs, name)
	if err := cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("signalling %s: %w", name, err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for processAlive(cmd.Process.Pid) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if processAlive(cmd.Process.Pid) {
		_ = cmd.Process.Kill() // it may have exited meanwhile
	}
	return nil
}

// suspend sends SIGSTOP or SIGCONT to a server, which freezes or thaws it
// without ending it: unlike signal, the process stays the backend's. A
// stopped process still dies of the SIGKILL of close.
func (p *processBackend) suspend(name string, sig syscall.Signal) error {
	cmd, ok := p.procs[name]
	if !ok {
		return fmt.Errorf("%s is not running", name)
	}
	if err := cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("signalling %s: %w", name, err)
	}
	return nil
}

func (p *processBackend) node(ctx context.Context, s *Stack, i int, a action) error {
	name := nodeProc(s, i)
	switch a {
	case actKill:
		return p.signal(name, syscall.SIGKILL)
	case actStop:
		return p.signal(name, syscall.SIGTERM)
	case actRestart:
		if err := p.signal(name, syscall.SIGTERM); err != nil {
			return err
		}
	}
	if err := p.spawn(name, p.minioBin, p.nodeArgs[name], p.nodeEnv); err != nil {
		return err
	}
	return s.waitMinIO(ctx, s.scheme()+"://"+s.NodeEndpoints[i])
}

func (p *processBackend) kes(ctx context.Context, a action) error {
	switch a {
	case actPause:
		return p.suspend("kes", syscall.SIGSTOP)
	case actUnpause:
		if err := p.suspend("kes", syscall.SIGCONT); err != nil {
			return err
		}
		return p.stack.waitKES(ctx)
	}
	if a == actStop || a == actKill || a == actRestart {
		sig := syscall.SIGTERM
		if a == actKill {
			sig = syscall.SIGKILL
		}
		if err := p.signal("kes", sig); err != nil || a != actRestart {
			return err
		}
	}
	if err := p.spawn("kes", p.kesBin, p.kesArgs, os.Environ()); err != nil {
		return err
	}
	return p.stack.waitKES(ctx)
}

func (p *processBackend) close(context.Context) error {
	var errs []error
	for name := range p.procs {
		errs = append(errs, p.signal(name, syscall.SIGKILL))
	}
	return errors.Join(errs...)
}
