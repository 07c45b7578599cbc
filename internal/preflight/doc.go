// Package preflight holds the checks made before a rotation job starts:
// that the target key is usable, and how much redundancy the deployment
// has. Both read the server; neither changes anything.
package preflight
