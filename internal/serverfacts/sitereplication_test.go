package serverfacts

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/minio/madmin-go/v3"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/sse"
	"github.com/minio/minio-go/v7/pkg/tags"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/batchjob"
	"github.com/minio-keyrotate/terraform-provider-minio/internal/inventory"
)

// Site replication: two single-node sites on one KES, joined by MinIO's
// site replication. KeyRotate (cmd/batch-rotate.go) re-seals through the
// object layer's CopyObject, which never schedules replication, and copies
// the stored replication status unchanged: a rotation re-seals the site it
// runs on only. The provider must therefore rotate every site itself, and
// guard a key's deletion on every site.

// settle is how long a fact waits for something that should not happen
// (a replication after a rotation) before checking that it did not.
const settle = 5 * time.Second

// TestSiteRotationResealsOneSite: 10 objects x 3 versions under old,
// written on site A and replicated to site B; a keyrotate job on A moves
// A's 30 versions to new and leaves B's 30 on old, the statuses staying
// COMPLETED on A and REPLICA on B, so nothing replicates them later. The
// provider relies on it to rotate each site of a group with its own job,
// and to refuse deleting old while any site still holds versions under it.
func TestSiteRotationResealsOneSite(t *testing.T) {
	a, b := setupSites(t)
	bucket, oldKey, newKey := a.versionedBucket(), a.key(), a.key()
	labels := map[string]string{oldKey: "old", newKey: "new"}
	a.seedVersions(bucket, oldKey, inventory.Names("o-", 10), 3, minio.PutObjectOptions{})
	onA, onB := a.waitReplicated(b, bucket)
	expectTally(t, "site A before", onA, labels, map[string]int{"old COMPLETED": 30})
	expectTally(t, "site B before", onB, labels, map[string]int{"old REPLICA": 30})

	a.complete(job{bucket: bucket, key: newKey}, 30)
	time.Sleep(settle)
	expectTally(t, "site A after rotating A", a.siteVersions(bucket), labels, map[string]int{"new COMPLETED": 30})
	expectTally(t, "site B after rotating A", b.siteVersions(bucket), labels, map[string]int{"old REPLICA": 30})
}

// expectTally fails unless vs counts as want (see tally).
func expectTally(t *testing.T, what string, vs map[string]siteVersion, labels map[string]string, want map[string]int) {
	t.Helper()
	got := tally(vs, labels)
	t.Logf("%s: %v", what, got)
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("%s, versions by key and replication status (-want +got):\n%s", what, d)
	}
}

// restoreTags puts tagSet on every version of bucket that f's site lists,
// by version ID, as the provider's restoration does.
func (f *fixture) restoreTags(bucket string, tagSet map[string]string) map[string]siteVersion {
	f.t.Helper()
	set, err := tags.NewTags(tagSet, true)
	if err != nil {
		f.t.Fatal(err)
	}
	vs := f.siteVersions(bucket)
	for id, v := range vs {
		if err := f.s3.PutObjectTagging(f.ctx, bucket, v.Name, set, minio.PutObjectTaggingOptions{VersionID: id}); err != nil {
			f.t.Fatalf("tagging %s version %s: %v", v.Name, id, err)
		}
	}
	return vs
}

// count counts the versions for which is holds.
func count(vs map[string]siteVersion, is func(id string, v siteVersion) bool) int {
	n := 0
	for id, v := range vs {
		if is(id, v) {
			n++
		}
	}
	return n
}

