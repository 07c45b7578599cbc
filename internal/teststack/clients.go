package teststack

import (
	"net/http"

	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

func (s *Stack) transport() (*http.Transport, error) {
	cfg, err := s.TLSConfig()
	if err != nil {
		return nil, err
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = cfg
	return t, nil
}

// Admin is a madmin client for node 0 with the root credentials.
func (s *Stack) Admin() (*madmin.AdminClient, error) {
	t, err := s.transport()
	if err != nil {
		return nil, err
	}
	return madmin.NewWithOptions(s.MinIOEndpoint, &madmin.Options{
		Creds:     credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""),
		Secure:    s.MinIOTLS,
		Transport: t,
	})
}

// S3 is an S3 client for node i with the root credentials.
func (s *Stack) S3(node int) (*minio.Client, error) {
	t, err := s.transport()
	if err != nil {
		return nil, err
	}
	endpoint := s.MinIOEndpoint
	if node < len(s.NodeEndpoints) {
		endpoint = s.NodeEndpoints[node]
	}
	return minio.New(endpoint, &minio.Options{
		Creds:     credentials.NewStaticV4(s.AccessKey, s.SecretKey, ""),
		Secure:    s.MinIOTLS,
		Transport: t,
	})
}
