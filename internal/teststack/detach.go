package teststack

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
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

// Teardown removes a detached stack: its containers and network, or its
// server processes, and its files.
func Teardown(ctx context.Context, st State) error {
	var err error
	switch st.Backend {
	case BackendDocker:
		err = removeDockerStack(ctx, st.ID)
	case BackendProcess:
		pids, _ := filepath.Glob(filepath.Join(st.Workdir, "*.pid"))
		for _, f := range pids {
			b, rerr := os.ReadFile(f)
			if rerr != nil {
				continue
			}
			if pid, perr := strconv.Atoi(string(b)); perr == nil {
				_ = syscall.Kill(pid, syscall.SIGKILL) // already gone is fine
			}
		}
	case BackendExternal:
		return nil
	default:
		return fmt.Errorf("teststack: unknown backend %q in stack state", st.Backend)
	}
	if st.Workdir != "" {
		os.RemoveAll(st.Workdir)
	}
	return err
}
