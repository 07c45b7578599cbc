// Package batchjob starts MinIO batch jobs, follows them to their end,
// restarts them when an attempt fails or stalls, and maps the server's job
// report to a small status vocabulary ([Status]).
//
// The server reference is cmd/batch-handlers.go and cmd/batch-rotate.go of
// the pinned MinIO. Its batch API has a few traits this package is built
// around:
//   - a job has no status report until it has processed its first object
//     (or finished), so a fresh job reads as "no such job" (see [Wait]);
//   - canceling a job deletes its definition but leaves its report with
//     neither the complete nor the failed flag set (see [Fetch]);
//   - finished jobs are purged about three days after their last update
//     ([ErrNoSuchJob]);
//   - after a server restart an unfinished job resumes only after a random
//     delay of up to an hour per node, with its report frozen meanwhile
//     ([WaitOptions.StallTimeout]).
package batchjob

import (
	"context"

	"github.com/minio/madmin-go/v3"
)

// Client is the subset of *madmin.AdminClient this package uses, so that
// callers can pass a real client and tests a small fake.
type Client interface {
	StartBatchJob(ctx context.Context, job string) (madmin.BatchJobResult, error)
	BatchJobStatus(ctx context.Context, jobID string) (madmin.BatchJobStatus, error)
	DescribeBatchJob(ctx context.Context, jobID string) (string, error)
	CancelBatchJob(ctx context.Context, jobID string) error
}

var _ Client = (*madmin.AdminClient)(nil)
