package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// memStatus reads a "Vm..." line of /proc/self/status in kB (0 when absent,
// as on systems without /proc).
func memStatus(key string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// peakRSS is this process's peak resident set so far, in bytes: VmHWM, else
// getrusage's ru_maxrss.
func peakRSS() int64 {
	if kb := memStatus("VmHWM"); kb > 0 {
		return kb << 10
	}
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err == nil {
		return ru.Maxrss << 10
	}
	return 0
}

// cpuTime is the user and system CPU time this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// child is a running copy of this program in one of its child modes. It
// answers each command line on its stdin with one JSON line on its stdout.
type child struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

func startChild(mode string, args ...string) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, append([]string{"-child", mode}, args...)...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s child: %w", mode, err)
	}
	return &child{cmd: cmd, in: in, out: bufio.NewReader(out)}, nil
}

// do sends a command and decodes the answer into v.
func (c *child) do(command string, v any) error {
	if _, err := fmt.Fprintln(c.in, command); err != nil {
		return fmt.Errorf("child: send %q: %w", command, err)
	}
	return c.read(v)
}

// read decodes the child's next answer into v.
func (c *child) read(v any) error {
	line, err := c.out.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("child %s: no answer: %w", c.cmd.Args[2], err)
	}
	var e struct{ Error string }
	if json.Unmarshal(line, &e) == nil && e.Error != "" {
		return fmt.Errorf("child %s: %s", c.cmd.Args[2], e.Error)
	}
	return json.Unmarshal(line, v)
}

// wait closes the child's stdin (its signal to finish) and waits for it.
func (c *child) wait() error {
	c.in.Close()
	return c.cmd.Wait()
}

// answer writes one JSON line to stdout: a child's reply.
func answer(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(map[string]string{"error": err.Error()})
	}
	os.Stdout.Write(append(b, '\n'))
}

// fail answers with an error.
func fail(err error) { answer(map[string]string{"error": err.Error()}) }
