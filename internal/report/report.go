// Package report is the evidence of one rotation, for auditors and
// key-change reviews: which data versions moved from which key to which,
// by which jobs, when, what was put back, and that nothing was left
// behind. It is a JSON document whose schema is versioned (Schema); a
// change that removes or redefines a field gets a new version. No secret
// is ever in it: the job's definition is the redacted one.
package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/preserve"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

// Schema names the document's schema and its version.
const Schema = "minio-keyrotate/rotation-report/v1"

// Report is one rotation. Field meanings are documented in the provider's
// docs ("Audit evidence"); times are RFC 3339 in UTC.
type Report struct {
	Schema string `json:"schema"`
	// Via is "resource" (minio_batch_keyrotate) or "action".
	Via    string `json:"via"`
	Bucket string `json:"bucket"`
	Prefix string `json:"prefix"`
	Target Target `json:"target"`
	// User is the MinIO user that started the jobs, as the server's job
	// list records it; empty when it could not be read.
	User string `json:"user"`
	// JobYAML is the job definition as sent, notification token redacted.
	JobYAML string `json:"job_yaml"`
	// StartedAt and FinishedAt bound the provider's work: the checks
	// before the job to the verification after it.
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	// Outcome is the last job's status: complete, failed, canceled, or
	// running when the provider did not wait.
	Outcome string `json:"outcome"`
	// Reseal is what the jobs were asked to re-seal: "scope" (every
	// version in scope), "modified_since" (only the versions modified at
	// or after ResealSince, the oldest pending one: after a rotation, the
	// drift), or "none" (nothing was pending, no job was started, and
	// NothingPending says why).
	Reseal         string     `json:"reseal"`
	ResealSince    *time.Time `json:"reseal_since,omitempty"`
	NothingPending string     `json:"nothing_pending,omitempty"`
	// Jobs are every job started, oldest first; empty when none was.
	Jobs []Job `json:"jobs"`
	// Before counts the scope right before the first job; null when it
	// could not be listed. After counts it after the job (verification);
	// null with verify = false or when the job did not complete.
	Before *Versions `json:"before"`
	After  *Versions `json:"after"`
	// Restored is what was put back; null with preservation off.
	Restored *Restored `json:"restored"`
	// Verification is the check that nothing was left behind; null when
	// After is.
	Verification *Verification `json:"verification"`
	Software     Software      `json:"software"`
	// Sequence numbers the rotations of one resource, from 1; 0 for the
	// action, which has no history. PredecessorSHA256 is the SHA-256 (hex)
	// of the previous rotation's report exactly as stored, empty for the
	// first: a chain of reports whose digests do not link, or whose
	// sequence skips, shows a report altered or missing.
	Sequence          int    `json:"sequence"`
	PredecessorSHA256 string `json:"predecessor_sha256"`
	// Sites is every site's part under site replication, where a job
	// re-seals its own site only and the rotation runs one job per site;
	// the fields above are then the provider's own site's. Absent outside
	// a group.
	Sites []Site `json:"sites,omitempty"`
}

// Site is one site's part of a rotation across a site-replication group.
type Site struct {
	Name     string `json:"name"`
	Endpoint string `json:"endpoint"`
	// Outcome is the site's last job's status; empty when no job started
	// there.
	Outcome      string        `json:"outcome"`
	Jobs         []Job         `json:"jobs"`
	Before       *Versions     `json:"before"`
	After        *Versions     `json:"after"`
	Restored     *Restored     `json:"restored"`
	Verification *Verification `json:"verification"`
}

// Target is the encryption the job moves the scope to. A KES key is
// identified by its creation time and creator as KES reports them, which
// tell a key re-created under the same name from the one rotated to; both
// are absent when the provider has no KES connection.
type Target struct {
	Type         string     `json:"type"`
	Key          string     `json:"key,omitempty"`
	KeyCreatedAt *time.Time `json:"key_created_at,omitempty"`
	KeyCreatedBy string     `json:"key_created_by,omitempty"`
}

// Job is one batch job of the rotation.
type Job struct {
	ID      string `json:"id"`
	Attempt int    `json:"attempt"`
	Status  string `json:"status"`
	// StartedAt and LastUpdate are the server's, from the job's report.
	StartedAt      time.Time `json:"started_at"`
	LastUpdate     time.Time `json:"last_update"`
	ObjectsRotated int64     `json:"objects_rotated"`
	ObjectsFailed  int64     `json:"objects_failed"`
	// GivenUpBecause says why a new job replaced this one; empty for the
	// last job.
	GivenUpBecause string `json:"given_up_because,omitempty"`
}

// Versions counts the data versions in the scope (prefix and filter) by
// encryption; SSEKMSByKey by KMS key name.
type Versions struct {
	InScope     int64            `json:"versions_in_scope"`
	SSEKMSByKey map[string]int64 `json:"sse_kms_by_key"`
	SSES3       int64            `json:"sse_s3"`
	SSEC        int64            `json:"sse_c"`
	Unencrypted int64            `json:"unencrypted"`
	// DeleteMarkers counts the delete markers under the prefix.
	DeleteMarkers int64 `json:"delete_markers"`
}

// Restored is what the provider put back after the job.
type Restored struct {
	TagSets       int64 `json:"tag_sets"`
	DeleteMarkers int64 `json:"delete_markers"`
	// LeftAlone counts what was not put back because someone changed the
	// object meanwhile.
	LeftAlone int64 `json:"left_alone"`
}

