package conn

import (
	"fmt"
	"net/http"

	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

func (r Resolved) transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = r.TLS
	return t
}

func (r Resolved) creds() *credentials.Credentials {
	return credentials.NewStaticV4(r.AccessKey, r.SecretKey, r.SessionToken)
}

// Admin builds a MinIO admin client. It does not contact the server. Its
// errors are explained by Explain; one that no retry can cure is returned
// at once (see giveUpTransport), and a denied request names the policy
// action it needed (see deniedTransport).
func (r Resolved) Admin() (*madmin.AdminClient, error) {
	c, err := madmin.NewWithOptions(r.Host, &madmin.Options{Creds: r.creds(), Secure: r.Secure,
		Transport: deniedTransport{giveUpTransport{r.transport()}}})
	if err != nil {
		return nil, fmt.Errorf("creating MinIO admin client for %s: %w", r.Host, err)
	}
	return c, nil
}

// S3 builds an S3 client. It does not contact the server. A denied request
// names the policy action it needed (see deniedTransport).
func (r Resolved) S3() (*minio.Client, error) {
	c, err := minio.New(r.Host, &minio.Options{Creds: r.creds(), Secure: r.Secure, Region: r.Region, Transport: deniedTransport{r.transport()}})
	if err != nil {
		return nil, fmt.Errorf("creating MinIO S3 client for %s: %w", r.Host, err)
	}
	return c, nil
}
