// Command teststack starts a MinIO+KES stack that outlives it (`up`, which
// prints shell export lines for it) and removes it again (`down`). It backs
// `make stack-up` and `make stack-down`. `up -sites N` starts N sites
// joined by site replication instead of one deployment, `up -outside` one
// more deployment in no group; their endpoints are printed as
// MINIO_SITE_B_ENDPOINT and so on, MINIO_SITE_ENDPOINTS (site names to
// 127.0.0.1 addresses) and MINIO_OUTSIDE_ENDPOINT. `seed` puts test objects
// on the stack the environment names. `cli terraform|tofu` builds a
// pinned CLI (cached) and prints its path, for make targets that need one.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "teststack:", err)
		os.Exit(1)
	}
}

// run runs one command; stdout gets the export lines of up and the report
// of down, while progress goes to stderr.
func run(args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: teststack up|down [flags], teststack seed [flags], or teststack cli terraform|tofu")
	}
	if args[0] == "seed" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		return seed(ctx, stdout, args[1:])
	}
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	stateFile := fs.String("state", ".teststack.json", "file that records the running stack")
	distributed := fs.Bool("distributed", false, "four MinIO nodes in one erasure set instead of one")
	minioTLS := fs.Bool("tls", false, "serve MinIO over HTTPS")
	sites := fs.Int("sites", 0, "N >= 2 single-node deployments joined by site replication (site-a, site-b, ...) instead of one")
	outside := fs.Bool("outside", false, "one more single-node deployment on the same KES, in no site-replication group")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if args[0] == "cli" {
		return cli(ctx, stdout, fs.Args())
	}
	switch args[0] {
	case "up":
		o := teststack.Options{Detach: true, MinIOTLS: *minioTLS, Sites: *sites, Outside: *outside,
			Logf: func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }}
		if *distributed {
			o.Topology = teststack.Distributed
		}
		return up(ctx, stdout, *stateFile, o)
	case "down":
		return down(ctx, stdout, *stateFile)
	}
	return fmt.Errorf("unknown command %q: use up, down, seed or cli", args[0])
}

func cli(ctx context.Context, stdout io.Writer, args []string) error {
	if len(args) != 1 {
		return errors.New("usage: teststack cli terraform|tofu")
	}
	bin, err := teststack.PinnedCLI(ctx, args[0], func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) })
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, bin)
	return err
}

// up starts a detached stack, records it in stateFile and prints its
// environment (Stack.Env: with sites or an outside deployment, their
// endpoints too) as export lines.
func up(ctx context.Context, stdout io.Writer, stateFile string, o teststack.Options) error {
	if _, err := os.Stat(stateFile); err == nil {
		return fmt.Errorf("%s exists: a stack is already up; run `make stack-down` first", stateFile)
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
		fmt.Fprintf(stdout, "export %s='%s'\n", k, strings.ReplaceAll(env[k], "'", `'\''`))
	}
	return nil
}

// down removes the stack recorded in stateFile and says what it removed.
func down(ctx context.Context, stdout io.Writer, stateFile string) error {
	b, err := os.ReadFile(stateFile)
	if errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(stdout, "no stack was running (%s does not exist)\n", stateFile)
		return nil
	}
	if err != nil {
		return err
	}
	var st teststack.State
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("reading %s: %w (remove it by hand once the stack is gone)", stateFile, err)
	}
	removed, err := teststack.Teardown(ctx, st)
	if err != nil {
		return fmt.Errorf("removing stack %s (%s left in place): %w", st.ID, stateFile, err)
	}
	if err := os.Remove(stateFile); err != nil {
		return err
	}
	report(stdout, st, removed, stateFile)
	return nil
}

// report lists what down removed, one kind a line.
func report(w io.Writer, st teststack.State, r teststack.Removed, stateFile string) {
	line := func(what string, items []string, none string) {
		if len(items) == 0 {
			fmt.Fprintf(w, "  %-11s %s\n", what, none)
			return
		}
		fmt.Fprintf(w, "  %-11s %s\n", what, strings.Join(items, ", "))
	}
	fmt.Fprintf(w, "removed stack %s (%s backend):\n", st.ID, st.Backend)
	switch st.Backend {
	case teststack.BackendDocker:
		line("containers", r.Containers, "none left (already removed)")
		line("network", r.Networks, "none left (already removed)")
	case teststack.BackendProcess:
		line("processes", r.Processes, "none running (already stopped)")
	case teststack.BackendExternal:
		fmt.Fprintf(w, "  %-11s %s\n", "servers", "external, not ours to stop: left running")
	}
	if st.Backend != teststack.BackendExternal {
		var files []string
		if r.Workdir != "" {
			files = []string{r.Workdir}
		}
		line("files", files, "none left (already removed)")
	}
	line("state file", []string{stateFile}, "")
}
