package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestSecondSignalEndsAtOnce: while gleaner stops in order after SIGTERM (here
// waiting on a WebSub hub that never answers), a second SIGTERM ends the process
// at once, by the signal, as an operator pressing Ctrl-C twice expects.
func TestSecondSignalEndsAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the daemon; skipped with -short")
	}
	bin := gleanerBinary(t)
	_, sources := sampleSite(t)
	pinged := make(chan struct{}, 16)
	release := make(chan struct{})
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case pinged <- struct{}{}:
		default:
		}
		select { // never answers while the test runs
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer hub.Close()
	defer close(release)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "gleaner.toml")
	addr := listenAddr(t)
	writeConfigFile(t, cfg, fmt.Sprintf("listen = %q\ndatabase = \"g.db\"\n[publish]\nhub = %q\n[poll]\ninterval = \"1h\"\n%s", addr, hub.URL, sources))
	p := startGleaner(t, bin, cfg)
	select {
	case <-pinged:
	case <-time.After(60 * time.Second):
		t.Fatalf("the hub was never pinged; log:\n%s", p.log)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	// Stopping in order waits for the hub for seconds (closeWait); the second
	// signal comes well within them.
	time.Sleep(500 * time.Millisecond)
	if p.exited() {
		t.Fatalf("gleaner stopped before the second signal (the hub should hold it for seconds); log:\n%s", p.log)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		t.Fatalf("gleaner did not exit after a second SIGTERM; log:\n%s", p.log)
	}
	ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("exit after a second SIGTERM: %v; want ended by the signal", p.cmd.ProcessState)
	}
}
