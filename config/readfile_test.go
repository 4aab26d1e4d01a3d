package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestReadFile reads a regular file and a named pipe whole, across the chunks the reader
// grows, and refuses both past MaxFileSize.
func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := []byte("listen = \"127.0.0.1:8080\"\n")
	// 300 KiB of distinct lines: it spans several chunks, and a chunk lost or repeated
	// would show.
	var medium bytes.Buffer
	for i := 0; medium.Len() < 300<<10; i++ {
		medium.WriteString("# line ")
		medium.WriteString(strings.Repeat("x", i%50))
		medium.WriteString("\n")
	}
	for name, want := range map[string][]byte{"small.toml": small, "medium.toml": medium.Bytes(), "empty.toml": {}} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := ReadFile(path)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes, %v; want %d bytes", name, len(got), err, len(want))
		}
		// The same through a pipe, which has no size to check first.
		fifo := filepath.Join(dir, name+".fifo")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
		go func() {
			w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				return
			}
			w.Write(want)
			w.Close()
		}()
		got, err = ReadFile(fifo)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s through a pipe: %d bytes, %v; want %d bytes", name, len(got), err, len(want))
		}
	}

	big := filepath.Join(dir, "big.toml")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := ReadFile(big); err == nil || !strings.Contains(err.Error(), "larger than 64 MiB") {
		t.Errorf("a file of MaxFileSize+1 bytes: %v; want a refusal naming the limit", err)
	}
	fifo := filepath.Join(dir, "endless.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer w.Close()
		chunk := make([]byte, 1<<20)
		for i := 0; i < MaxFileSize>>20+2; i++ {
			if _, err := w.Write(chunk); err != nil {
				return // the reader stopped at the limit
			}
		}
	}()
	if _, err := ReadFile(fifo); err == nil || !strings.Contains(err.Error(), "larger than 64 MiB") {
		t.Errorf("a pipe of more than MaxFileSize bytes: %v; want a refusal naming the limit", err)
	}
	<-done
}
