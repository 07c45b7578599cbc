package teststack

import "net"

// freePort asks the kernel for a free port on 127.0.0.1. The stack
// publishes fixed ports (not Docker's random ones) so that a restarted
// node keeps its endpoint.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
