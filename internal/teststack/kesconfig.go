package teststack

import (
	"fmt"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"
)

// minioKESPolicy is what MinIO needs from KES to seal and unseal objects
// and to serve its KMS admin API (create, list and status of keys); it
// cannot delete keys.
var minioKESPolicy = []string{
	"/v1/key/create/*",
	"/v1/key/generate/*",
	"/v1/key/decrypt/*",
	"/v1/key/bulk/decrypt",
	"/v1/key/list/*",
	"/v1/key/describe/*",
	"/v1/status",
	"/v1/metrics",
	"/v1/api",
}

// kesConfig is the subset of KES 0.23's configuration file the stack uses
// (see kesconf/config.go in the KES module).
type kesConfig struct {
	Version string `yaml:"version"`
	Address string `yaml:"address"`
	Admin   struct {
		Identity string `yaml:"identity"`
	} `yaml:"admin"`
	TLS struct {
		Key  string `yaml:"key"`
		Cert string `yaml:"cert"`
	} `yaml:"tls"`
	Policy   map[string]kesPolicy `yaml:"policy"`
	KeyStore struct {
		FS struct {
			Path string `yaml:"path"`
		} `yaml:"fs"`
	} `yaml:"keystore"`
}

type kesPolicy struct {
	Allow      []string `yaml:"allow"`
	Deny       []string `yaml:"deny,omitempty"`
	Identities []string `yaml:"identities"`
}

// writeKESConfig writes kes-config.yml into the material directory. Paths
// are those the KES server sees: certDir holds kes.crt and kes.key.
func (m *material) writeKESConfig(address, certDir, keystore string) error {
	var c kesConfig
	c.Version = "v1"
	c.Address = address
	c.Admin.Identity = m.kesAdmin.Identity().String()
	c.TLS.Key = filepath.Join(certDir, "kes.key")
	c.TLS.Cert = filepath.Join(certDir, "kes.crt")
	c.Policy = map[string]kesPolicy{"minio": {
		Allow:      minioKESPolicy,
		Identities: []string{m.kesMinIO.Identity().String()},
	}}
	// The provider's own restricted identities (iam.go): one holding
	// exactly the shipped KES policy, and one for each of its paths that
	// holds the policy without that path.
	if err := m.addProviderKESPolicies(c.Policy); err != nil {
		return err
	}
	c.KeyStore.FS.Path = keystore
	b, err := yaml.Marshal(c)
	if err != nil {
		return fmt.Errorf("encoding KES config: %w", err)
	}
	return os.WriteFile(m.kesConfigFile(), b, 0o600)
}

func (m *material) kesConfigFile() string { return filepath.Join(m.dir, "kes-config.yml") }
