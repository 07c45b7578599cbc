package keyrotate

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Decode reads a keyrotate job from the YAML of StartBatchJob or
// DescribeBatchJob, reversing every translation of [Encode]: for any s that
// Encode accepts, Decode(Encode(s)) equals s.Normalized(). Metadata keys are
// returned as the server stores them; call [Spec.Normalized] for the
// canonical form. Top-level keys other than the job sections are ignored, as
// the server ignores them; a document of another job type is an error.
func Decode(b []byte) (Spec, error) {
	var doc struct {
		KeyRotate yaml.Node `yaml:"keyrotate"`
		Replicate yaml.Node `yaml:"replicate"`
		Expire    yaml.Node `yaml:"expire"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return Spec{}, fmt.Errorf("keyrotate: parse job: %w", err)
	}
	if !present(doc.KeyRotate) {
		switch {
		case present(doc.Replicate):
			return Spec{}, errors.New("keyrotate: the document is a replicate batch job, not a keyrotate job")
		case present(doc.Expire):
			return Spec{}, errors.New("keyrotate: the document is an expire batch job, not a keyrotate job")
		}
		return Spec{}, errors.New("keyrotate: the document has no keyrotate section")
	}
	var job wireJob
	if err := doc.KeyRotate.Decode(&job); err != nil {
		return Spec{}, fmt.Errorf("keyrotate: parse job: %w", err)
	}
	return fromWire(job)
}

// present reports whether a top-level section is in the document: the
// server marshals absent job types as null.
func present(n yaml.Node) bool {
	return n.Kind != 0 && n.ShortTag() != "!!null"
}

// fromWire translates the server's terms back into a Spec.
func fromWire(job wireJob) (Spec, error) {
	if job.APIVersion != apiVersion {
		return Spec{}, fmt.Errorf("keyrotate: unsupported apiVersion %q, want %q", job.APIVersion, apiVersion)
	}
	ctx, err := decodeContext(string(job.Encryption.Context))
	if err != nil {
		return Spec{}, err
	}
	f := job.Flags.Filter
	return Spec{
		Bucket: string(job.Bucket),
		Prefix: string(job.Prefix),
		Encryption: Encryption{
			Type:    EncryptionType(job.Encryption.Type),
			Key:     string(job.Encryption.Key),
			Context: ctx,
		},
		Filter: Filter{
			NewerThan: f.NewerThan,
			OlderThan: f.OlderThan,
			// The server's bounds are inverted; see toWire.
			CreatedAfter:  f.CreatedBefore.UTC(),
			CreatedBefore: f.CreatedAfter.UTC(),
			Tags:          fromWireKVs(f.Tags),
			Metadata:      fromWireKVs(f.Metadata),
			KMSKey:        string(f.KMSKeyID),
		},
		Notify: Notify{Endpoint: string(job.Flags.Notify.Endpoint), Token: string(job.Flags.Notify.Token)},
		Retry:  Retry{Attempts: job.Flags.Retry.Attempts, Delay: job.Flags.Retry.Delay},
	}, nil
}

// decodeContext reads the server's form of a KMS context, as the server does
// (BatchJobKeyRotateEncryption.Validate in cmd/batch-rotate.go).
func decodeContext(s string) (map[string]string, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("keyrotate: encryption.context is not base64: %w", err)
	}
	var ctx map[string]string
	if err := json.Unmarshal(b, &ctx); err != nil {
		return nil, fmt.Errorf("keyrotate: encryption.context is not a JSON object of strings: %w", err)
	}
	if len(ctx) == 0 {
		return nil, nil
	}
	return ctx, nil
}

func fromWireKVs(kvs []wireKV) []KV {
	var out []KV
	for _, kv := range kvs {
		out = append(out, KV{Key: string(kv.Key), Value: string(kv.Value)})
	}
	return out
}
