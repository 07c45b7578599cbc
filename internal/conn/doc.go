// Package conn turns connection settings (from configuration, else from
// the environment) into MinIO and KES clients. It validates everything it
// can without contacting the server, so a bad setting is reported where it
// was written, and nothing is contacted before it is needed. When a client
// fails anyway, Resolved.Explain and KESConn.Explain tell a connection,
// credential or TLS problem apart from the server's other answers and name
// the setting to change, as configured or as the environment set it.
package conn
