package conn

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack"
)

// Real local servers for the Explain tests: the errors are the ones the
// real clients return, not hand-made imitations.

// closedAddr is a loopback host:port nothing listens on.
var closedAddr = teststack.ClosedAddr

func hostOf(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

func plainServer(t *testing.T, h http.HandlerFunc) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return hostOf(t, srv)
}

// tlsServer is an HTTPS server with httptest's certificate, whose CA this
// machine does not trust; caFile is a PEM file of that CA.
func tlsServer(t *testing.T, h http.HandlerFunc) (host, caFile string) {
	return tlsServerWith(t, h, nil)
}

// tlsServerWith is tlsServer with a TLS configuration of its own, e.g.
// one that demands client certificates.
func tlsServerWith(t *testing.T, h http.HandlerFunc, cfg *tls.Config) (host, caFile string) {
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = discardLog // the handshake failures are the point
	srv.TLS = cfg
	srv.StartTLS()
	t.Cleanup(srv.Close)
	caFile = filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	return hostOf(t, srv), caFile
}

var discardLog = log.New(io.Discard, "", 0)

// otherCA is a PEM file of a CA that signed none of the test servers.
func otherCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "stranger CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "stranger.pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

func ok(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }

// apiErrorResponse is MinIO's error body (cmd/api-errors.go,
// APIErrorResponse), with the same JSON and XML field names.
type apiErrorResponse struct {
	XMLName   xml.Name `xml:"Error" json:"-"`
	Code      string
	Message   string
	Resource  string
	RequestID string `xml:"RequestId" json:"RequestId"`
	HostID    string `xml:"HostId" json:"HostId"`
}

// minioAdminError answers as MinIO's writeErrorResponseJSON does, which
// the admin and KMS APIs use (refused credentials are a 403): a JSON body.
func minioAdminError(status int, code, message string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "MinIO")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(apiErrorResponse{Code: code, Message: message, Resource: r.URL.Path,
			RequestID: "1889F2B1E4C9A1D0", HostID: "dd9025bab4ad464b049177c95eb6ebf374d3b3fd1af9251148b658df7ac2e3e8"})
	}
}

// minioS3Error answers as MinIO's writeErrorResponse does for the S3 API:
// an XML body.
func minioS3Error(status int, code, message string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := xml.Marshal(apiErrorResponse{Code: code, Message: message, Resource: r.URL.Path, RequestID: "1889F2B1E4C9A1D0"})
		w.Header().Set("Server", "MinIO")
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		_, _ = w.Write(append([]byte(xml.Header), body...))
	}
}

// kesError answers as KES's api.Fail does: a JSON message.
func kesError(status int, message string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]string{"message": message})
	}
}
