package batchjob

import (
	"errors"
	"testing"
)

func TestParseJobID(t *testing.T) {
	for _, tc := range []struct {
		id, typ string
	}{
		{"keyrotate-VbqTeFmUFMFCKQmQjmrNr2:0", "keyrotate"},
		{"keyrotate-VbqTeFmUFMFCKQmQjmrNr2:12", "keyrotate"},
		{"replicate-abc:3", "replicate"},
		{"expire-abc:0", "expire"},
		{"keyrotate-abc_1", "keyrotate"},                     // a server on Windows
		{"keyrotate-CxQ9pLeKdvbkREmZraJmEg:-1", "keyrotate"}, // a single-node server
	} {
		typ, err := ParseJobID(tc.id)
		if err != nil || typ != tc.typ {
			t.Errorf("ParseJobID(%q) = %q, %v; want %q, nil", tc.id, typ, err, tc.typ)
		}
	}
	for _, id := range []string{
		"",
		"keyrotate",
		"keyrotate-",
		"keyrotate-abc",     // no node index
		"keyrotate-abc:",    // empty node index
		"keyrotate-:0",      // empty id
		"keyrotate-abc:x",   // node index not a number
		"keyrotate-abc:--1", // nor is this
		"keyrotate-abc:-",   // nor this
		"keyrotate-a/b:0",   // not a short UUID
		"keyrotate-a-b:0",   // nor is this
		"catalog-abc:0",     // a type the server's status handler does not know
		"KeyRotate-abc:0",   // types are lower case
		"abc:0",             // no type
		" keyrotate-abc:0",  // stray space
		"keyrotate-abc:0 ",  // stray space
		"keyrotate-abc:0:1", // two node indexes
	} {
		if typ, err := ParseJobID(id); !errors.Is(err, ErrMalformedJobID) {
			t.Errorf("ParseJobID(%q) = %q, %v; want ErrMalformedJobID", id, typ, err)
		}
	}
}
