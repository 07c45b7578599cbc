package teststack

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"testing"
)

var (
	current   *Stack
	currentMu sync.Mutex
)

// Live returns the package's stack, or skips the test when Main started
// none (TF_ACC unset).
func Live(t testing.TB) *Stack {
	t.Helper()
	s := Current()
	if s == nil {
		t.Skip("live test: set TF_ACC=1 to run it against a real MinIO and KES")
	}
	return s
}

// Current is the stack Main started for this test package, or nil.
func Current() *Stack {
	currentMu.Lock()
	defer currentMu.Unlock()
	return current
}

// Main starts one stack for a test package, exports it through the
// environment variables the provider reads (Stack.Env), runs the tests and
// removes the stack again, also when the run is interrupted. Use it from
// TestMain: os.Exit(teststack.Main(m, teststack.Options{})).
//
// Without TF_ACC the tests run with no stack: live tests then skip, as
// terraform-plugin-testing's acceptance tests do, so `go test ./...` stays
// a fast unit run.
func Main(m *testing.M, o Options) int {
	if os.Getenv("TF_ACC") == "" {
		fmt.Fprintln(os.Stderr, "teststack: TF_ACC is not set; live tests are skipped")
		return m.Run()
	}
	if o.Logf == nil {
		o.Logf = func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	}
	// An interrupt, during start-up or the tests, tears the stack down
	// before exiting.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-sig
		cancel()
		if s := Current(); s != nil && s.Close() == nil {
			fmt.Fprintln(os.Stderr, "teststack: interrupted; stack removed")
		}
		os.Exit(130)
	}()
	s, err := Start(ctx, o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "teststack: %v\n", err)
		return 1
	}
	currentMu.Lock()
	current = s
	currentMu.Unlock()
	for k, v := range s.Env() {
		os.Setenv(k, v)
	}
	code := m.Run()
	if err := s.Close(); err != nil {
		fmt.Fprintf(os.Stderr, "teststack: teardown: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}