// Verification is the count after the job.
type Verification struct {
	VerifiedAt time.Time `json:"verified_at"`
	// Pending counts SSE-KMS versions in scope not under the target key.
	Pending     int64 `json:"versions_pending"`
	Unencrypted int64 `json:"versions_unencrypted"`
	SSES3       int64 `json:"versions_sse_s3"`
}

// Software is what ran the rotation.
type Software struct {
	Provider string `json:"provider_version"`
	// Server is MinIO's version as its admin API reports it; empty when
	// it could not be read.
	Server string `json:"server_version"`
}

// VersionsOf turns a scan into counts; nil for nil.
func VersionsOf(r *scan.Result) *Versions {
	if r == nil {
		return nil
	}
	v := &Versions{InScope: r.InScope.Versions, SSEKMSByKey: map[string]int64{}, SSES3: r.SSES3.Versions,
		SSEC: r.SSEC.Versions, Unencrypted: r.Unencrypted.Versions, DeleteMarkers: r.DeleteMarkers}
	for k, t := range r.KMS {
		v.SSEKMSByKey[k] = t.Versions
	}
	return v
}

// JobsOf lists the jobs of a run, oldest first.
func JobsOf(out batchjob.Outcome) []Job {
	jobs := []Job{}
	for i, r := range out.Replaced {
		j := jobOf(r.Progress, i+1)
		j.ID = r.JobID
		if r.Reason != nil {
			j.GivenUpBecause = r.Reason.Error()
		}
		jobs = append(jobs, j)
	}
	if out.JobID != "" {
		j := jobOf(out.Progress, out.Attempts)
		j.ID = out.JobID
		jobs = append(jobs, j)
	}
	return jobs
}

func jobOf(p batchjob.Progress, attempt int) Job {
	return Job{Attempt: attempt, Status: string(p.Status), StartedAt: p.StartedAt.UTC(), LastUpdate: p.LastUpdate.UTC(),
		ObjectsRotated: p.Objects, ObjectsFailed: p.ObjectsFailed}
}

// RestoredOf is what a restoration put back; nil for nil.
func RestoredOf(r *preserve.Result) *Restored {
	if r == nil {
		return nil
	}
	return &Restored{TagSets: r.TagsRestored, DeleteMarkers: r.MarkersPut, LeftAlone: r.TagsSkipped.Total() + r.DeletedSkipped.Total()}
}

// Verify fills After and Verification from the scan after the job.
func (r *Report) Verify(after *scan.Result, at time.Time, pending int64) {
	r.After, r.Verification = verified(after, at, pending)
}

// Verify fills the site's After and Verification from its scan after the
// job.
func (s *Site) Verify(after *scan.Result, at time.Time, pending int64) {
	s.After, s.Verification = verified(after, at, pending)
}

func verified(after *scan.Result, at time.Time, pending int64) (*Versions, *Verification) {
	if after == nil {
		return nil, nil
	}
	return VersionsOf(after), &Verification{VerifiedAt: at.UTC(), Pending: pending, Unencrypted: after.Unencrypted.Versions, SSES3: after.SSES3.Versions}
}

// Digest is the SHA-256 (hex) of a report exactly as stored: the value a
// successor's PredecessorSHA256 carries.
func Digest(stored string) string {
	sum := sha256.Sum256([]byte(stored))
	return hex.EncodeToString(sum[:])
}

// Chain links r to its predecessor, the previous report of the same
// resource as stored ("" for none), and numbers it after it. A
// predecessor that cannot be read still links by digest; its sequence is
// then unknown and r's restarts at 1.
func (r *Report) Chain(predecessor string) {
	r.Sequence, r.PredecessorSHA256 = 1, ""
	if predecessor == "" {
		return
	}
	r.PredecessorSHA256 = Digest(predecessor)
	var prev struct {
		Sequence int `json:"sequence"`
	}
	if json.Unmarshal([]byte(predecessor), &prev) == nil && prev.Sequence > 0 {
		r.Sequence = prev.Sequence + 1
	}
}

// VerifyChain checks that each report in reports, oldest first, names the
// one before it by digest and numbers itself after it. It returns the
// index of the first report that does not, with why; -1 when all do.
func VerifyChain(reports []string) (int, string) {
	for i := 1; i < len(reports); i++ {
		var r Report
		if err := json.Unmarshal([]byte(reports[i]), &r); err != nil {
			return i, "not a report: " + err.Error()
		}
		var prev Report
		if err := json.Unmarshal([]byte(reports[i-1]), &prev); err != nil {
			return i - 1, "not a report: " + err.Error()
		}
		if want := Digest(reports[i-1]); r.PredecessorSHA256 != want {
			return i, fmt.Sprintf("predecessor_sha256 %q is not the digest of the report before it (%s)", r.PredecessorSHA256, want)
		}
		if r.Sequence != prev.Sequence+1 {
			return i, fmt.Sprintf("sequence %d does not follow %d", r.Sequence, prev.Sequence)
		}
	}
	return -1, ""
}

// JSON is the report, indented for people.
func (r Report) JSON() ([]byte, error) {
	r.Schema = Schema
	return json.MarshalIndent(r, "", "  ")
}
