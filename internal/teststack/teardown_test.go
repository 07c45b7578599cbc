package teststack

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// leftovers lists what of stack id still exists: containers and networks
// for Docker, live server processes for the process backend.
func leftovers(t *testing.T, s *Stack, pids []int) []string {
	t.Helper()
	var left []string
	if s.Backend == BackendDocker {
		left = append(left, stackContainers(t, s.ID)...)
		nets, err := docker(context.Background(), "network", "ls", "-q", "--filter", "label="+labelStack+"="+s.ID)
		if err != nil {
			t.Fatal(err)
		}
		left = append(left, strings.Fields(nets)...)
	}
	for _, pid := range pids {
		if processAlive(pid) {
			left = append(left, "pid "+strconv.Itoa(pid))
		}
	}
	return left
}

func serverPIDs(t *testing.T, s *Stack) []int {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(s.workdir, "*.pid"))
	var pids []int
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pid, _ := strconv.Atoi(string(b))
		pids = append(pids, pid)
	}
	return pids
}

func TestCloseLeavesNothing(t *testing.T) {
	pkg := Live(t)
	ctx := testContext(t)
	s, err := Start(ctx, Options{Backend: pkg.Backend, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	pids := serverPIDs(t, s)
	if s.Backend == BackendDocker && len(stackContainers(t, s.ID)) == 0 {
		t.Fatal("a started Docker stack has no containers")
	}
	if s.Backend == BackendProcess && len(pids) != 2 {
		t.Fatalf("a started process stack has %d server processes, want 2", len(pids))
	}
	workdir := s.workdir
	if err := s.Close(); err != nil {
		t.Fatalf("closing the stack: %v", err)
	}
	if left := leftovers(t, s, pids); len(left) > 0 {
		t.Fatalf("Close left %v running", left)
	}
	if _, err := os.Stat(workdir); !os.IsNotExist(err) {
		t.Fatalf("Close left the stack directory %s (err=%v)", workdir, err)
	}
}

// TestInterruptLeavesNothing runs this test binary as a child that holds a
// stack (TestHoldStackUntilInterrupted), interrupts it as Ctrl-C would and
// checks that the child removed its stack before exiting.
func TestInterruptLeavesNothing(t *testing.T) {
	Live(t)
	ctx := testContext(t)
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHoldStackUntilInterrupted$", "-test.v")
	cmd.Env = append(os.Environ(), "TEST_STACK_HOLD=1")
	cmd.Env = append(cmd.Env, "MINIO_ENDPOINT=") // the child must start its own stack
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var held Stack
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if f := strings.Fields(lines.Text()); len(f) == 3 && f[0] == "HOLDING" {
			held.ID, held.Backend = f[1], f[2]
			break
		}
	}
	if held.ID == "" {
		_ = cmd.Process.Kill()
		t.Fatal("the child never reported its stack")
	}
	if held.Backend == BackendDocker && len(stackContainers(t, held.ID)) == 0 {
		t.Fatal("the child's stack has no containers while it runs")
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	go func() {
		for lines.Scan() {
		}
	}()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("the interrupted child exited 0; want the interrupt's exit status")
		}
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatal("the interrupted child did not exit")
	}
	if left := leftovers(t, &held, nil); len(left) > 0 {
		t.Fatalf("an interrupted run left %v behind", left)
	}
}

// TestHoldStackUntilInterrupted is the child side of
// TestInterruptLeavesNothing; in a normal run it only checks that the
// package stack is there.
func TestHoldStackUntilInterrupted(t *testing.T) {
	s := Live(t)
	if s.MinIOEndpoint == "" {
		t.Fatal("the package stack has no endpoint")
	}
	if os.Getenv("TEST_STACK_HOLD") != "1" {
		return
	}
	os.Stdout.WriteString("HOLDING " + s.ID + " " + s.Backend + "\n")
	select {}
}
