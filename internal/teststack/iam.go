package teststack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/minio/kes-go"
	"github.com/minio/madmin-go/v3"
	"go.yaml.in/yaml/v3"
)

// Least privilege: the policies the provider ships in examples/iam, and
// credentials that hold exactly them (or them minus one action), so that
// tests run the provider as a user would configure it.
//
// MinIO users and policies are made at run time through the admin API
// (PolicyUser). KES 0.23 has no API for policies: they live in its
// configuration file, so every KES identity a test may want is made when
// the stack starts. writeKESConfig reads the shipped KES policy and adds
// an identity holding exactly it, and one identity per path of it holding
// the policy without that path; their API keys go into a file of the
// stack's directory (0600), which KESProviderKey reads.

// Files of the repository that hold the shipped policies.
const (
	MinIOPolicyFile = "examples/iam/minio-rotation-policy.json"
	KESPolicyFile   = "examples/iam/kes-policy.yml"
)

// providerKESKeysFile is the file, in the stack's directory, that holds
// the API keys of the provider's restricted KES identities.
const providerKESKeysFile = "kes-provider-keys.json"

// providerKESKeys is the content of providerKESKeysFile.
type providerKESKeys struct {
	Policy  string            `json:"policy"`
	Allow   []string          `json:"allow"`
	Full    string            `json:"full"`
	Without map[string]string `json:"without"` // path -> API key
}

