// Command notifysink serves notifysink.Handler on :8080; the test stack
// runs it as a container next to MinIO, which posts job notifications
// from inside its own container.
package main

import (
	"log"
	"net/http"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/teststack/notifysink"
)

func main() {
	srv := &http.Server{Addr: ":8080", Handler: notifysink.Handler(), ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.ListenAndServe())
}
