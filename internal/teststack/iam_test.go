package teststack

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/minio/kes-go"
	"go.yaml.in/yaml/v3"
)

// The KES configuration of a stack holds the provider's identities: one
// with exactly the shipped KES policy, one per path without it; their keys
// are in the stack's directory.
func TestProviderKESIdentities(t *testing.T) {
	pol, err := ReadKESPolicy()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	m, err := newMaterial(dir, []string{"kes"}, []string{"minio1"}, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.writeKESConfig("127.0.0.1:7373", dir, filepath.Join(dir, "keys")); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(m.kesConfigFile())
	if err != nil {
		t.Fatal(err)
	}
	var c kesConfig
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	s := &Stack{workdir: dir}
	full, err := s.KESProviderKey()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Policy[pol.Name]; !slices.Equal(got.Allow, pol.Allow) || len(got.Identities) != 1 || got.Identities[0] != identity(t, full) {
		t.Errorf("policy %s = %+v, want %v for the identity of KESProviderKey", pol.Name, got, pol.Allow)
	}
	seen := map[string]bool{}
	for _, path := range pol.Allow {
		key, err := s.KESProviderKeyWithout(path)
		if err != nil {
			t.Fatal(err)
		}
		id := identity(t, key)
		var found bool
		for name, p := range c.Policy {
			if slices.Contains(p.Identities, id) {
				found = true
				if slices.Contains(p.Allow, path) || len(p.Allow) != len(pol.Allow)-1 {
					t.Errorf("policy %s of the identity without %s allows %v", name, path, p.Allow)
				}
			}
		}
		if !found || seen[id] {
			t.Errorf("the identity without %s is in no policy, or shared", path)
		}
		seen[id] = true
	}
	if _, err := s.KESProviderKeyWithout("/v1/nothing"); err == nil {
		t.Error("a key without a path the policy does not have")
	}
	if info, err := os.Stat(filepath.Join(dir, providerKESKeysFile)); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("keys file: %v, %v", info, err)
	}
}

// identity is the KES identity of an API key.
func identity(t *testing.T, apiKey string) string {
	t.Helper()
	k, err := kes.ParseAPIKey(apiKey)
	if err != nil {
		t.Fatal(err)
	}
	return k.Identity().String()
}

func TestMinIOPolicyWithout(t *testing.T) {
	p, err := ReadMinIOPolicy(MinIOPolicyFile)
	if err != nil {
		t.Fatal(err)
	}
	all := p.Actions()
	for _, a := range all {
		q := p.Without(a)
		if got := q.Actions(); len(got) != len(all)-1 || slices.Contains(got, a) {
			t.Errorf("without %s: %v", a, got)
		}
		var doc map[string]any
		if err := json.Unmarshal(q.JSON(), &doc); err != nil {
			t.Fatal(err)
		}
	}
	if len(p.Without("kms:KeyStatus").Without("kms:Status").Statement) != len(p.Statement)-1 {
		t.Error("a statement left without actions is kept")
	}
}
