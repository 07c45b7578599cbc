package keyrotate

import (
	"bytes"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// The server* types copy the YAML shape of the pinned server's job structs
// (BatchJobRequest in cmd/batch-handlers.go, BatchJobKeyRotateV1 and its
// parts in cmd/batch-rotate.go, BatchJobKV, BatchJobNotification and
// BatchJobRetry in cmd/batch-job-common-types.go): the same YAML tags and the
// same Go types, time.Duration and time.Time included. Parsing a document
// with them shows what the server sees.

type serverRequest struct {
	Replicate *yaml.Node         `yaml:"replicate"`
	KeyRotate *serverKeyRotateV1 `yaml:"keyrotate"`
	Expire    *yaml.Node         `yaml:"expire"`
}

type serverKeyRotateV1 struct {
	APIVersion string                 `yaml:"apiVersion"`
	Flags      serverKeyRotateFlags   `yaml:"flags"`
	Bucket     string                 `yaml:"bucket"`
	Prefix     string                 `yaml:"prefix"`
	Encryption serverKeyRotateEncrypt `yaml:"encryption"`
}

type serverKeyRotateEncrypt struct {
	Type    string `yaml:"type"`
	Key     string `yaml:"key"`
	Context string `yaml:"context"`
}

type serverKeyRotateFlags struct {
	Filter serverKeyRotateFilter `yaml:"filter"`
	Notify serverNotification    `yaml:"notify"`
	Retry  serverRetry           `yaml:"retry"`
}

type serverKeyRotateFilter struct {
	NewerThan     time.Duration `yaml:"newerThan,omitempty"`
	OlderThan     time.Duration `yaml:"olderThan,omitempty"`
	CreatedAfter  time.Time     `yaml:"createdAfter,omitempty"`
	CreatedBefore time.Time     `yaml:"createdBefore,omitempty"`
	Tags          []serverKV    `yaml:"tags,omitempty"`
	Metadata      []serverKV    `yaml:"metadata,omitempty"`
	KMSKeyID      string        `yaml:"kmskeyid"`
}

type serverKV struct {
	Key   string `yaml:"key"`
	Value string `yaml:"value"`
}

type serverNotification struct {
	Endpoint string `yaml:"endpoint"`
	Token    string `yaml:"token"`
}

type serverRetry struct {
	Attempts int           `yaml:"attempts"`
	Delay    time.Duration `yaml:"delay"`
}

// serverParse parses doc as StartBatchJob does (yaml.Unmarshal into a
// BatchJobRequest) and fails the test if the server would not see a
// keyrotate job. It also decodes strictly, proving that the document uses
// no key the server does not know (which it would silently ignore).
func serverParse(t testing.TB, doc []byte) serverKeyRotateV1 {
	t.Helper()
	var req serverRequest
	if err := yaml.Unmarshal(doc, &req); err != nil {
		t.Fatalf("server parse: %v\n%s", err, doc)
	}
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	dec.KnownFields(true)
	if err := dec.Decode(new(serverRequest)); err != nil {
		t.Fatalf("document has keys the server does not know: %v\n%s", err, doc)
	}
	if req.KeyRotate == nil {
		t.Fatalf("server sees no keyrotate job in\n%s", doc)
	}
	return *req.KeyRotate
}