// RepoFile finds a file of the repository by its path from the root: up
// from the working directory (tests run in their package's directory),
// else beside this source file.
func RepoFile(rel string) (string, error) {
	if dir, err := os.Getwd(); err == nil {
		for {
			p := filepath.Join(dir, rel)
			if _, err := os.Stat(p); err == nil {
				return p, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	if _, self, _, ok := runtime.Caller(0); ok {
		p := filepath.Join(filepath.Dir(self), "..", "..", rel)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	wd, _ := os.Getwd()
	return "", fmt.Errorf("teststack: %s not found above %s: %w", rel, wd, os.ErrNotExist)
}

// KESPolicy is a KES policy as the shipped file writes it: one entry of a
// KES configuration's policy section.
type KESPolicy struct {
	Name        string
	Allow, Deny []string
}

// ReadKESPolicy reads the shipped KES policy (KESPolicyFile), which must
// hold exactly one policy.
func ReadKESPolicy() (KESPolicy, error) {
	p, err := RepoFile(KESPolicyFile)
	if err != nil {
		return KESPolicy{}, err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return KESPolicy{}, err
	}
	var doc struct {
		Policy map[string]struct {
			Allow      []string `yaml:"allow"`
			Deny       []string `yaml:"deny"`
			Identities []string `yaml:"identities"`
		} `yaml:"policy"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return KESPolicy{}, fmt.Errorf("teststack: %s: %w", KESPolicyFile, err)
	}
	if len(doc.Policy) != 1 {
		return KESPolicy{}, fmt.Errorf("teststack: %s holds %d policies, want 1", KESPolicyFile, len(doc.Policy))
	}
	for name, pol := range doc.Policy {
		if len(pol.Allow) == 0 {
			return KESPolicy{}, fmt.Errorf("teststack: policy %q of %s allows nothing", name, KESPolicyFile)
		}
		return KESPolicy{Name: name, Allow: pol.Allow, Deny: pol.Deny}, nil
	}
	panic("unreachable")
}

// addProviderKESPolicies adds the provider's restricted identities to a
// KES configuration's policies and writes their keys. Without the shipped
// policy file (a stack started outside the repository), it adds none.
func (m *material) addProviderKESPolicies(policies map[string]kesPolicy) error {
	pol, err := ReadKESPolicy()
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	keys := providerKESKeys{Policy: pol.Name, Allow: pol.Allow, Without: map[string]string{}}
	add := func(name string, allow []string) (string, error) {
		k, err := kes.GenerateAPIKey(nil)
		if err != nil {
			return "", fmt.Errorf("generating a KES API key for policy %s: %w", name, err)
		}
		policies[name] = kesPolicy{Allow: allow, Deny: pol.Deny, Identities: []string{k.Identity().String()}}
		return k.String(), nil
	}
	if keys.Full, err = add(pol.Name, pol.Allow); err != nil {
		return err
	}
	for i, path := range pol.Allow {
		rest := slices.Delete(slices.Clone(pol.Allow), i, i+1)
		if len(rest) == 0 {
			rest = []string{"/v1/none"} // KES refuses a policy that allows nothing
		}
		if keys.Without[path], err = add(fmt.Sprintf("%s-without-%d", pol.Name, i), rest); err != nil {
			return err
		}
	}
	b, err := json.Marshal(keys)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(m.dir, providerKESKeysFile), b, 0o600)
}

func (s *Stack) providerKESKeys() (providerKESKeys, error) {
	var k providerKESKeys
	if s.workdir == "" {
		return k, errors.New("teststack: the provider's KES identities exist only on a stack the tests started (not on an external one)")
	}
	b, err := os.ReadFile(filepath.Join(s.workdir, providerKESKeysFile))
	if err != nil {
		return k, fmt.Errorf("teststack: the stack has no restricted KES identities for the provider (%s was not found when it started): %w", KESPolicyFile, err)
	}
	return k, json.Unmarshal(b, &k)
}

// KESProviderKey is the API key of a KES identity that holds exactly the
// shipped KES policy (KESPolicyFile) as it was when the stack started.
func (s *Stack) KESProviderKey() (string, error) {
	k, err := s.providerKESKeys()
	return k.Full, err
}

// KESProviderKeyWithout is the API key of a KES identity that holds the
// shipped KES policy without path (one of its allow entries).
func (s *Stack) KESProviderKeyWithout(path string) (string, error) {
	k, err := s.providerKESKeys()
	if err != nil {
		return "", err
	}
	key, ok := k.Without[path]
	if !ok {
		return "", fmt.Errorf("teststack: the shipped KES policy %s had no path %q when the stack started (it allows %v)", k.Policy, path, k.Allow)
	}
	return key, nil
}

// KESProviderPolicy is the allow list of the shipped KES policy as the
// stack read it when it started.
func (s *Stack) KESProviderPolicy() ([]string, error) {
	k, err := s.providerKESKeys()
	return k.Allow, err
}

// MinIOPolicy is a MinIO (IAM) policy document.
type MinIOPolicy struct {
	Version   string           `json:"Version"`
	Statement []MinIOStatement `json:"Statement"`
}

// MinIOStatement is one statement of a MinIOPolicy.
type MinIOStatement struct {
	Sid      string   `json:"Sid,omitempty"`
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource []string `json:"Resource,omitempty"`
}

// ReadMinIOPolicy reads a MinIO policy from a file of the repository
// (MinIOPolicyFile, or a variant beside it).
func ReadMinIOPolicy(rel string) (MinIOPolicy, error) {
	var p MinIOPolicy
	path, err := RepoFile(rel)
	if err != nil {
		return p, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return p, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return p, fmt.Errorf("teststack: %s: %w", rel, err)
	}
	return p, nil
}

// Actions lists every action the policy allows, in order.
func (p MinIOPolicy) Actions() []string {
	var all []string
	for _, st := range p.Statement {
		if st.Effect == "Allow" {
			all = append(all, st.Action...)
		}
	}
	return all
}

// Without is the policy without action; a statement left with no action
// is dropped.
func (p MinIOPolicy) Without(action string) MinIOPolicy {
	q := MinIOPolicy{Version: p.Version}
	for _, st := range p.Statement {
		st.Action = slices.DeleteFunc(slices.Clone(st.Action), func(a string) bool { return a == action })
		if len(st.Action) > 0 {
			q.Statement = append(q.Statement, st)
		}
	}
	return q
}

// JSON is the policy as MinIO takes it.
func (p MinIOPolicy) JSON() []byte {
	b, err := json.Marshal(p)
	if err != nil {
		panic(err)
	}
	return b
}

// PolicyUser creates a MinIO user whose only policy is policy (a canned
// policy of its own, attached to it) and returns its credentials. Both
// are removed when the test ends.
func (s *Stack) PolicyUser(t testing.TB, policy []byte) (accessKey, secretKey string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	adm, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	name := RandomName("lp-")
	accessKey, secretKey = RandomName("bot-"), randomHex(20)
	if err := adm.AddCannedPolicy(ctx, name, policy); err != nil {
		t.Fatalf("creating policy %s: %v\n%s", name, err, policy)
	}
	if err := adm.AddUser(ctx, accessKey, secretKey); err != nil {
		t.Fatalf("creating user %s: %v", accessKey, err)
	}
	if _, err := adm.AttachPolicy(ctx, madmin.PolicyAssociationReq{Policies: []string{name}, User: accessKey}); err != nil {
		t.Fatalf("attaching policy %s to %s: %v", name, accessKey, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := adm.RemoveUser(ctx, accessKey); err != nil {
			t.Errorf("removing user %s: %v", accessKey, err)
		}
		if err := adm.RemoveCannedPolicy(ctx, name); err != nil {
			t.Errorf("removing policy %s: %v", name, err)
		}
	})
	return accessKey, secretKey
}
