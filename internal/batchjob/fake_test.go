package batchjob

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

func TestMain(m *testing.M) {
	// madmin retries 5xx answers and network errors itself, pausing a
	// random part of 1s, 2s, 4s, ... in between. A single try keeps the
	// tests fast and leaves the retrying to this package, which is what is
	// tested. Even so, each such failure costs up to a second of real time.
	madmin.MaxRetry = 1
	os.Exit(m.Run())
}

// t0 is when the scripted jobs started.
var t0 = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)

// reply is one scripted answer of the fake admin API.
type reply struct {
	status int // 0 means 200
	body   string
	drop   bool // close the connection without answering
}

func jsonReply(v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return reply{body: string(b)}
}

// errReply is an error as MinIO's writeErrorResponseJSON sends it.
func errReply(status int, code, message string) reply {
	r := jsonReply(map[string]string{
		"Code": code, "Message": message, "Resource": "/minio/admin/v3/x", "RequestId": "18A", "HostId": "dd9",
	})
	r.status = status
	return r
}

var (
	noSuchJob    = errReply(http.StatusNotFound, "XMinioAdminNoSuchJob", "The specified job does not exist.")
	accessDenied = errReply(http.StatusForbidden, "AccessDenied", "Access Denied.")
	notReady     = errReply(http.StatusServiceUnavailable, "XMinioServerNotInitialized", "Server not initialized yet, please try again.")
	defined      = reply{body: "keyrotate:\n  apiVersion: v1\n  bucket: b\n  encryption:\n    type: sse-s3\n"}
	canceled     = reply{status: http.StatusNoContent}
	dropped      = reply{drop: true}
	// proxyTimeout is transient, and one that madmin does not retry itself.
	proxyTimeout = reply{status: http.StatusGatewayTimeout, body: "<html>Gateway Timeout</html>"}
)

func started(id string) reply {
	return jsonReply(madmin.BatchJobResult{ID: id, Type: madmin.BatchJobKeyRotate, Started: t0})
}

func status(m madmin.JobMetric) reply { return jsonReply(madmin.BatchJobStatus{LastMetric: m}) }

// rotating is the report of a keyrotate job that has done objects objects
// and failed failed, saved at t0+at.
func rotating(id string, objects, failed int64, at time.Duration) madmin.JobMetric {
	return madmin.JobMetric{
		JobID: id, JobType: "keyrotate", StartTime: t0, LastUpdate: t0.Add(at),
		KeyRotate: &madmin.KeyRotationInfo{Bucket: "b", Object: fmt.Sprintf("o%d", objects), Objects: objects, ObjectsFailed: failed},
	}
}

// live is one sample of the realtime metrics API holding m.
func live(m madmin.JobMetric) reply {
	return jsonReply(madmin.RealtimeMetrics{Final: true, Aggregated: madmin.Metrics{
		BatchJobs: &madmin.BatchJobMetrics{CollectedAt: t0, Jobs: map[string]madmin.JobMetric{m.JobID: m}},
	}})
}

func complete(m madmin.JobMetric) madmin.JobMetric { m.Complete = true; return m }
func failed(m madmin.JobMetric) madmin.JobMetric   { m.Failed = true; return m }

// fakeAdmin serves MinIO's batch job admin API from scripts of replies,
// keyed by "start" and by "status ID", "describe ID" and "cancel ID". Each
// request takes the next reply of its script; the last one repeats.
type fakeAdmin struct {
	t      *testing.T
	mu     sync.Mutex
	script map[string][]reply
	calls  []string
	jobs   []string // the bodies of the start requests
}

var fakeOps = map[string]struct{ method, idParam string }{
	"start":    {http.MethodPost, ""},
	"status":   {http.MethodGet, "jobId"},
	"describe": {http.MethodGet, "jobId"},
	"cancel":   {http.MethodDelete, "id"},
	"metrics":  {http.MethodGet, "by-jobID"},
}

// newFake serves script and returns the fake with a real madmin client for
// it.
func newFake(t *testing.T, script map[string][]reply) (*fakeAdmin, *madmin.AdminClient) {
	t.Helper()
	f := &fakeAdmin{t: t, script: script}
	srv := httptest.NewUnstartedServer(f)
	// One connection per request, so that Go's transport never re-sends a
	// request on a dropped keep-alive connection by itself.
	srv.Config.SetKeepAlivesEnabled(false)
	srv.Start()
	t.Cleanup(srv.Close)
	return f, newClient(t, srv.URL)
}

func newClient(t *testing.T, rawURL string) *madmin.AdminClient {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	c, err := madmin.NewWithOptions(u.Host, &madmin.Options{Creds: credentials.NewStaticV4("minioadmin", "minioadmin", "")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fakeAdmin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, _ := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/minio/admin/v3/"), "-job")
	spec, known := fakeOps[op]
	if !known || r.Method != spec.method {
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL)
		http.Error(w, "unexpected", http.StatusNotImplemented)
		return
	}
	key := op
	if spec.idParam != "" {
		key += " " + r.URL.Query().Get(spec.idParam)
	}
	body, _ := io.ReadAll(r.Body)

	f.mu.Lock()
	f.calls = append(f.calls, key)
	if op == "start" {
		f.jobs = append(f.jobs, string(body))
	}
	replies := f.script[key]
	if len(replies) == 0 {
		f.mu.Unlock()
		f.t.Errorf("unscripted request %q", key)
		http.Error(w, "unscripted", http.StatusNotImplemented)
		return
	}
	rep := replies[0]
	if len(replies) > 1 {
		f.script[key] = replies[1:]
	}
	f.mu.Unlock()

	if rep.drop {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			f.t.Errorf("hijacking connection: %v", err)
			return
		}
		conn.Close()
		return
	}
	if rep.status == 0 {
		rep.status = http.StatusOK
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	io.WriteString(w, rep.body)
}

// requests returns the keys of the requests served, in order, and the
// bodies of the start requests.
func (f *fakeAdmin) requests() (keys, jobs []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls), slices.Clone(f.jobs)
}

// count is the number of requests served for key.
func (f *fakeAdmin) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c == key {
			n++
		}
	}
	return n
}

// fakeClock is a Clock whose time moves only when it is waited on, at
// once and by exactly the time waited for.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newClock() *fakeClock { return &fakeClock{now: t0} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.sleeps = append(c.sleeps, d)
	ch := make(chan time.Time, 1)
	ch <- c.now
	return ch
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}

func (c *fakeClock) Elapsed() time.Duration { return c.Now().Sub(t0) }
