// Package notifysink is an HTTP endpoint that records what is posted to
// it, standing in for a batch job's notification receiver in tests.
package notifysink

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
)

// Request is one notification received.
type Request struct {
	Path          string          `json:"path"`
	Authorization string          `json:"authorization"`
	ContentType   string          `json:"contentType"`
	Body          json.RawMessage `json:"body"`
}

// ReceivedPath answers GET with every request recorded so far, as JSON.
const ReceivedPath = "/received"

// Handler records every POST (answering 200) and serves ReceivedPath.
func Handler() http.Handler {
	var (
		mu       sync.Mutex
		received = []Request{}
	)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == ReceivedPath {
			mu.Lock()
			defer mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			if err := json.NewEncoder(w).Encode(received); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
			}
			return
		}
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if !json.Valid(body) {
			body, _ = json.Marshal(string(body))
		}
		mu.Lock()
		received = append(received, Request{Path: r.URL.Path, Authorization: r.Header.Get("Authorization"),
			ContentType: r.Header.Get("Content-Type"), Body: body})
		mu.Unlock()
	})
}
