package keyrotate

import (
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// The wire types mirror the server's structs (BatchJobRequest in
// cmd/batch-handlers.go, BatchJobKeyRotateV1 and its parts in
// cmd/batch-rotate.go) with the same YAML keys and the same Go types for
// durations and times, so that yaml.v3 writes exactly what the server's
// yaml.v3 reads. They differ only in omitting unset values and in writing
// strings through wireString. They carry the server's meaning, not the
// user's: only toWire and fromWire translate between the two.

// apiVersion is the only job version the server accepts.
const apiVersion = "v1"

type wireDocument struct {
	KeyRotate wireJob `yaml:"keyrotate"`
}

type wireJob struct {
	APIVersion string         `yaml:"apiVersion"`
	Bucket     wireString     `yaml:"bucket"`
	Prefix     wireString     `yaml:"prefix,omitempty"`
	Encryption wireEncryption `yaml:"encryption"`
	Flags      wireFlags      `yaml:"flags,omitempty"`
}

type wireEncryption struct {
	Type    wireString `yaml:"type"`
	Key     wireString `yaml:"key,omitempty"`
	Context wireString `yaml:"context,omitempty"`
}

type wireFlags struct {
	Filter wireFilter `yaml:"filter,omitempty"`
	Notify wireNotify `yaml:"notify,omitempty"`
	Retry  wireRetry  `yaml:"retry,omitempty"`
}

type wireFilter struct {
	NewerThan     time.Duration `yaml:"newerThan,omitempty"`
	OlderThan     time.Duration `yaml:"olderThan,omitempty"`
	CreatedAfter  time.Time     `yaml:"createdAfter,omitempty"`
	CreatedBefore time.Time     `yaml:"createdBefore,omitempty"`
	Tags          []wireKV      `yaml:"tags,omitempty"`
	Metadata      []wireKV      `yaml:"metadata,omitempty"`
	KMSKeyID      wireString    `yaml:"kmskeyid,omitempty"`
}

type wireKV struct {
	Key   wireString `yaml:"key"`
	Value wireString `yaml:"value"`
}

type wireNotify struct {
	Endpoint wireString `yaml:"endpoint,omitempty"`
	Token    wireString `yaml:"token,omitempty"`
}

type wireRetry struct {
	Attempts int           `yaml:"attempts,omitempty"`
	Delay    time.Duration `yaml:"delay,omitempty"`
}

// wireString is a string of the document. yaml.v3 writes a string with a line
// break as a literal block, and cannot read such a block back when the
// string starts with a tab ("\t\n" fails to parse), so the server, which
// parses with yaml.v3, would refuse the job. wireString writes those strings
// double-quoted instead, where every character is escaped. Strings that are
// not UTF-8 are left to yaml.v3, which writes them as !!binary.
type wireString string

// MarshalYAML implements yaml.Marshaler.
func (s wireString) MarshalYAML() (any, error) {
	if strings.Contains(string(s), "\n") && utf8.ValidString(string(s)) {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: yaml.DoubleQuotedStyle, Value: string(s)}, nil
	}
	return string(s), nil
}
