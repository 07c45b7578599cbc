package preserve

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// format names the encoding in the header, so that a snapshot kept by an
// older or newer provider is refused rather than misread.
const format = "minio-keyrotate-preserve/1"

type header struct {
	Format  string    `json:"format"`
	Bucket  string    `json:"bucket"`
	Prefix  string    `json:"prefix,omitempty"`
	Taken   time.Time `json:"taken"`
	Objects int64     `json:"objects"`
	Tagged  int64     `json:"tagged"`
	Deleted int64     `json:"deleted"`
}

// Marshal encodes the snapshot, compressed, for keeping it between runs.
func (s *Snapshot) Marshal() ([]byte, error) {
	var b bytes.Buffer
	if err := s.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Write writes what Marshal returns to w, streaming the records.
func (s *Snapshot) Write(w io.Writer) error {
	if s.closed {
		return errClosed
	}
	zw, err := gzip.NewWriterLevel(w, gzip.DefaultCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	enc := json.NewEncoder(bw)
	h := header{Format: format, Bucket: s.Bucket, Prefix: s.Prefix, Taken: s.Taken, Objects: s.st.count, Tagged: s.Tagged, Deleted: s.Deleted}
	if err := enc.Encode(h); err != nil {
		return err
	}
	if s.st.spilled() {
		// The spill file already holds the records as JSON lines.
		f, err := os.Open(s.st.path)
		if err != nil {
			return fmt.Errorf("reading the snapshot's spill file: %w", err)
		}
		defer f.Close()
		if _, err := io.Copy(bw, f); err != nil {
			return fmt.Errorf("marshaling the snapshot: %w", err)
		}
	} else {
		for i := range s.st.mem {
			if err := enc.Encode(&s.st.mem[i]); err != nil {
				return err
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("marshaling the snapshot: %w", err)
	}
	return zw.Close()
}

// Unmarshal decodes what Marshal returned, holding the records under o's
// memory budget (o.Now and o.Until are not used).
func Unmarshal(data []byte, o Options) (*Snapshot, error) {
	return Read(bytes.NewReader(data), o)
}

// Read decodes what Write wrote.
func Read(r io.Reader, o Options) (*Snapshot, error) {
	s, err := read(r, o)
	if err != nil {
		return nil, fmt.Errorf("reading a rotation snapshot: %w", err)
	}
	return s, nil
}

func read(r io.Reader, o Options) (*Snapshot, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(zr)
	var h header
	if err := dec.Decode(&h); err != nil {
		return nil, err
	}
	if h.Format != format {
		return nil, fmt.Errorf("format %q, want %q", h.Format, format)
	}
	dir := o.Dir
	if dir == "" {
		dir = os.TempDir()
	}
	s := &Snapshot{Bucket: h.Bucket, Prefix: h.Prefix, Taken: h.Taken, st: newStore(o.budget(), dir)}
	fail := func(err error) (*Snapshot, error) {
		return nil, errors.Join(err, s.st.remove())
	}
	last := ""
	for {
		var rec object
		err := dec.Decode(&rec)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fail(err)
		}
		if s.st.count > 0 && rec.Name <= last {
			return fail(fmt.Errorf("record %q after %q: not in name order", rec.Name, last))
		}
		last = rec.Name
		s.Tagged += int64(len(rec.Tagged))
		if rec.Deleted != nil {
			s.Deleted++
		}
		if err := s.st.add(rec); err != nil {
			return fail(err)
		}
	}
	if s.st.count != h.Objects || s.Tagged != h.Tagged || s.Deleted != h.Deleted {
		return fail(fmt.Errorf("truncated: %d records, %d tagged versions, %d deleted objects; the header says %d, %d, %d",
			s.st.count, s.Tagged, s.Deleted, h.Objects, h.Tagged, h.Deleted))
	}
	if err := s.st.seal(); err != nil {
		return fail(err)
	}
	return s, nil
}
