package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/gleaner/gleaner/internal/syncbuf"
)

// The service tests share one build of the binary: building it per test costs
// more than most of them take.
var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// gleanerBinary builds the binary once for every test that runs it.
func gleanerBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary; skipped with -short")
	}
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "gleaner-test-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "gleaner")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// proc is a running `gleaner run`.
type proc struct {
	cmd  *exec.Cmd
	log  *syncbuf.Buffer
	done chan struct{}
	err  error
}

// startGleaner starts `gleaner run -config cfg` with extra environment.
func startGleaner(t *testing.T, bin, cfg string, env ...string) *proc {
	t.Helper()
	p := &proc{log: &syncbuf.Buffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "run", "-config", cfg)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.kill() })
	return p
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *proc) kill() {
	if p.exited() {
		return
	}
	p.cmd.Process.Kill()
	<-p.done
}

// stop sends SIGTERM and returns the exit status.
func (p *proc) stop(t *testing.T) int {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		p.kill()
		t.Fatalf("gleaner did not stop within 20s of SIGTERM; log:\n%s", p.log)
	}
	return p.cmd.ProcessState.ExitCode()
}

// eventually polls cond every 50ms until it holds, failing the test after
// limit. p, when not nil, must keep running meanwhile.
func eventually(t *testing.T, p *proc, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if p != nil && p.exited() {
			t.Fatalf("gleaner exited (%v) while waiting for %s; log:\n%s", p.err, what, p.log)
		}
		if time.Now().After(deadline) {
			logText := ""
			if p != nil {
				logText = p.log.String()
			}
			t.Fatalf("timed out after %s waiting for %s; log:\n%s", limit, what, logText)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// httpGet returns the status and body of a GET, or 0 when the server does not answer.
func httpGet(url string) (int, string) {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

func listenAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// feedSite serves generated RSS feeds at /feed/N.xml: items items each, with
// unique GUIDs, links and dates; every third item is about AI policy. It
// answers If-None-Match with 304 and counts requests per path.
type feedSite struct {
	*httptest.Server
	items int
	base  time.Time

	inflight atomic.Int64 // requests being answered

	mu    sync.Mutex
	hits  map[string]int
	delay func(path string) time.Duration // nil: none
	gate  chan struct{}                   // when not nil, requests wait until it is closed
	extra map[int]int                     // feed number -> items added since start
}

func newFeedSite(t *testing.T, items int) *feedSite {
	s := &feedSite{items: items, base: time.Now().Add(-time.Hour).Truncate(time.Second), hits: map[string]int{}, extra: map[int]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *feedSite) url(n int) string { return fmt.Sprintf("%s/feed/%d.xml", s.URL, n) }

func (s *feedSite) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func (s *feedSite) addItems(n, more int) {
	s.mu.Lock()
	s.extra[n] += more
	s.mu.Unlock()
}

// itemTitle is the title of item i of feed n.
func itemTitle(n, i int) string {
	if i%3 == 0 {
		return fmt.Sprintf("Commerce Department tightens export controls on advanced AI chips, rule %d-%d", n, i)
	}
	return fmt.Sprintf("Local bakery %d wins the regional bread award for the %dth time", n, i)
}

// feedBody renders feed n with count items.
func (s *feedSite) feedBody(n, count int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Feed %d</title><link>%s/</link><description>generated</description>`, n, s.URL)
	for i := count - 1; i >= 0; i-- {
		link := fmt.Sprintf("%s/item/%d/%d", s.URL, n, i)
		pub := s.base.Add(-time.Duration(n*1000+i) * time.Second)
		fmt.Fprintf(&b, `<item><title>%s</title><link>%s</link><guid isPermaLink="true">%s</guid><pubDate>%s</pubDate><description>Item %d of feed %d.</description></item>`,
			itemTitle(n, i), link, link, pub.Format(time.RFC1123Z), i, n)
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

// setDelay sets how long each answer waits (nil: none); requests in flight may
// read it, hence the lock.
func (s *feedSite) setDelay(d func(path string) time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// setGate makes requests wait until gate is closed (nil: they do not wait).
func (s *feedSite) setGate(gate chan struct{}) {
	s.mu.Lock()
	s.gate = gate
	s.mu.Unlock()
}

func (s *feedSite) serve(w http.ResponseWriter, r *http.Request) {
	s.inflight.Add(1)
	defer s.inflight.Add(-1)
	s.mu.Lock()
	s.hits[r.URL.Path]++
	delay, gate := s.delay, s.gate
	s.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-r.Context().Done():
			return
		}
	}
	if delay != nil {
		time.Sleep(delay(r.URL.Path))
	}
	var n int
	if _, err := fmt.Sscanf(r.URL.Path, "/feed/%d.xml", &n); err != nil {
		http.NotFound(w, r)
		return
	}
	s.mu.Lock()
	count := s.items + s.extra[n]
	s.mu.Unlock()
	body := s.feedBody(n, count)
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	w.Write(body)
}

// scrape reads /metrics with the Prometheus text parser.
func scrape(t *testing.T, addr string) map[string]*dto.MetricFamily {
	t.Helper()
	code, body := httpGet("http://" + addr + "/metrics")
	if code != 200 {
		t.Fatalf("/metrics: status %d\n%s", code, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, body)
	}
	return fams
}

// metricValue returns the value of the series of name whose labels include
// want ("k=v" pairs), summed over the matching series; -1 when there is none.
func metricValue(fams map[string]*dto.MetricFamily, name string, want ...string) float64 {
	f, ok := fams[name]
	if !ok {
		return -1
	}
	total, found := 0.0, false
next:
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		for _, kv := range want {
			k, v, _ := strings.Cut(kv, "=")
			if labels[k] != v {
				continue next
			}
		}
		found = true
		switch {
		case m.Counter != nil:
			total += m.Counter.GetValue()
		case m.Gauge != nil:
			total += m.Gauge.GetValue()
		case m.Histogram != nil:
			total += float64(m.Histogram.GetSampleCount())
		case m.Untyped != nil:
			total += m.Untyped.GetValue()
		}
	}
	if !found {
		return -1
	}
	return total
}

// notifyListener receives what gleaner sends to $NOTIFY_SOCKET.
type notifyListener struct {
	path string
	mu   sync.Mutex
	msgs []string
}

func listenNotify(t *testing.T) *notifyListener {
	t.Helper()
	// Unix socket paths are short; t.TempDir() may be too long.
	dir, err := os.MkdirTemp("", "gn")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	n := &notifyListener{path: filepath.Join(dir, "notify")}
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: n.path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	go func() {
		buf := make([]byte, 4096)
		for {
			k, err := conn.Read(buf)
			if err != nil {
				return
			}
			n.mu.Lock()
			n.msgs = append(n.msgs, string(buf[:k]))
			n.mu.Unlock()
		}
	}()
	return n
}

func (n *notifyListener) messages() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]string(nil), n.msgs...)
}

// has reports whether some message contains every one of parts.
func (n *notifyListener) has(parts ...string) bool {
	for _, m := range n.messages() {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(m, p)
		}
		if ok {
			return true
		}
	}
	return false
}

// countLines counts log lines containing every one of parts.
func countLines(log string, parts ...string) int {
	n := 0
	for _, l := range strings.Split(log, "\n") {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(l, p)
		}
		if ok {
			n++
		}
	}
	return n
}

func writeConfigFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
