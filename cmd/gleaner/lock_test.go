package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOneDaemonPerDatabase runs gleaner as separate processes on one database:
// a second `gleaner run` and a `gleaner fetch` refuse at start, naming the
// database and the first daemon's pid and address, and write nothing; `gleaner
// sources`, `stories` and `export` work beside it. After the first is killed
// with SIGKILL, a new daemon starts on the same database.
func TestOneDaemonPerDatabase(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	addr := freePort(t)
	cfg := filepath.Join(dir, "gleaner.toml")
	db := filepath.Join(dir, "g.db")
	write := func(listen string) {
		body := fmt.Sprintf("listen = %q\ndatabase = \"g.db\"\n[[source]]\nurl = \"http://127.0.0.1:9/feed\"\n", listen)
		if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(addr)
	first := startDaemon(t, bin, cfg, addr)
	waitFor(t, first, "the first daemon to serve", func() bool {
		resp, _ := get(t, "http://"+addr+"/healthz")
		return resp != nil && resp.StatusCode == 200
	})
	pid := fmt.Sprint(first.cmd.Process.Pid)

	// Another port, the same database: refused before it listens.
	write(freePort(t))
	for _, args := range [][]string{{"run"}, {"fetch"}} {
		cmd := exec.Command(bin, append(args, "-config", cfg)...)
		done := make(chan struct{})
		var out []byte
		var err error
		go func() { out, err = cmd.CombinedOutput(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Fatalf("gleaner %s ran beside a daemon on the same database:\n%s", args[0], out)
		}
		msg := string(out)
		if err == nil || !strings.Contains(msg, db) || !strings.Contains(msg, "pid "+pid) || !strings.Contains(msg, addr) {
			t.Errorf("gleaner %s beside a daemon: %v\n%s\nwant a refusal naming %s, pid %s and %s", args[0], err, msg, db, pid, addr)
		}
	}
	for _, args := range [][]string{{"sources"}, {"stories"}, {"export", "-out", filepath.Join(dir, "out")}} {
		if out, err := exec.Command(bin, append(args, "-config", cfg)...).CombinedOutput(); err != nil {
			t.Errorf("gleaner %s beside the daemon: %v\n%s", args[0], err, out)
		}
	}

	// SIGKILL: no cleanup runs, and the lock goes with the process.
	first.cmd.Process.Kill()
	<-first.done
	second := startDaemon(t, bin, cfg, "")
	waitFor(t, second, "the second daemon to start", func() bool {
		return strings.Contains(second.stderr.String(), "gleaner started")
	})
	if code := second.stop(t); code != 0 {
		t.Errorf("second daemon exited %d:\n%s", code, second.stderr)
	}
}
