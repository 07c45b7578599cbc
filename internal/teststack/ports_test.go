package teststack

import (
	"errors"
	"testing"
)

func TestPortTaken(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{errors.New("starting the docker stack: docker start: exit status 1: Error response from daemon: driver failed programming external connectivity on endpoint x: Bind for 127.0.0.1:43647 failed: port is already allocated"), true},
		{errors.New("listen tcp 127.0.0.1:9000: bind: address already in use"), true},
		{errors.New("starting the docker stack: image not found"), false},
	} {
		if got := portTaken(tc.err); got != tc.want {
			t.Errorf("portTaken(%q) = %t, want %t", tc.err, got, tc.want)
		}
	}
}
