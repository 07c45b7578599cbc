package preserve

// object is the record of one object name: what a restore may have to put
// back. Short JSON names keep spill files and marshaled snapshots small.
type object struct {
	Name string `json:"n"`
	// Tagged are the object's tagged versions that the job rewrites.
	Tagged []taggedVersion `json:"t,omitempty"`
	// Deleted is set when the object's latest entry is a delete marker and
	// the job rewrites one of its versions, which then resurfaces.
	Deleted *deletedObject `json:"d,omitempty"`
}

type taggedVersion struct {
	VersionID string `json:"v"`
	// ETag tells a version overwritten in place from the one recorded; a
	// rotation keeps it. Only the "null" version of an unversioned or
	// suspended bucket can be overwritten, so only its ETag is kept: an
	// ETag is two fifths of a marshaled record.
	ETag string `json:"e,omitempty"`
	// Modified is the last-modified time in Unix milliseconds (the
	// listing's precision). The job resets it, PutObjectTagging and
	// DeleteObjectTagging do not: a version without tags and with the same
	// date lost its tags to someone, not to the job.
	Modified int64             `json:"m"`
	Tags     map[string]string `json:"g"`
}

type deletedObject struct {
	// Marker is the delete marker that was the latest entry.
	Marker string `json:"m"`
	// Versions are the IDs of every other entry of the object, data
	// versions and older delete markers: an entry not among them (nor the
	// marker) was written after the snapshot.
	Versions []string `json:"v"`
}

// nullVersion is the version ID of the one version an unversioned bucket
// keeps of an object.
const nullVersion = "null"

// Estimated heap bytes of a record, for the memory budget: headers,
// allocation rounding, the slice of records growing by doubling, and for a
// tagged version its map of tags (about 290 bytes up to 8 tags).
// Calibrated with BenchmarkSnapshotMemory, to err on the high side.
const (
	objectOverhead  = 96
	versionOverhead = 360
	tagOverhead     = 32
	deletedOverhead = 64
	idOverhead      = 24
)

func (o *object) memSize() int64 {
	n := objectOverhead + len(o.Name)
	for _, t := range o.Tagged {
		n += versionOverhead + len(t.VersionID) + len(t.ETag)
		for k, v := range t.Tags {
			n += tagOverhead + len(k) + len(v)
		}
	}
	if d := o.Deleted; d != nil {
		n += deletedOverhead + len(d.Marker)
		for _, v := range d.Versions {
			n += idOverhead + len(v)
		}
	}
	return int64(n)
}
