package teststack

import (
	"bytes"
	"fmt"
	"testing"
)

// TestDistributedSurvivesNodeLoss starts four nodes in one erasure set,
// kills one (a crash), reads everything back through another, brings it
// back and restarts a second node.
func TestDistributedSurvivesNodeLoss(t *testing.T) {
	pkg := Live(t)
	ctx := testContext(t)
	s, err := Start(ctx, Options{Topology: Distributed, Backend: pkg.Backend, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if len(s.NodeEndpoints) != 4 {
		t.Fatalf("a distributed stack has %d nodes, want 4", len(s.NodeEndpoints))
	}
	c, err := s.S3(0)
	if err != nil {
		t.Fatal(err)
	}
	bucket := makeBucket(ctx, t, c)
	want := map[string][]byte{}
	for i := range 10 {
		name := fmt.Sprintf("obj-%02d", i)
		want[name] = putKMSObject(ctx, t, c, bucket, name, s.DefaultKey)
	}
	check := func(stage string) {
		t.Helper()
		for name, data := range want {
			got, _ := readObject(ctx, t, c, bucket, name)
			if !bytes.Equal(got, data) {
				t.Fatalf("%s: %s has different bytes", stage, name)
			}
		}
	}
	if err := s.KillNode(ctx, 3); err != nil {
		t.Fatalf("killing node 3: %v", err)
	}
	check("with node 3 killed")
	if err := s.StartNode(ctx, 3); err != nil {
		t.Fatalf("starting node 3: %v", err)
	}
	if err := s.RestartNode(ctx, 1); err != nil {
		t.Fatalf("restarting node 1: %v", err)
	}
	check("after node 3 came back and node 1 restarted")
}
