// Command teststack starts a MinIO+KES stack that outlives it (`up`, which
// prints shell export lines for it) and removes it again (`down`). It backs
// `make stack-up` and `make stack-down`.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strings"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "teststack:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return errors.New("usage: teststack up|down [flags]")
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	stateFile := fs.String("state", ".teststack.json", "file that records the running stack")
	distributed := fs.Bool("distributed", false, "four MinIO nodes in one erasure set instead of one")
	minioTLS := fs.Bool("tls", false, "serve MinIO over HTTPS")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	switch args[0] {
	case "up":
		return up(ctx, *stateFile, *distributed, *minioTLS)
	case "down":
		return down(ctx, *stateFile)
	}
	return fmt.Errorf("unknown command %q: use up or down", args[0])
}

func up(ctx context.Context, stateFile string, distributed, minioTLS bool) error {
	if _, err := os.Stat(stateFile); err == nil {
		return fmt.Errorf("%s exists: a stack is already up; run `make stack-down` first", stateFile)
	}
	o := teststack.Options{Detach: true, MinIOTLS: minioTLS, Logf: func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }}
	if distributed {
		o.Topology = teststack.Distributed
	}
	s, err := teststack.Start(ctx, o)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(s.State(), "", "  ")
	if err == nil {
		err = os.WriteFile(stateFile, b, 0o600)
	}
	if err != nil {
		s.Close()
		return fmt.Errorf("recording the stack in %s: %w", stateFile, err)
	}
	env := s.Env()
	names := make([]string, 0, len(env))
	for k := range env {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Printf("export %s='%s'\n", k, strings.ReplaceAll(env[k], "'", `'\''`))
	}
	return nil
}

func down(ctx context.Context, stateFile string) error {
	b, err := os.ReadFile(stateFile)
	if errors.Is(err, os.ErrNotExist) {
		fmt.Fprintln(os.Stderr, "teststack: no stack is up")
		return nil
	}
	if err != nil {
		return err
	}
	var st teststack.State
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("reading %s: %w", stateFile, err)
	}
	if err := teststack.Teardown(ctx, st); err != nil {
		return err
	}
	return os.Remove(stateFile)
}
