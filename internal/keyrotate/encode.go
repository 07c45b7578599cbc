package keyrotate

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Encode returns the YAML document that starts the job s with the admin API's
// StartBatchJob. It encodes s.Normalized() and does not validate: call
// [Spec.Validate] first. It only fails for values the document cannot carry:
// a time outside the years 0001 to 9999, or a Context that is not valid
// UTF-8.
//
// The document is marshalled by yaml.v3 from structs mirroring the server's,
// so no value can change its structure.
func Encode(s Spec) ([]byte, error) {
	doc, err := toWire(s.Normalized())
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("keyrotate: encode job: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("keyrotate: encode job: %w", err)
	}
	return buf.Bytes(), nil
}

// EncodeRedacted is [Encode] of s.Redacted(): the document to show a user,
// without the notification token.
func EncodeRedacted(s Spec) ([]byte, error) {
	return Encode(s.Redacted())
}

// toWire translates a normalized Spec into the server's terms.
func toWire(s Spec) (wireDocument, error) {
	if err := checkTime(s.Filter.CreatedAfter); err != nil {
		return wireDocument{}, fmt.Errorf("keyrotate: filter.created_after: %w", err)
	}
	if err := checkTime(s.Filter.CreatedBefore); err != nil {
		return wireDocument{}, fmt.Errorf("keyrotate: filter.created_before: %w", err)
	}
	ctx, err := encodeContext(s.Encryption.Context)
	if err != nil {
		return wireDocument{}, err
	}
	return wireDocument{KeyRotate: wireJob{
		APIVersion: apiVersion,
		Bucket:     wireString(s.Bucket),
		Prefix:     wireString(s.Prefix),
		Encryption: wireEncryption{
			Type:    wireString(s.Encryption.Type),
			Key:     wireString(s.Encryption.Key),
			Context: wireString(ctx),
		},
		Flags: wireFlags{
			Filter: wireFilter{
				NewerThan: s.Filter.NewerThan,
				OlderThan: s.Filter.OlderThan,
				// The server's bounds are inverted: selectObj in
				// cmd/batch-rotate.go skips an object when
				// createdAfter.Before(modTime), so its createdAfter
				// keeps the objects modified at or BEFORE the time, and
				// skips it when createdBefore.After(modTime), so its
				// createdBefore keeps those modified at or AFTER. Each
				// user bound therefore goes out as the opposite key.
				CreatedAfter:  s.Filter.CreatedBefore,
				CreatedBefore: s.Filter.CreatedAfter,
				Tags:          toWireKVs(s.Filter.Tags),
				Metadata:      toWireKVs(s.Filter.Metadata),
				KMSKeyID:      wireString(s.Filter.KMSKey),
			},
			Notify: wireNotify{Endpoint: wireString(s.Notify.Endpoint), Token: wireString(s.Notify.Token)},
			Retry:  wireRetry{Attempts: s.Retry.Attempts, Delay: s.Retry.Delay},
		},
	}}, nil
}

// checkTime reports a non-zero time that the document cannot carry: yaml.v3
// writes times in RFC 3339 and reads back only four-digit years.
func checkTime(t time.Time) error {
	if y := t.UTC().Year(); !t.IsZero() && (y < 1 || y > 9999) {
		return fmt.Errorf("time %s is outside the years 0001 to 9999", t.UTC().Format(time.RFC3339Nano))
	}
	return nil
}

// encodeContext returns the server's form of a KMS context: the base64 of
// its JSON object (with sorted keys, as encoding/json writes maps).
func encodeContext(ctx map[string]string) (string, error) {
	if len(ctx) == 0 {
		return "", nil
	}
	for k, v := range ctx {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return "", errors.New("keyrotate: encryption.context: keys and values must be valid UTF-8")
		}
	}
	b, err := json.Marshal(ctx)
	if err != nil {
		return "", fmt.Errorf("keyrotate: encryption.context: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

func toWireKVs(kvs []KV) []wireKV {
	var out []wireKV
	for _, kv := range kvs {
		out = append(out, wireKV{Key: wireString(kv.Key), Value: wireString(kv.Value)})
	}
	return out
}
