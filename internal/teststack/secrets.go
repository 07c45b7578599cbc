package teststack

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/minio/kes-go"
)

// material is everything secret a stack is started with. It is made anew
// for every stack, so no test ever depends on a well-known credential.
type material struct {
	dir string // holds ca.crt, kes.crt/key, minio.crt/key, kes-config.yml

	rootUser, rootPassword string
	kesAdmin               kes.APIKey // the provider's own kes-go client
	kesMinIO               kes.APIKey // MinIO's identity, limited by policy
}

// newMaterial writes a CA and server certificates valid for the given host
// names (plus 127.0.0.1 and localhost, through which tests reach the
// servers) and generates credentials.
func newMaterial(dir string, kesHosts, minioHosts []string, minioTLS bool) (*material, error) {
	m := &material{dir: dir, rootUser: "admin-" + randomHex(4), rootPassword: randomHex(20)}
	var err error
	if m.kesAdmin, err = kes.GenerateAPIKey(nil); err != nil {
		return nil, fmt.Errorf("generating KES admin API key: %w", err)
	}
	if m.kesMinIO, err = kes.GenerateAPIKey(nil); err != nil {
		return nil, fmt.Errorf("generating KES API key for MinIO: %w", err)
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "teststack CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(7 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("creating CA certificate: %w", err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	if err := writePEM(m.CAFile(), "CERTIFICATE", caDER); err != nil {
		return nil, err
	}
	if err := issue(dir, "kes.crt", "kes.key", kesHosts, ca, caKey); err != nil {
		return nil, err
	}
	// MinIO finds its certificate and the CAs it trusts by these names in
	// its certs directory.
	certs := m.minioCertsDir()
	if err := os.MkdirAll(filepath.Join(certs, "CAs"), 0o700); err != nil {
		return nil, err
	}
	if err := writePEM(filepath.Join(certs, "CAs", "ca.crt"), "CERTIFICATE", caDER); err != nil {
		return nil, err
	}
	if !minioTLS {
		return m, nil // a certificate in the certs directory would switch MinIO to HTTPS
	}
	if err := issue(certs, "public.crt", "private.key", minioHosts, ca, caKey); err != nil {
		return nil, err
	}
	return m, nil
}

// minioCertsDir is MinIO's --certs-dir: its own certificate, and the CA
// under CAs/ so that it trusts KES.
func (m *material) minioCertsDir() string { return filepath.Join(m.dir, "minio-certs") }

// CAFile is the PEM file of the CA that signed both servers' certificates.
func (m *material) CAFile() string { return filepath.Join(m.dir, "ca.crt") }

func issue(dir, certName, keyName string, hosts []string, ca *x509.Certificate, caKey *ecdsa.PrivateKey) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: hosts[0]},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(7 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     append([]string{"localhost"}, hosts...),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return fmt.Errorf("creating %s certificate: %w", hosts[0], err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	if err := writePEM(filepath.Join(dir, certName), "CERTIFICATE", der); err != nil {
		return err
	}
	return writePEM(filepath.Join(dir, keyName), "PRIVATE KEY", keyDER)
}

func writePEM(path, typ string, der []byte) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600)
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	return n
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ClientPEM is the client certificate KES derives from an API key, and its
// private key, as PEM text: what a run without files passes as
// client_cert_pem and client_key_pem.
func ClientPEM(key kes.APIKey) (certPEM, keyPEM string, err error) {
	cert, err := kes.GenerateCertificate(key)
	if err != nil {
		return "", "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		return "", "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})),
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}
