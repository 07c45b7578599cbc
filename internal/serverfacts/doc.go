// Package serverfacts holds no code, only tests. They send hand-written
// batch keyrotate jobs (raw YAML, not the provider's translation) to the
// pinned MinIO server wired to a real KES, and assert from outside which
// objects each job rotated. Each test pins down one thing the server does,
// often against its own documentation, on which the provider's translation
// of its arguments relies: when the server changes, a test here fails and
// says which translation is no longer justified.
package serverfacts
