package preserve

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// store keeps records in the order they are added: in memory up to budget
// estimated bytes, then all of them in a temporary file of JSON lines.
type store struct {
	budget int64
	dir    string

	mem      []object
	memBytes int64

	path string // the spill file, once spilled
	file *os.File
	w    *bufio.Writer
	enc  *json.Encoder

	count int64
}

func newStore(budget int64, dir string) *store {
	return &store{budget: budget, dir: dir}
}

func (s *store) add(o object) error {
	s.count++
	if s.path == "" {
		if size := o.memSize(); s.memBytes+size <= s.budget {
			s.mem = append(s.mem, o)
			s.memBytes += size
			return nil
		}
		if err := s.spill(); err != nil {
			return err
		}
	}
	if err := s.enc.Encode(&o); err != nil {
		return fmt.Errorf("writing the snapshot's spill file: %w", err)
	}
	return nil
}

// spill moves the records held in memory to a new temporary file, which
// receives every later record too.
func (s *store) spill() error {
	f, err := os.CreateTemp(s.dir, "keyrotate-preserve-*.jsonl")
	if err != nil {
		return fmt.Errorf("creating the snapshot's spill file: %w", err)
	}
	s.file, s.path = f, f.Name()
	s.w = bufio.NewWriterSize(f, 64<<10)
	s.enc = json.NewEncoder(s.w)
	for i := range s.mem {
		if err := s.enc.Encode(&s.mem[i]); err != nil {
			return fmt.Errorf("writing the snapshot's spill file: %w", err)
		}
	}
	s.mem, s.memBytes = nil, 0
	return nil
}

// seal ends the adding; the records can then be read.
func (s *store) seal() error {
	if s.file == nil {
		return nil
	}
	err := s.w.Flush()
	if cerr := s.file.Close(); err == nil {
		err = cerr
	}
	s.file, s.w, s.enc = nil, nil, nil
	if err != nil {
		return fmt.Errorf("writing the snapshot's spill file: %w", err)
	}
	return nil
}

func (s *store) spilled() bool { return s.path != "" }

// remove deletes the spill file, if any.
func (s *store) remove() error {
	if s.file != nil {
		s.file.Close()
		s.file = nil
	}
	if s.path == "" {
		return nil
	}
	err := os.Remove(s.path)
	s.path = ""
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// cursor reads a sealed store's records in order, one at a time.
type cursor struct {
	mem  []object
	f    *os.File
	dec  *json.Decoder
	done bool
}

func (s *store) open() (*cursor, error) {
	if s.path == "" {
		return &cursor{mem: s.mem}, nil
	}
	f, err := os.Open(s.path)
	if err != nil {
		return nil, fmt.Errorf("reading the snapshot's spill file: %w", err)
	}
	return &cursor{f: f, dec: json.NewDecoder(bufio.NewReaderSize(f, 64<<10))}, nil
}

// next returns the next record, or false at the end.
func (c *cursor) next() (object, bool, error) {
	if c.done {
		return object{}, false, nil
	}
	if c.dec == nil {
		if len(c.mem) == 0 {
			c.done = true
			return object{}, false, nil
		}
		o := c.mem[0]
		c.mem = c.mem[1:]
		return o, true, nil
	}
	var o object
	if err := c.dec.Decode(&o); err != nil {
		c.done = true
		if errors.Is(err, io.EOF) {
			return object{}, false, nil
		}
		return object{}, false, fmt.Errorf("reading the snapshot's spill file: %w", err)
	}
	return o, true, nil
}

func (c *cursor) close() {
	if c.f != nil {
		c.f.Close()
	}
}