// TestSiteTagRestorationStaysOnItsSite: after a rotation on site A
// dropped the tags t=1 of 30 versions there (site B keeps them), tags put
// back on A by version ID (t=1 and restored=yes) do not reach site B: B's
// 30 versions keep t=1 alone, their seal under old and their Last-Modified,
// while A reports all 30 COMPLETED again, so nothing retries. The tagging
// does schedule a replication, but A's version now has another
// Last-Modified than B's (the rotation's date), and that replication then
// leaves B's version as it is. MinIO compares the dates in whole seconds
// (getReplicationAction in cmd/bucket-replication.go): versions rotated
// within the second they were written are treated as in
// TestSiteTaggingUnencryptsReplica instead (seen for 1, 6 and 10 of 30
// versions when the job followed the writes at once), so the fact waits a
// second before rotating. The provider must therefore restore tags on
// every site it rotates, site by site, and never count on one site's
// restoration reaching another.
func TestSiteTagRestorationStaysOnItsSite(t *testing.T) {
	a, b := setupSites(t)
	bucket, oldKey, newKey := a.versionedBucket(), a.key(), a.key()
	labels := map[string]string{oldKey: "old", newKey: "new"}
	original := map[string]string{"t": "1"}
	a.seedVersions(bucket, oldKey, inventory.Names("t-", 10), 3, minio.PutObjectOptions{UserTags: original})
	_, before := a.waitReplicated(b, bucket)
	expectTally(t, "site B before", before, labels, map[string]int{"old REPLICA tagged": 30})
	time.Sleep(1100 * time.Millisecond) // every rotation in a later second than every write

	a.complete(job{bucket: bucket, key: newKey}, 30)
	expectTally(t, "site A after rotating A", a.siteVersions(bucket), labels, map[string]int{"new COMPLETED": 30})
	expectTally(t, "site B after rotating A", b.siteVersions(bucket), labels, map[string]int{"old REPLICA tagged": 30})

	restored := map[string]string{"t": "1", "restored": "yes"}
	a.restoreTags(bucket, restored)
	time.Sleep(settle)
	onA, onB := a.siteVersions(bucket), b.siteVersions(bucket)
	expectTally(t, "site A after restoring on A", onA, labels, map[string]int{"new COMPLETED tagged": 30})
	expectTally(t, "site B after restoring on A", onB, labels, map[string]int{"old REPLICA tagged": 30})
	restoredOnA := count(onA, func(_ string, v siteVersion) bool { return cmp.Equal(v.Tags, restored) })
	originalOnB := count(onB, func(_ string, v siteVersion) bool { return cmp.Equal(v.Tags, original) })
	sameDate := count(onB, func(id string, v siteVersion) bool { return v.Modified.Equal(before[id].Modified) })
	if restoredOnA != 30 || originalOnB != 30 || sameDate != 30 {
		t.Fatalf("restored tags on %d of 30 versions on A; on B the original tags on %d and the original Last-Modified on %d; want 30, 30, 30",
			restoredOnA, originalOnB, sameDate)
	}
}

// TestSiteTaggingUnencryptsReplica: tags put by version ID on site A on
// 30 SSE-KMS versions that no rotation touched reach site B's same
// versions within a second, and B then reports those 30 versions with no
// server-side encryption at all (no SSE header, no KMS key), their bodies
// intact and their Last-Modified unchanged, while A keeps them under old.
// The metadata replication rewrites B's version through a copy onto
// itself whose metadata carries no encryption: B's drive then holds the
// bodies in clear (seen by hand in its xl.meta files). The provider's
// restoration is such a tagging: restoring tags on one site can leave
// another site's copies unencrypted, which its usage scan and any later
// rotation would not see as using a key.
func TestSiteTaggingUnencryptsReplica(t *testing.T) {
	a, b := setupSites(t)
	bucket, oldKey := a.versionedBucket(), a.key()
	labels := map[string]string{oldKey: "old"}
	a.seedVersions(bucket, oldKey, inventory.Names("u-", 10), 3, minio.PutObjectOptions{UserTags: map[string]string{"t": "1"}})
	_, before := a.waitReplicated(b, bucket)
	expectTally(t, "site B before", before, labels, map[string]int{"old REPLICA tagged": 30})

	restored := map[string]string{"t": "1", "restored": "yes"}
	a.restoreTags(bucket, restored)
	var onB map[string]siteVersion
	a.converge("the tags on site B", func() (bool, string) {
		onB = b.siteVersions(bucket)
		n := count(onB, func(_ string, v siteVersion) bool { return cmp.Equal(v.Tags, restored) })
		return n == 30, fmt.Sprintf("%d of 30 versions on B carry the new tags; B %v", n, tally(onB, labels))
	})
	expectTally(t, "site A after tagging on A", a.siteVersions(bucket), labels, map[string]int{"old COMPLETED tagged": 30})
	expectTally(t, "site B after tagging on A", onB, labels, map[string]int{"no key REPLICA tagged": 30})
	plain, intact := 0, 0
	for id, v := range onB {
		st, err := b.s3.StatObject(b.ctx, bucket, v.Name, minio.StatObjectOptions{VersionID: id})
		if err != nil {
			t.Fatal(err)
		}
		if st.Metadata.Get("X-Amz-Server-Side-Encryption") == "" && st.Metadata.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id") == "" {
			plain++
		}
		if body := b.version(bucket, v.Name, id); strings.HasPrefix(string(body), v.Name+" version ") && v.Modified.Equal(before[id].Modified) {
			intact++
		}
	}
	if plain != 30 || intact != 30 {
		t.Fatalf("site B: %d of 30 versions without encryption, %d with their body and Last-Modified; want 30 and 30", plain, intact)
	}
}

