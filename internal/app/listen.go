package app

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"
)

// BusyPortError is the error of listening on an address that another program
// (another gleaner, perhaps) holds: it names the port and, with Hint, what to
// do instead.
type BusyPortError struct {
	Addr string
	Free string // an address near it that is free, "" if none was found
	Hint string // set by the command, which knows how its address is given
}

func (e *BusyPortError) Error() string {
	_, port, _ := net.SplitHostPort(e.Addr)
	s := fmt.Sprintf("port %s is in use (another program listens on %s)", port, e.Addr)
	if e.Hint != "" {
		s += "; " + e.Hint
	}
	return s
}

// Listen listens on the TCP address addr; an address in use is a
// *BusyPortError naming a free port near it.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, &BusyPortError{Addr: addr, Free: freeNear(addr)}
	}
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	return ln, nil
}

// freeNear finds a port of addr's host, among the next few, that nothing
// listens on now, and returns that address ("" if none).
func freeNear(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	p, err := strconv.Atoi(port)
	if err != nil || p == 0 {
		return ""
	}
	for next := p + 1; next <= min(p+20, 65535); next++ {
		a := net.JoinHostPort(host, strconv.Itoa(next))
		if ln, err := net.Listen("tcp", a); err == nil {
			ln.Close()
			return a
		}
	}
	return ""
}
