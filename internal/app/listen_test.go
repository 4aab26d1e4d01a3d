package app

import (
	"errors"
	"strings"
	"testing"
)

// TestListenOnABusyPort: an address in use is a *BusyPortError that names the
// port and a free address near it, which Listen then accepts.
func TestListenOnABusyPort(t *testing.T) {
	held, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	addr := held.Addr().String()
	_, err = Listen(addr)
	var busy *BusyPortError
	if !errors.As(err, &busy) || busy.Addr != addr || busy.Free == "" || busy.Free == addr {
		t.Fatalf("listen on %s again: %v", addr, err)
	}
	busy.Hint = "try another"
	if msg := err.Error(); !strings.Contains(msg, "is in use (another program listens on "+addr+"); try another") {
		t.Errorf("message %q", msg)
	}
	ln, err := Listen(busy.Free)
	if err != nil {
		t.Fatalf("the free address %s: %v", busy.Free, err)
	}
	ln.Close()
}
