// Package preserve keeps a key rotation from changing anything but the key.
//
// MinIO's keyrotate job re-seals every object version it selects with a
// metadata-only copy that drops the version's tags and gives it the
// rotation time as its last-modified date. In a versioned bucket that date
// lifts the rotated data versions of a deleted object above its delete
// marker, and the object is visible again (see the shared SERVER-FACTS,
// "What a rotation changes besides the key"). [Take] records, in one pass
// of the versioned listing right before the job, what the job will
// destroy; [Restore], after the job, puts it back in one more pass plus one
// request per thing to put back:
//
//   - the tag set of every data version the job rewrites (in scope, SSE-KMS
//     or SSE-S3, as [scan.Result.Rewritten] counts them), put back with
//     PutObjectTagging on that very version, which keeps its date and the
//     order of the versions;
//   - every object under the prefix whose latest entry is a delete marker
//     and that has a version the job rewrites: its marker and the IDs of all
//     its versions, so that a new delete marker is put on top only when the
//     object came back because of the rotation.
//
// Restore never overwrites what someone changed since the snapshot: tags
// set meanwhile, tags removed from a version the job did not rewrite, a
// version or delete marker written since, a delete marker removed. Each
// such case is counted in [Result] with its reason. Restore is idempotent.
//
// # Memory
//
// A snapshot holds one record per object that has something to restore.
// Records stay in memory up to [Options.MemoryBudget] (default
// [DefaultMemoryBudget], 8 MiB of estimated heap); past it every record,
// those already held included, goes to a temporary file as JSON lines
// (about 120 bytes per tagged version), and memory stays flat whatever the
// bucket size. Restore and Marshal stream the records back in listing
// order: Restore merges them with the new listing (both are sorted by
// name) instead of looking them up, so it too holds one record at a time.
// What is not bounded is one object's history: the IDs of the versions of
// the object being listed are held while it is listed.
//
// Measured (BenchmarkSnapshotMemory): a record held in memory takes about
// 520 bytes of heap per tagged version with two short tags and 380 per
// deleted object of three versions; 100,000 spilled records leave under
// 2 KB of heap.
//
// # Keeping a snapshot
//
// [Snapshot.Marshal] writes the snapshot as gzip-compressed JSON lines, a
// header then the records; [Unmarshal] reads it back under the same memory
// budget, checking the order and the counts. Measured
// (BenchmarkMarshalSize, random UUIDs as version IDs as MinIO makes them):
// about 30 bytes per tagged version with two short tags and 87 per deleted
// object of three versions; names sharing a prefix compress away.
package preserve
