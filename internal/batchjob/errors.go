package batchjob

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/minio/madmin-go/v3"
)

// ErrNoSuchJob reports that the server has no report of a job. Finished
// jobs are purged about three days after their last update, so callers
// holding an old ID see this; a fresh job also reads as this until it saves
// its first report, which Wait accounts for.
var ErrNoSuchJob = errors.New("no such batch job")

// ErrStalled reports that a job's report did not change for
// WaitOptions.StallTimeout. After a server restart an unfinished job
// resumes only after a random delay of up to an hour, and the server never
// says so: its report just stays as it was.
var ErrStalled = errors.New("batch job stalled")

// codeNoSuchJob is the admin API's error code for an unknown job ID, with
// HTTP status 404 (cmd/api-errors.go ErrAdminNoSuchJob).
const codeNoSuchJob = "XMinioAdminNoSuchJob"

// IsNoSuchJob reports whether err says that a job does not exist: it wraps
// ErrNoSuchJob or the admin API's XMinioAdminNoSuchJob error.
func IsNoSuchJob(err error) bool {
	var resp madmin.ErrorResponse
	return errors.Is(err, ErrNoSuchJob) || (errors.As(err, &resp) && resp.Code == codeNoSuchJob)
}

// markNoSuchJob makes a server's "no such job" answer match ErrNoSuchJob
// with errors.Is, keeping the server's error in the chain.
func markNoSuchJob(err error) error {
	if IsNoSuchJob(err) && !errors.Is(err, ErrNoSuchJob) {
		return fmt.Errorf("%w: %w", ErrNoSuchJob, err)
	}
	return err
}

// transientCodes are the admin API error codes that the server sends with
// HTTP status 503, 429 or 499 (cmd/api-errors.go): it is starting or
// stopping, has lost quorum for a moment, or sheds load.
//
// madmin.ErrorResponse does not keep the HTTP status, so the codes are what
// is left to go by. The server's 500 "InternalError" is deliberately not
// here: the batch handlers answer a job they cannot parse, or a keyrotate
// job whose bucket does not exist, with it, and retrying those cannot help.
var transientCodes = map[string]bool{
	"XMinioServerNotInitialized":         true,
	"XMinioIAMNotInitialized":            true,
	"XMinioBucketMetadataNotInitialized": true,
	"XMinioAdminConfigNoQuorum":          true,
	"SlowDown":                           true,
	"SlowDownRead":                       true,
	"SlowDownWrite":                      true,
	"ServerBusy":                         true,
	"RequestTimeout":                     true,
	"TooManyRequests":                    true,
	// Status 499: the server's request context ended before it answered.
	// This client was still waiting, so the server was shutting down,
	// as it does mid-restart.
	"ClientDisconnected": true,
}

// isTransient reports whether the request that failed with err may succeed
// when sent again, and ctx still allows sending it.
func isTransient(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var resp madmin.ErrorResponse
	if errors.As(err, &resp) {
		return transientCodes[resp.Code] || isServerErrorStatus(resp.Code)
	}
	// A TLS or scheme mismatch arrives as a net.Error too, but never heals.
	var verify *tls.CertificateVerificationError
	var record tls.RecordHeaderError
	if errors.As(err, &verify) || errors.As(err, &record) || errors.Is(err, http.ErrSchemeMismatch) {
		return false
	}
	// net.Error covers refused, reset and timed out connections, and the
	// url.Error by which madmin reports a connection closed mid-request (it
	// replaces the io.EOF with a message of its own). A deadline exceeded
	// while ctx is alive belongs to a single request.
	var netErr net.Error
	return errors.As(err, &netErr) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded)
}

// isServerErrorStatus reports whether code is an HTTP 5xx status line,
// which madmin uses as the code of an error response whose body is not a
// MinIO error, e.g. a proxy's 502 page while the server restarts.
func isServerErrorStatus(code string) bool {
	status, _, _ := strings.Cut(code, " ")
	n, err := strconv.Atoi(status)
	return err == nil && len(status) == 3 && n >= 500
}

// interrupted returns ctx's error in place of err once ctx is done, so that
// a request cut short by the caller reports the interrupt rather than
// whatever the cut request failed with.
func interrupted(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// AttemptsExhaustedError is Run's error when every job it started failed
// or stalled.
type AttemptsExhaustedError struct {
	// Attempts is the number of jobs started.
	Attempts int
	// Last is the final progress of the latest job.
	Last Progress
	// Cause says why the latest job did not complete; it wraps ErrStalled
	// when the job stalled.
	Cause error
}

func (e *AttemptsExhaustedError) Error() string {
	return fmt.Sprintf("batch job did not complete in %d attempts: %v", e.Attempts, e.Cause)
}

func (e *AttemptsExhaustedError) Unwrap() error { return e.Cause }