// TestSiteDeleteMarkerReplicates: DeleteObject without a version ID on
// site A, on 5 of 10 objects whose latest version is a data version (2
// each), makes 5 delete markers on A, and site B gets 5 delete markers
// with the same version IDs (in well under a second): the 5 objects answer
// 404 on both sites, the other 5 stay readable. The provider relies on it
// to treat a deleted object as deleted on every site of the group, and to
// find the marker it must keep on top by the same version ID on each.
func TestSiteDeleteMarkerReplicates(t *testing.T) {
	a, b := setupSites(t)
	bucket, key := a.versionedBucket(), a.key()
	labels := map[string]string{key: "key"}
	names := inventory.Names("d-", 10)
	a.seedVersions(bucket, key, names, 2, minio.PutObjectOptions{})
	a.waitReplicated(b, bucket)
	for _, n := range names[:5] {
		if err := a.s3.RemoveObject(a.ctx, bucket, n, minio.RemoveObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	onA := a.siteVersions(bucket)
	expectTally(t, "site A after the deletes", onA, labels, map[string]int{"key COMPLETED": 20, "marker": 5})
	var onB map[string]siteVersion
	a.converge("the delete markers on site B", func() (bool, string) {
		onB = b.siteVersions(bucket)
		same := count(onA, func(id string, v siteVersion) bool { return v.Marker && onB[id].Marker && onB[id].Name == v.Name })
		return same == 5, fmt.Sprintf("%d of 5 markers on B with A's version ID; B %v", same, tally(onB, labels))
	})
	expectTally(t, "site B", onB, labels, map[string]int{"key REPLICA": 20, "marker": 5})
	for i, n := range names {
		_, _, onA := a.latest(bucket, n)
		_, _, onB := b.latest(bucket, n)
		if deleted := i < 5; onA == deleted || onB == deleted {
			t.Errorf("%s (deleted: %v): readable on A %v, on B %v", n, deleted, onA, onB)
		}
	}
}

// TestSiteRotationOnReplicaSite: 10 objects x 3 versions under old
// written on site A, 5 of them tagged t=1 and 3 deleted, replicated to
// site B; a keyrotate job on B re-seals B's 30 replicas under new, with
// the job's side effects there: the 15 tagged versions lose their tags and
// the 3 deleted objects are readable again on B. Site A keeps its 30
// versions under old, its 15 tagged versions and its 3 deletions: the
// rotation on B replicates nothing back. The provider relies on it to
// rotate each site with a job on that site, and must restore tags and
// deletions on each site it rotates.
func TestSiteRotationOnReplicaSite(t *testing.T) {
	a, b := setupSites(t)
	bucket, oldKey, newKey := a.versionedBucket(), a.key(), a.key()
	labels := map[string]string{oldKey: "old", newKey: "new"}
	names := inventory.Names("r-", 10)
	a.seedVersions(bucket, oldKey, names[:5], 3, minio.PutObjectOptions{UserTags: map[string]string{"t": "1"}})
	a.seedVersions(bucket, oldKey, names[5:], 3, minio.PutObjectOptions{})
	deleted := []string{names[0], names[1], names[5]}
	for _, n := range deleted {
		if err := a.s3.RemoveObject(a.ctx, bucket, n, minio.RemoveObjectOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	onA, onB := a.waitReplicated(b, bucket)
	unchanged := map[string]int{"old COMPLETED": 15, "old COMPLETED tagged": 15, "marker": 3}
	expectTally(t, "site A before", onA, labels, unchanged)
	expectTally(t, "site B before", onB, labels, map[string]int{"old REPLICA": 15, "old REPLICA tagged": 15, "marker": 3})

	b.complete(job{bucket: bucket, key: newKey}, 30)
	time.Sleep(settle)
	expectTally(t, "site B after rotating B", b.siteVersions(bucket), labels, map[string]int{"new REPLICA": 30, "marker": 3})
	expectTally(t, "site A after rotating B", a.siteVersions(bucket), labels, unchanged)
	for _, n := range deleted {
		_, _, onA := a.latest(bucket, n)
		_, _, onB := b.latest(bucket, n)
		if onA || !onB {
			t.Errorf("deleted %s after rotating B: readable on A %v (want false), on B %v (want true)", n, onA, onB)
		}
	}
}

// TestSiteJobsAreLocal: a keyrotate job started on site A is listed by
// A's ListBatchJobs and not by site B's, and B answers "no such job" to
// its status and its description: batch jobs are not replicated. The
// provider relies on it to start one job per site and to follow each on
// the site that runs it.
func TestSiteJobsAreLocal(t *testing.T) {
	a, b := setupSites(t)
	bucket, oldKey, newKey := a.versionedBucket(), a.key(), a.key()
	a.put(seed(bucket, oldKey, inventory.Names("j-", 3)))
	out, err := a.run(job{bucket: bucket, key: newKey})
	if err != nil {
		t.Fatal(err)
	}
	listed := func(f *fixture) bool {
		list, err := f.admin.ListBatchJobs(f.ctx, &madmin.ListBatchJobsFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(list.Jobs, func(j madmin.BatchJobResult) bool { return j.ID == out.JobID })
	}
	if !listed(a) || listed(b) {
		t.Fatalf("job %s listed on site A: %v, on site B: %v; want A only", out.JobID, listed(a), listed(b))
	}
	if _, err := b.admin.BatchJobStatus(b.ctx, out.JobID); !batchjob.IsNoSuchJob(err) {
		t.Errorf("status of A's job %s on site B: %v, want no such job", out.JobID, err)
	}
	if _, err := b.admin.DescribeBatchJob(b.ctx, out.JobID); !batchjob.IsNoSuchJob(err) {
		t.Errorf("description of A's job %s on site B: %v, want no such job", out.JobID, err)
	}
}

// TestSiteBucketEncryptionReplicates: a bucket default (SSE-KMS under mid)
// set on site A is site B's bucket default too as soon as B is asked
// (site replication copies bucket metadata when it is set); 3 objects
// written without encryption headers on A are sealed under mid on both
// sites, and one written on B is sealed under mid there and on A. The
// provider relies on it to read a bucket's default key from any one site,
// and its key-usage guard counts bucket defaults once per group.
func TestSiteBucketEncryptionReplicates(t *testing.T) {
	a, b := setupSites(t)
	bucket, mid := a.bucket(), a.key()
	labels := map[string]string{mid: "mid"}
	if err := a.s3.SetBucketEncryption(a.ctx, bucket, sse.NewConfigurationSSEKMS(mid)); err != nil {
		t.Fatal(err)
	}
	a.converge("the bucket default on site B", func() (bool, string) {
		cfg, err := b.s3.GetBucketEncryption(b.ctx, bucket)
		if err != nil {
			return false, err.Error()
		}
		var got []string
		for _, r := range cfg.Rules {
			got = append(got, r.Apply.SSEAlgorithm+" "+strings.TrimPrefix(r.Apply.KmsMasterKeyID, "arn:aws:kms:"))
		}
		return slices.Equal(got, []string{"aws:kms " + mid}), fmt.Sprint(got)
	})
	a.put(inventory.Seed{Bucket: bucket, Names: inventory.Names("from-a-", 3), Plain: true})
	onA, onB := a.waitReplicated(b, bucket)
	expectTally(t, "site A", onA, labels, map[string]int{"mid COMPLETED": 3})
	expectTally(t, "site B", onB, labels, map[string]int{"mid REPLICA": 3})

	b.put(inventory.Seed{Bucket: bucket, Names: []string{"from-b"}, Plain: true})
	b.converge("the object written on site B on site A", func() (bool, string) {
		onA, onB = a.siteVersions(bucket), b.siteVersions(bucket)
		gotA, gotB := tally(onA, labels), tally(onB, labels)
		done := cmp.Equal(gotA, map[string]int{"mid COMPLETED": 3, "mid REPLICA": 1}) &&
			cmp.Equal(gotB, map[string]int{"mid REPLICA": 3, "mid COMPLETED": 1})
		return done, fmt.Sprintf("site A %v, site B %v", gotA, gotB)
	})
}
