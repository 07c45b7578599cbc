package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

func writeState(t *testing.T, path string, st teststack.State) {
	t.Helper()
	b, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func runDown(t *testing.T, stateFile string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run([]string{"down", "-state", stateFile}, &out); err != nil {
		t.Fatalf("down: %v\n%s", err, out.String())
	}
	return out.String()
}

func mustContain(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Errorf("down's report lacks %q:\n%s", want, out)
		}
	}
}

func TestDownWithoutStack(t *testing.T) {
	stateFile := filepath.Join(t.TempDir(), "state.json")
	mustContain(t, runDown(t, stateFile), "no stack was running", stateFile)
}

// A process stack whose servers are two sleeping processes: down kills
// them, removes the stack's directory and the state file, and says so.
func TestDownProcessStack(t *testing.T) {
	dir := t.TempDir()
	workdir := filepath.Join(dir, "stack")
	if err := os.Mkdir(workdir, 0o700); err != nil {
		t.Fatal(err)
	}
	var servers []*exec.Cmd
	var wants []string
	for _, name := range []string{"kes", "minio1"} {
		cmd := exec.Command("sleep", "600")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		servers = append(servers, cmd)
		pid := strconv.Itoa(cmd.Process.Pid)
		if err := os.WriteFile(filepath.Join(workdir, name+".pid"), []byte(pid), 0o600); err != nil {
			t.Fatal(err)
		}
		wants = append(wants, name+" (pid "+pid+")")
	}
	stateFile := filepath.Join(dir, "state.json")
	writeState(t, stateFile, teststack.State{ID: "tpmtest", Backend: teststack.BackendProcess, Workdir: workdir})

	out := runDown(t, stateFile)
	mustContain(t, out, append(wants, "removed stack tpmtest (process backend)", workdir, stateFile)...)
	for _, cmd := range servers {
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			t.Logf("pid %d ended: %v", cmd.Process.Pid, err) // killed, as down must do
		case <-time.After(10 * time.Second):
			t.Fatalf("down left pid %d running", cmd.Process.Pid)
		}
	}
	for _, f := range []string{workdir, stateFile} {
		if _, err := os.Stat(f); !os.IsNotExist(err) {
			t.Errorf("down left %s (err=%v)", f, err)
		}
	}
	// Everything is gone now: a second down says so.
	mustContain(t, runDown(t, stateFile), "no stack was running")
}

// Servers that died on their own are not reported as removed.
func TestDownProcessStackAlreadyGone(t *testing.T) {
	dir := t.TempDir()
	stateFile := filepath.Join(dir, "state.json")
	writeState(t, stateFile, teststack.State{ID: "tpmgone", Backend: teststack.BackendProcess, Workdir: filepath.Join(dir, "gone")})
	mustContain(t, runDown(t, stateFile), "processes   none running (already stopped)", "files       none left (already removed)", stateFile)
}

func TestDownExternalStackLeavesServers(t *testing.T) {
	stateFile := filepath.Join(t.TempDir(), "state.json")
	writeState(t, stateFile, teststack.State{ID: "ext", Backend: teststack.BackendExternal})
	mustContain(t, runDown(t, stateFile), "external, not ours to stop", stateFile)
	if _, err := os.Stat(stateFile); !os.IsNotExist(err) {
		t.Errorf("down left the state file (err=%v)", err)
	}
}

func TestDownKeepsAnUnreadableStateFile(t *testing.T) {
	stateFile := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(stateFile, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"down", "-state", stateFile}, &bytes.Buffer{}); err == nil {
		t.Fatal("down accepted a broken state file")
	}
	if _, err := os.Stat(stateFile); err != nil {
		t.Errorf("down removed a state file it could not read: %v", err)
	}
}

// TestUpRefusesBadSites: a site-replication group of one, or sites on a
// distributed topology, is refused before anything starts or is recorded.
func TestUpRefusesBadSites(t *testing.T) {
	for _, args := range [][]string{{"-sites", "1"}, {"-sites", "2", "-distributed"}} {
		stateFile := filepath.Join(t.TempDir(), "state.json")
		err := run(append([]string{"up", "-state", stateFile}, args...), &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "sites") {
			t.Errorf("up %v: %v, want a refusal about sites", args, err)
		}
		if _, err := os.Stat(stateFile); !os.IsNotExist(err) {
			t.Errorf("up %v recorded a stack (err=%v)", args, err)
		}
	}
}

