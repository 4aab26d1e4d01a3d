package main

import (
	"encoding/json"
	"html"
	"net"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gleaner/gleaner/internal/syncbuf"
)

// TestDemo runs the installed-style binary's `gleaner demo` from a directory
// outside the repository: the sample feeds come from the binary itself. The
// page shows stories of several outlets in both languages, the outlets by
// their feeds' titles.
func TestDemo(t *testing.T) {
	bin := gleanerBinary(t)
	addr := listenAddr(t)
	p := &proc{log: &syncbuf.Buffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "demo", "-listen", addr)
	p.cmd.Dir = t.TempDir()
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(p.kill)

	var feed struct {
		Items []struct {
			Title   string
			URL     string
			Authors []struct{ Name string }
			Content string `json:"content_html"`
		}
	}
	eventually(t, p, 60*time.Second, "the demo's curated feed", func() bool {
		code, body := httpGet("http://" + addr + "/feed.json")
		return code == 200 && json.Unmarshal([]byte(body), &feed) == nil && len(feed.Items) >= 5
	})
	outlets := map[string]bool{}
	both := 0
	for _, it := range feed.Items {
		for _, a := range it.Authors {
			outlets[a.Name] = true
		}
		if strings.Contains(it.Content, "reports in English and Korean") || strings.Contains(it.Content, "reports in Korean and English") {
			both++
		}
	}
	for name := range outlets {
		if !strings.HasSuffix(name, "(sample feed)") && !strings.HasSuffix(name, "(표본 피드)") {
			t.Errorf("outlet %q is not named by its feed's title", name)
		}
	}
	if both < 2 {
		t.Errorf("%d entries are stories reported in both languages, want at least 2:\n%+v", both, feed.Items)
	}
	_, page := httpGet("http://" + addr + "/")
	for _, want := range []string{"Also reported in Korean by", "Also reported in English by", "한빛경제 IT (표본 피드)", "Seoul Tech Daily (sample feed)"} {
		if !strings.Contains(page, want) {
			t.Errorf("the demo's page lacks %q", want)
		}
	}
	// The search box finds the stories of either language, with Hangul
	// (기본법 finds an English-led story's Korean reports) or Latin words.
	// The index follows the curated feed within seconds.
	for q, want := range map[string]string{"%EA%B8%B0%EB%B3%B8%EB%B2%95": "South Korea finalises AI Basic Act decree", "GPU": "국가AI컴퓨팅센터"} {
		eventually(t, p, 30*time.Second, "/search?q="+q+" finding "+want, func() bool {
			code, page := httpGet("http://" + addr + "/search?q=" + q)
			return code == 200 && strings.Contains(page, want)
		})
	}
	if code, body := httpGet("http://" + addr + "/readyz"); code != 200 {
		t.Errorf("/readyz: %d %s", code, body)
	}
	// The entries' links lead to a page of the made-up article, and the
	// outlets' to a page of the outlet, not a 404.
	for _, it := range feed.Items[:3] {
		code, page := httpGet(it.URL)
		if code != 200 || !strings.Contains(html.UnescapeString(page), it.Title) {
			t.Errorf("the link of %q (%s): %d\n%.300s", it.Title, it.URL, code, page)
		}
		if u, err := url.Parse(it.URL); err == nil {
			outlet := u.Scheme + "://" + u.Host + "/" + strings.Split(strings.TrimPrefix(u.Path, "/"), "/")[0]
			if code, page := httpGet(outlet); code != 200 {
				t.Errorf("the outlet page %s of %q: %d\n%.300s", outlet, it.Title, code, page)
			}
		}
	}
	// Its database's lock names it gleaner demo (another command refused
	// beside it says who holds the database), found among its open files.
	if fds, err := os.ReadDir("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/fd"); err == nil {
		found := false
		for _, fd := range fds {
			target, err := os.Readlink("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/fd/" + fd.Name())
			if err != nil || !strings.HasSuffix(target, ".db.lock") {
				continue
			}
			found = true
			if b, err := os.ReadFile(target); err != nil || !strings.Contains(string(b), "gleaner demo") {
				t.Errorf("the demo's lock file %s says %q (%v), want it to name gleaner demo", target, b, err)
			}
		}
		if !found {
			t.Errorf("no database lock among the demo's open files")
		}
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		t.Fatalf("gleaner demo did not stop on SIGTERM; log:\n%s", p.log)
	}
}

// TestDemoOnABusyPort: a port in use is said in a line that names a free one,
// before anything starts.
func TestDemoOnABusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	_, port, _ := net.SplitHostPort(addr)
	code, stdout, stderr := runBinary(t, "", "demo", "-listen", addr)
	want := regexp.MustCompile(`^gleaner demo: port ` + port + ` is in use \(another program listens on ` + regexp.QuoteMeta(addr) +
		`\); try gleaner demo -listen 127\.0\.0\.1:(\d+)\n$`)
	m := want.FindStringSubmatch(stderr)
	if code != 1 || m == nil || stdout != "" {
		t.Fatalf("exit %d, stderr %q; want 1 and a line matching %s", code, stderr, want)
	}
	free, err := net.Listen("tcp", "127.0.0.1:"+m[1])
	if err != nil {
		t.Errorf("the port suggested is not free: %v", err)
	} else {
		free.Close()
	}
	// Started by make demo: the hint is make's.
	cmd := exec.Command(gleanerBinary(t), "demo", "-listen", addr)
	cmd.Env = append(os.Environ(), "GLEANER_CONFIG=", "MAKELEVEL=1")
	out, _ := cmd.CombinedOutput()
	if !regexp.MustCompile(`; try make demo LISTEN=127\.0\.0\.1:\d+\n$`).Match(out) {
		t.Errorf("under make: %q", out)
	}
}

// TestMakeDemoListen: make demo takes the address as LISTEN=.
func TestMakeDemoListen(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	out, err := exec.Command("make", "-n", "-C", "../..", "demo", "LISTEN=127.0.0.1:8099").CombinedOutput()
	if err != nil {
		t.Fatalf("make -n demo: %v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if !slices.ContainsFunc(lines, func(l string) bool { return strings.HasSuffix(l, "demo -listen 127.0.0.1:8099") }) {
		t.Errorf("make demo LISTEN=127.0.0.1:8099 runs:\n%s", out)
	}
}

// TestDemoFeedsMustBeADirectory: -feeds naming nothing, or a file, says so,
// not "no sample feeds in" it.
func TestDemoFeedsMustBeADirectory(t *testing.T) {
	dir := t.TempDir()
	file := dir + "/feed.xml"
	if err := os.WriteFile(file, []byte("<rss/>"), 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{dir + "/none": "-feeds " + dir + "/none: stat " + dir + "/none: no such file or directory",
		file: "-feeds " + file + ": not a directory"} {
		code, _, stderr := runBinary(t, "", "demo", "-listen", listenAddr(t), "-feeds", path)
		if code != 1 || !strings.Contains(stderr, want) {
			t.Errorf("demo -feeds %s: exit %d, %q; want %q", path, code, stderr, want)
		}
	}
}
