package teststack

import "fmt"

// minioEnv is the environment every MinIO node starts with: root
// credentials and the wiring to KES. kesURL and caPath are as the node
// sees them.
func minioEnv(s *Stack, kesURL, caPath string) []string {
	return []string{
		"MINIO_ROOT_USER=" + s.AccessKey,
		"MINIO_ROOT_PASSWORD=" + s.SecretKey,
		"MINIO_KMS_KES_ENDPOINT=" + kesURL,
		"MINIO_KMS_KES_API_KEY=" + s.KESMinIOAPIKey,
		"MINIO_KMS_KES_KEY_NAME=" + s.DefaultKey,
		"MINIO_KMS_KES_CAPATH=" + caPath,
		// Drives on the root disk are refused without it in a cluster.
		"MINIO_CI_CD=1",
		"MINIO_BROWSER=off",
		"MINIO_UPDATE=off",
	}
}

func (s *Stack) scheme() string {
	if s.MinIOTLS {
		return "https"
	}
	return "http"
}

// drives are the server arguments naming the drives: one local drive for
// a single node, else one drive per node addressed through hostPort(i).
func drives(s *Stack, single string, hostPort func(i int) string, path func(i int) string) []string {
	if s.Nodes == 1 {
		return []string{single}
	}
	args := make([]string, s.Nodes)
	for i := range args {
		args[i] = fmt.Sprintf("%s://%s%s", s.scheme(), hostPort(i), path(i))
	}
	return args
}