// TestUpDown is `make stack-up` then `make stack-down` on this machine's
// own backend: down must name every container and network (or server
// process) it removed, the stack's directory and the state file.
func TestUpDown(t *testing.T) {
	exports := upDown(t, []string{"kes", "minio1"})
	mustContain(t, exports, "export MINIO_ENDPOINT=")
	if strings.Contains(exports, "MINIO_SITE") || strings.Contains(exports, "MINIO_OUTSIDE") {
		t.Errorf("a stack without sites exports:\n%s", exports)
	}
}

// TestUpDownSites is `up -sites 2 -outside`: the export lines name every
// deployment (site B and the outside one by their own variables, the
// group as MINIO_SITE_ENDPOINTS), and down removes all of them.
func TestUpDownSites(t *testing.T) {
	exports := upDown(t, []string{"kes", "site-a-minio1", "site-b-minio1", "outside-minio1"}, "-sites", "2", "-outside")
	env := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(exports), "\n") {
		k, v, _ := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		env[k] = strings.Trim(v, "'")
	}
	for _, k := range []string{"MINIO_SITE_A_ENDPOINT", "MINIO_SITE_B_ENDPOINT", "MINIO_OUTSIDE_ENDPOINT"} {
		if !strings.HasPrefix(env[k], "127.0.0.1:") {
			t.Errorf("%s=%q, want a 127.0.0.1 address", k, env[k])
		}
	}
	if env["MINIO_SITE_A_ENDPOINT"] != env["MINIO_ENDPOINT"] {
		t.Errorf("MINIO_ENDPOINT=%q is not site A's %q", env["MINIO_ENDPOINT"], env["MINIO_SITE_A_ENDPOINT"])
	}
	if want := "site-a=" + env["MINIO_SITE_A_ENDPOINT"] + ",site-b=" + env["MINIO_SITE_B_ENDPOINT"]; env["MINIO_SITE_ENDPOINTS"] != want {
		t.Errorf("MINIO_SITE_ENDPOINTS=%q, want %q", env["MINIO_SITE_ENDPOINTS"], want)
	}
}

// upStack runs up with args on this machine's own backend (skipping without
// TF_ACC) and returns the stack's state, its state file and the export
// lines; the stack is torn down when the test ends, whatever down did.
func upStack(t *testing.T, args ...string) (teststack.State, string, *bytes.Buffer) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC is not set: this test starts a real MinIO and KES")
	}
	t.Setenv("MINIO_ENDPOINT", "") // this machine's own stack, never an external one
	t.Setenv("TEST_STACK_BACKEND", teststack.LocalBackend())
	stateFile := filepath.Join(t.TempDir(), "state.json")
	var exports bytes.Buffer
	if err := run(append([]string{"up", "-state", stateFile}, args...), &exports); err != nil {
		t.Fatalf("up: %v", err)
	}
	b, err := os.ReadFile(stateFile)
	if err != nil {
		t.Fatal(err)
	}
	var st teststack.State
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = teststack.Teardown(context.Background(), st) }) // in case down fails
	return st, stateFile, &exports
}

// upDown runs up with args, then down, and checks that down named every
// container and the network, or the processes procs, the stack's
// directory and the state file, and left nothing. It returns up's export
// lines.
func upDown(t *testing.T, procs []string, args ...string) string {
	t.Helper()
	st, stateFile, exports := upStack(t, args...)
	for k, v := range st.Env {
		mustContain(t, exports.String(), "export "+k+"='"+v+"'")
	}

	var wants []string
	switch st.Backend {
	case teststack.BackendDocker:
		names, err := exec.Command("docker", "ps", "-a", "--filter", "label=org.minio-keyrotate.teststack="+st.ID, "--format", "{{.Names}}").Output()
		if err != nil || len(strings.Fields(string(names))) != len(procs) {
			t.Fatalf("the stack's containers: %q, %v; want %d", names, err, len(procs))
		}
		wants = append(strings.Fields(string(names)), "network     "+st.ID)
	case teststack.BackendProcess:
		for _, p := range procs {
			wants = append(wants, p+" (pid ")
		}
	}
	out := runDown(t, stateFile)
	mustContain(t, out, append(wants, "removed stack "+st.ID+" ("+st.Backend+" backend)", st.Workdir, stateFile)...)
	if st.Backend == teststack.BackendDocker {
		left, err := exec.Command("docker", "ps", "-aq", "--filter", "label=org.minio-keyrotate.teststack="+st.ID).Output()
		if err != nil || len(bytes.TrimSpace(left)) > 0 {
			t.Errorf("down left containers %q (%v)", left, err)
		}
	}
	mustContain(t, runDown(t, stateFile), "no stack was running")
	return exports.String()
}
