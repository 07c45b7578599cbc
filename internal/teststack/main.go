package teststack

import (
	"context"
	"errors"
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

	// shared are the stacks Shared started, by name; sharedMu is held
	// while one starts, so that a name is started once. sharedCtx ends
	// when Main is interrupted, which cuts such a start short.
	shared    = map[string]sharedStack{}
	sharedMu  sync.Mutex
	sharedCtx = context.Background()
)

type sharedStack struct {
	s   *Stack
	err error
}

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

// Shared returns the test package's stack called name, which the first
// test asking for it starts with o (on the backend of the package's stack
// unless o names one) and Main removes after the last test: for a kind of
// stack that several tests need besides the package's own, such as a
// site-replication group, started once rather than per test. Tests share
// it, so each must work in buckets and keys of its own. It skips the test
// as Live does, and fails it when the stack cannot start; later callers
// get the same error without another attempt.
func Shared(t testing.TB, name string, o Options) *Stack {
	t.Helper()
	pkg := Live(t)
	sharedMu.Lock()
	defer sharedMu.Unlock()
	got, ok := shared[name]
	if !ok {
		if o.Backend == "" {
			o.Backend = pkg.Backend
		}
		if o.Logf == nil {
			o.Logf = stderrf // the stack outlives the test that started it
		}
		ctx, cancel := context.WithTimeout(sharedCtx, 5*startupTimeout)
		got.s, got.err = Start(ctx, o)
		cancel()
		shared[name] = got
	}
	if got.err != nil {
		t.Fatalf("teststack: the shared stack %q: %v", name, got.err)
	}
	return got.s
}

func stderrf(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }

// closeShared removes the stacks Shared started.
func closeShared() error {
	sharedMu.Lock()
	defer sharedMu.Unlock()
	var errs []error
	for name, got := range shared {
		if got.s != nil {
			errs = append(errs, got.s.Close())
		}
		delete(shared, name)
	}
	return errors.Join(errs...)
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
		o.Logf = stderrf
	}
	// An interrupt, during start-up or the tests, tears the stack down
	// before exiting.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sig)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sharedCtx = ctx
	go func() {
		<-sig
		cancel()
		if s := Current(); s != nil && errors.Join(s.Close(), closeShared()) == nil {
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
	if err := errors.Join(closeShared(), s.Close()); err != nil {
		fmt.Fprintf(os.Stderr, "teststack: teardown: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}
