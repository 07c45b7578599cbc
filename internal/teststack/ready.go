package teststack

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/minio/kes-go"
)

// startupTimeout bounds how long a server may take to answer after start.
const startupTimeout = 2 * time.Minute

// TLSConfig trusts the stack's CA.
func (s *Stack) TLSConfig() (*tls.Config, error) {
	pool := x509.NewCertPool()
	if s.CAFile != "" {
		pem, err := os.ReadFile(s.CAFile)
		if err != nil {
			return nil, fmt.Errorf("reading stack CA: %w", err)
		}
		pool.AppendCertsFromPEM(pem)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

// MinIOURL is the base URL of node 0.
func (s *Stack) MinIOURL() string {
	if s.MinIOTLS {
		return "https://" + s.MinIOEndpoint
	}
	return "http://" + s.MinIOEndpoint
}

// KESClient is an admin kes-go client for the stack's KES.
func (s *Stack) KESClient() (*kes.Client, error) {
	key, err := kes.ParseAPIKey(s.KESAdminAPIKey)
	if err != nil {
		return nil, err
	}
	cfg, err := s.TLSConfig()
	if err != nil {
		return nil, err
	}
	cert, err := kes.GenerateCertificate(key)
	if err != nil {
		return nil, err
	}
	cfg.Certificates = []tls.Certificate{cert}
	return kes.NewClientWithConfig(s.KESEndpoint, cfg), nil
}

// waitMinIO waits until the deployment behind base has write quorum.
func (s *Stack) waitMinIO(ctx context.Context, base string) error {
	cfg, err := s.TLSConfig()
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
	defer client.CloseIdleConnections()
	return poll(ctx, "MinIO at "+base, func(ctx context.Context) error {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/minio/health/cluster", nil)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("health answered %s", resp.Status)
		}
		return nil
	})
}

func (s *Stack) waitKES(ctx context.Context) error {
	client, err := s.KESClient()
	if err != nil {
		return err
	}
	return poll(ctx, "KES at "+s.KESEndpoint, func(ctx context.Context) error {
		_, err := client.Status(ctx)
		return err
	})
}

// poll calls check until it succeeds or startupTimeout passes.
func poll(ctx context.Context, what string, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, startupTimeout)
	defer cancel()
	var last error
	for {
		attempt, cancelAttempt := context.WithTimeout(ctx, 5*time.Second)
		last = check(attempt)
		cancelAttempt()
		if last == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s did not become ready within %s: %w", what, startupTimeout, last)
		case <-time.After(200 * time.Millisecond):
		}
	}
}
