package conn

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"
)

func TestIdentify(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		server string
		want   Identity
	}{
		{"MinIO live", http.StatusOK, "MinIO", IsMinIO},
		{"MinIO naming itself while not live", http.StatusServiceUnavailable, "MinIO", IsMinIO},
		{"another service: 404", http.StatusNotFound, "", NotMinIO},
		{"a proxy hiding the server, 403", http.StatusForbidden, "nginx", NotMinIO},
		{"a proxy's 502 while MinIO restarts", http.StatusBadGateway, "nginx", Unknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != livenessPath {
					t.Errorf("probed %s, want %s", r.URL.Path, livenessPath)
				}
				if tc.server != "" {
					w.Header().Set("Server", tc.server)
				}
				w.WriteHeader(tc.status)
			}))
			defer srv.Close()
			r := Resolved{Host: strings.TrimPrefix(srv.URL, "http://")}
			if got := r.Identify(context.Background()); got != tc.want {
				t.Errorf("Identify = %d, want %d", got, tc.want)
			}
		})
	}
	if got := (Resolved{Host: "127.0.0.1:1"}).Identify(context.Background()); got != Unknown {
		t.Errorf("no answer: Identify = %d, want Unknown", got)
	}
}

func TestFromMinIO(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{minio.ErrorResponse{Code: "NoSuchBucket", Server: "MinIO", RequestID: "18A3"}, true},
		{fmt.Errorf("x: %w", minio.ErrorResponse{Code: "InternalError", RequestID: "18A3"}), true},
		{minio.ErrorResponse{Code: "NoSuchBucket", RequestID: "minio"}, false}, // made up by minio-go from a bare 404
		{madmin.ErrorResponse{Code: "XMinioAdminNoSuchJob"}, true},
		{madmin.ErrorResponse{Code: "404 Not Found"}, false},
		{errors.New("Failed to parse server response"), false},
	} {
		if got := FromMinIO(tc.err); got != tc.want {
			t.Errorf("FromMinIO(%#v) = %t, want %t", tc.err, got, tc.want)
		}
	}
}
