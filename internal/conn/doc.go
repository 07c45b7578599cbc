// Package conn turns connection settings (from configuration, else from
// the environment) into MinIO clients. It validates everything it can
// without contacting the server, so a bad setting is reported where it
// was written, and nothing is contacted before it is needed.
package conn
