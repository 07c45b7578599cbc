package teststack

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
)

// State is what is needed to tear down a detached stack from another
// process (`make stack-down`).
type State struct {
	ID      string            `json:"id"`
	Backend string            `json:"backend"`
	Workdir string            `json:"workdir"`
	Env     map[string]string `json:"env"`
}

// State describes the stack for a later Teardown.
func (s *Stack) State() State {
	return State{ID: s.ID, Backend: s.Backend, Workdir: s.workdir, Env: s.Env()}
}

// Removed is what a Teardown found and removed. Whatever was already gone
// (a container removed by hand, a server process that died) is not in it.
type Removed struct {
	Containers []string // Docker container names
	Networks   []string // Docker network names
	Processes  []string // server processes killed, as "name (pid N)"
	Workdir    string   // the stack's directory (certificates, keys, data), if it was still there
}

// Teardown removes a detached stack: its containers and network, or its
// server processes, and its files; it reports what it removed.
func Teardown(ctx context.Context, st State) (Removed, error) {
	var r Removed
	var err error
	switch st.Backend {
	case BackendDocker:
		r.Containers, r.Networks, err = teardownDocker(ctx, st.ID)
	case BackendProcess:
		r.Processes = killServers(st.Workdir)
	case BackendExternal:
		return r, nil
	default:
		return r, fmt.Errorf("teststack: unknown backend %q in stack state", st.Backend)
	}
	if st.Workdir != "" {
		if _, serr := os.Stat(st.Workdir); serr == nil {
			if rerr := os.RemoveAll(st.Workdir); rerr != nil {
				err = errors.Join(err, rerr)
			} else {
				r.Workdir = st.Workdir
			}
		}
	}
	return r, err
}

// teardownDocker lists the stack's containers and networks by name, then
// removes them.
func teardownDocker(ctx context.Context, id string) (containers, networks []string, err error) {
	names, err := docker(ctx, "ps", "-a", "--filter", "label="+labelStack+"="+id, "--format", "{{.Names}}")
	if err != nil {
		return nil, nil, err
	}
	nets, err := docker(ctx, "network", "ls", "--filter", "label="+labelStack+"="+id, "--format", "{{.Name}}")
	if err != nil {
		return nil, nil, err
	}
	if err := removeDockerStack(ctx, id); err != nil {
		return nil, nil, err
	}
	containers, networks = strings.Fields(names), strings.Fields(nets)
	sort.Strings(containers)
	sort.Strings(networks)
	return containers, networks, nil
}

// killServers kills the processes named by the pid files in dir and
// returns the ones that were still running.
func killServers(dir string) []string {
	if dir == "" {
		return nil
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.pid"))
	sort.Strings(files)
	var killed []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 0 {
			continue
		}
		if syscall.Kill(pid, syscall.SIGKILL) == nil { // already gone is fine
			killed = append(killed, fmt.Sprintf("%s (pid %d)", strings.TrimSuffix(filepath.Base(f), ".pid"), pid))
		}
	}
	return killed
}
