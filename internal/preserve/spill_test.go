package preserve

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/minio-keyrotate/terraform-provider-minio/internal/scan"
)

func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) > 0 {
		t.Errorf("%s holds %d files, want none (first %s)", dir, len(entries), entries[0].Name())
	}
}

// TestSpillKeepsRecords takes the same snapshot in memory and spilled at
// several budgets, and through Marshal and Unmarshal: the records must be
// the same, and Close must remove the file.
func TestSpillKeepsRecords(t *testing.T) {
	b := seeded(60)
	scope := scan.Scope{Bucket: "bkt"}
	want := records(t, take(t, b, scope, Options{}))
	if len(want) == 0 {
		t.Fatal("nothing recorded")
	}
	for _, budget := range []int64{-1, 1, 2000, 1 << 30} {
		dir := t.TempDir()
		s, err := Take(context.Background(), b, scope, Options{MemoryBudget: budget, Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if spill := budget < 1<<30; s.Spilled() != spill {
			t.Errorf("budget %d: spilled %v, want %v", budget, s.Spilled(), spill)
		}
		if d := cmp.Diff(want, records(t, s)); d != "" {
			t.Errorf("budget %d: records (-in memory +here):\n%s", budget, d)
		}
		data, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		u, err := Unmarshal(data, Options{MemoryBudget: budget, Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, records(t, u)); d != "" {
			t.Errorf("budget %d: unmarshaled records (-want +got):\n%s", budget, d)
		}
		if u.Bucket != s.Bucket || !u.Taken.Equal(s.Taken) || u.Tagged != s.Tagged || u.Deleted != s.Deleted || u.Spilled() != s.Spilled() {
			t.Errorf("budget %d: unmarshaled %+v, want %+v", budget, u, s)
		}
		s.Close()
		u.Close()
		assertEmptyDir(t, dir)
		if _, err := s.Marshal(); err == nil {
			t.Error("Marshal of a closed snapshot succeeded")
		}
		if _, err := Restore(context.Background(), b, s); err == nil {
			t.Error("Restore of a closed snapshot succeeded")
		}
	}
}

func TestUnmarshalRefuses(t *testing.T) {
	s := take(t, seeded(8), scan.Scope{Bucket: "bkt"}, Options{})
	good, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	plain := gunzip(t, good)
	lines := strings.SplitAfter(strings.TrimSuffix(plain, "\n"), "\n")
	if len(lines) < 4 {
		t.Fatalf("marshaled %d lines, want a header and several records", len(lines))
	}
	tests := map[string][]byte{
		"not gzip":     []byte("hello"),
		"other format": gzipped(t, strings.Replace(plain, format, "minio-keyrotate-preserve/9", 1)),
		"truncated":    gzipped(t, strings.Join(lines[:len(lines)-1], "")),
		"out of order": gzipped(t, lines[0]+lines[2]+lines[1]+strings.Join(lines[3:], "")),
		"not json":     gzipped(t, lines[0]+"{oops\n"),
		"cut gzip":     good[:len(good)-6],
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if u, err := Unmarshal(data, Options{MemoryBudget: -1, Dir: dir}); err == nil {
				u.Close()
				t.Fatal("accepted")
			} else {
				t.Log(err)
			}
			assertEmptyDir(t, dir)
		})
	}
}

func gunzip(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := b.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
