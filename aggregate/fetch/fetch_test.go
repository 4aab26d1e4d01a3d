package fetch

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding/korean"
)

const sampleRSS = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>정부 소식</title><link>https://example.org/</link>
<item><title>정부, AI 기본법 시행령 발표</title><link>/news/1</link><guid>n1</guid></item>
</channel></rss>`

// newServer starts an httptest server whose handlers can block on done, which is
// closed before the server shuts down so that Close does not wait for them.
func newServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, <-chan struct{}) {
	t.Helper()
	srv := httptest.NewServer(h)
	done := make(chan struct{})
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(done) })
	return srv, done
}

func asError(t *testing.T, err error) *Error {
	t.Helper()
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *fetch.Error", err, err)
	}
	return fe
}

func TestFetchConditional(t *testing.T) {
	var (
		mu   sync.Mutex
		seen []http.Header
	)
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Clone())
		mu.Unlock()
		if r.Header.Get("If-None-Match") == `"v1"` && r.Header.Get("If-Modified-Since") == "Tue, 03 Mar 2026 01:00:00 GMT" {
			w.Header().Set("Cache-Control", "max-age=300")
			w.WriteHeader(http.StatusNotModified) // no validators repeated
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Tue, 03 Mar 2026 01:00:00 GMT")
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Header().Set("Cache-Control", "public, s-maxage=60, max-age=600")
		io.WriteString(w, sampleRSS)
	})
	c := New(srv.Client(), Options{UserAgent: "gleaner/test (+https://example.org/)"})

	res, err := c.Fetch(context.Background(), Request{URL: srv.URL + "/feed"})
	if err != nil {
		t.Fatalf("first fetch: %v", err)
	}
	if res.Status != 200 || res.NotModified || string(res.Body) != sampleRSS {
		t.Fatalf("first fetch: status %d, not modified %v, body %q", res.Status, res.NotModified, res.Body)
	}
	if res.ETag != `"v1"` || res.LastModified != "Tue, 03 Mar 2026 01:00:00 GMT" {
		t.Errorf("validators = %q, %q", res.ETag, res.LastModified)
	}
	if res.MaxAge != 600*time.Second {
		t.Errorf("MaxAge = %v; want 10m (s-maxage ignored)", res.MaxAge)
	}
	if res.ContentType != "application/rss+xml; charset=utf-8" || res.FinalURL != srv.URL+"/feed" || res.PermanentURL != "" {
		t.Errorf("ContentType %q, FinalURL %q, PermanentURL %q", res.ContentType, res.FinalURL, res.PermanentURL)
	}

	res2, err := c.Fetch(context.Background(), Request{URL: srv.URL + "/feed", ETag: res.ETag, LastModified: res.LastModified})
	if err != nil {
		t.Fatalf("conditional fetch: %v", err)
	}
	if !res2.NotModified || res2.Status != 304 || res2.Body != nil {
		t.Errorf("conditional fetch: status %d, not modified %v, body %q; want 304, no body", res2.Status, res2.NotModified, res2.Body)
	}
	if res2.ETag != `"v1"` || res2.LastModified != "Tue, 03 Mar 2026 01:00:00 GMT" {
		t.Errorf("304 lost the validators: %q, %q", res2.ETag, res2.LastModified)
	}
	if res2.MaxAge != 300*time.Second {
		t.Errorf("304 MaxAge = %v; want 5m", res2.MaxAge)
	}

	mu.Lock()
	defer mu.Unlock()
	first := seen[0]
	if first.Get("If-None-Match") != "" || first.Get("If-Modified-Since") != "" {
		t.Errorf("first request sent validators it did not have: %v", first)
	}
	if ua := first.Get("User-Agent"); ua != "gleaner/test (+https://example.org/)" {
		t.Errorf("User-Agent = %q", ua)
	}
	if ae := first.Get("Accept-Encoding"); !strings.Contains(ae, "gzip") {
		t.Errorf("Accept-Encoding = %q; want gzip", ae)
	}
	if a := first.Get("Accept"); !strings.Contains(a, "application/rss+xml") {
		t.Errorf("Accept = %q", a)
	}
}

func TestFetchGzip(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			io.WriteString(w, sampleRSS)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		io.WriteString(zw, sampleRSS)
		zw.Close()
	})
	res, err := New(srv.Client(), Options{}).Fetch(context.Background(), Request{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	if string(res.Body) != sampleRSS {
		t.Errorf("body = %q; want the decompressed feed", res.Body)
	}
}

func TestFetchDeflate(t *testing.T) {
	for _, raw := range []bool{false, true} {
		t.Run(fmt.Sprintf("raw=%v", raw), func(t *testing.T) {
			srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "deflate")
				var zw io.WriteCloser
				if raw {
					zw, _ = flate.NewWriter(w, flate.DefaultCompression)
				} else {
					zw = zlib.NewWriter(w)
				}
				io.WriteString(zw, sampleRSS)
				zw.Close()
			})
			res, err := New(srv.Client(), Options{}).Fetch(context.Background(), Request{URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			if string(res.Body) != sampleRSS {
				t.Errorf("body = %q; want the inflated feed", res.Body)
			}
		})
	}
}

func TestFetchUnsupportedEncoding(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "br")
		io.WriteString(w, "\x1b\x00")
	})
	_, err := New(srv.Client(), Options{}).Fetch(context.Background(), Request{URL: srv.URL})
	if fe := asError(t, err); fe.Kind != KindDecode || !strings.Contains(err.Error(), `unsupported Content-Encoding "br"`) {
		t.Errorf("got %s %q; want decode, unsupported Content-Encoding", fe.Kind, err)
	}
}

func TestFetchCorruptGzip(t *testing.T) {
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		io.WriteString(w, "this is not gzip at all")
	})
	_, err := New(srv.Client(), Options{}).Fetch(context.Background(), Request{URL: srv.URL})
	if fe := asError(t, err); fe.Kind != KindDecode || fe.Status != 200 {
		t.Errorf("kind %s, status %d; want decode, 200 (%v)", fe.Kind, fe.Status, err)
	}
}

// gzipBomb returns a gzip stream of n MiB of zeros, built as n copies of one
// small gzip member (gzip readers read concatenated members as one stream).
func gzipBomb(t *testing.T, mib int) []byte {
	t.Helper()
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	return bytes.Repeat(member.Bytes(), mib)
}

func TestFetchGzipBomb(t *testing.T) {
	bomb := gzipBomb(t, 1024) // 1 GiB of zeros
	t.Logf("bomb: %d bytes compressed, 1 GiB decompressed", len(bomb))
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(bomb)
	})
	c := New(srv.Client(), Options{}) // default MaxBody, 10 MiB

	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	res, err := c.Fetch(context.Background(), Request{URL: srv.URL})
	runtime.ReadMemStats(&after)

	fe := asError(t, err)
	if fe.Kind != KindTooLarge {
		t.Fatalf("kind %s; want too_large (%v)", fe.Kind, err)
	}
	if want := "body exceeds 10 MiB limit"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q; want it to say %q", err, want)
	}
	if res == nil || res.Status != 200 || res.Body != nil {
		t.Errorf("response %+v; want status 200 and no body", res)
	}
	// Allocated in total during the fetch, server side included: about the cap
	// and the buffer growth, far below the bomb's 1 GiB.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 100<<20 {
		t.Errorf("fetching the bomb allocated %d MiB; want well under 100 MiB", alloc>>20)
	} else {
		t.Logf("allocated %d MiB while reading the bomb", alloc>>20)
	}
}

func TestFetchBodyCap(t *testing.T) {
	big := strings.Repeat("x", 4<<10)
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if chunked {
					w.Write([]byte(big[:2<<10]))
					w.(http.Flusher).Flush()
					w.Write([]byte(big[2<<10:]))
					return
				}
				w.Header().Set("Content-Length", fmt.Sprint(len(big)))
				io.WriteString(w, big)
			})
			_, err := New(srv.Client(), Options{MaxBody: 1 << 10}).Fetch(context.Background(), Request{URL: srv.URL})
			fe := asError(t, err)
			if fe.Kind != KindTooLarge || !strings.Contains(err.Error(), "body exceeds 1 KiB limit") {
				t.Errorf("got %s %q; want too_large, 'body exceeds 1 KiB limit'", fe.Kind, err)
			}
			if !fe.Kind.Transient() {
				t.Errorf("too_large should be transient")
			}
		})
	}
	// Exactly at the cap is fine.
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, big[:1<<10]) })
	res, err := New(srv.Client(), Options{MaxBody: 1 << 10}).Fetch(context.Background(), Request{URL: srv.URL})
	if err != nil || len(res.Body) != 1<<10 {
		t.Errorf("body of exactly MaxBody: %v", err)
	}
}

func TestFetchStatus(t *testing.T) {
	future := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	past := time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat)
	tests := []struct {
		status       int
		retryAfter   string
		kind         Kind
		minRA, maxRA time.Duration
		transient    bool
		wantMsg      string
	}{
		{404, "", KindNotFound, 0, 0, true, "404 Not Found"},
		{410, "", KindGone, 0, 0, false, "410 Gone"},
		{403, "", KindHTTP4xx, 0, 0, true, "403 Forbidden"},
		{500, "", KindHTTP5xx, 0, 0, true, "500 Internal Server Error"},
		{502, "", KindHTTP5xx, 0, 0, true, "502 Bad Gateway"},
		{429, "120", KindRateLimited, 2 * time.Minute, 2 * time.Minute, true, "429 Too Many Requests"},
		{429, "", KindRateLimited, 0, 0, true, "429"},
		{429, "864000", KindRateLimited, 6 * time.Hour, 6 * time.Hour, true, "429"}, // 10 days, capped
		{503, future, KindUnavailable, 59 * time.Minute, time.Hour, true, "503 Service Unavailable"},
		{503, past, KindUnavailable, 0, 0, true, "503"},
		{503, "soon", KindUnavailable, 0, 0, true, "503"},
		{503, "-5", KindUnavailable, 0, 0, true, "503"},
		{404, "120", KindNotFound, 0, 0, true, "404"}, // Retry-After only counts on 429 and 503
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d %s", tt.status, tt.retryAfter), func(t *testing.T) {
			srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.status)
				io.WriteString(w, "<html>error page</html>")
			})
			c := New(srv.Client(), Options{MaxRetryAfter: 6 * time.Hour})
			res, err := c.Fetch(context.Background(), Request{URL: srv.URL + "/feed"})
			fe := asError(t, err)
			if fe.Kind != tt.kind || fe.Status != tt.status {
				t.Errorf("kind %s status %d; want %s %d", fe.Kind, fe.Status, tt.kind, tt.status)
			}
			if fe.RetryAfter < tt.minRA || fe.RetryAfter > tt.maxRA {
				t.Errorf("RetryAfter = %v; want in [%v, %v]", fe.RetryAfter, tt.minRA, tt.maxRA)
			}
			if fe.Kind.Transient() != tt.transient {
				t.Errorf("Transient = %v; want %v", fe.Kind.Transient(), tt.transient)
			}
			if want := "fetch " + srv.URL + "/feed: " + tt.wantMsg; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error %q; want it to start %q", err, want)
			}
			if res == nil || res.Status != tt.status || res.Body != nil {
				t.Errorf("response %+v; want status %d, no body", res, tt.status)
			}
		})
	}
}

// concurrencyServer records the most requests it had in flight at once.
type concurrencyServer struct {
	inFlight, max atomic.Int32
	hold          time.Duration
}

func (s *concurrencyServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for {
		m := s.max.Load()
		if n <= m || s.max.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(s.hold) // long enough for overlapping requests to overlap
	io.WriteString(w, sampleRSS)
}

func TestFetchPerHostLimit(t *testing.T) {
	for _, perHost := range []int{1, 2} {
		t.Run(fmt.Sprintf("PerHost=%d", perHost), func(t *testing.T) {
			cs := &concurrencyServer{hold: 20 * time.Millisecond}
			srv := httptest.NewServer(cs)
			defer srv.Close()
			c := New(srv.Client(), Options{PerHost: perHost})
			var wg sync.WaitGroup
			errs := make(chan error, 12)
			for i := range 12 {
				wg.Go(func() {
					// Different paths on one host:port share the limit.
					_, err := c.Fetch(context.Background(), Request{URL: fmt.Sprintf("%s/feed/%d", srv.URL, i)})
					errs <- err
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("fetch: %v", err)
				}
			}
			if got := int(cs.max.Load()); got > perHost || got < 1 {
				t.Errorf("max in flight on one host = %d; want at most %d", got, perHost)
			}
			if n := len(c.hosts.hosts); n != 0 {
				t.Errorf("host limiter kept %d idle entries", n)
			}
		})
	}
}

// TestFetchPerHostLimitIsPerHost shows that a slow host does not hold up another:
// host A answers only once host B has been reached, with PerHost 1.
func TestFetchPerHostLimitIsPerHost(t *testing.T) {
	bReached := make(chan struct{})
	srvB, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		close(bReached)
		io.WriteString(w, sampleRSS)
	})
	srvA, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-bReached:
		case <-time.After(10 * time.Second):
			http.Error(w, "host B was never reached while A was busy", http.StatusTeapot)
			return
		}
		io.WriteString(w, sampleRSS)
	})
	c := New(http.DefaultClient, Options{PerHost: 1})
	errA := make(chan error, 1)
	go func() {
		_, err := c.Fetch(context.Background(), Request{URL: srvA.URL})
		errA <- err
	}()
	if _, err := c.Fetch(context.Background(), Request{URL: srvB.URL}); err != nil {
		t.Fatalf("fetch B: %v", err)
	}
	if err := <-errA; err != nil {
		t.Fatalf("fetch A: %v", err)
	}
}

// TestFetchPerHostWaitRespectsContext: a caller waiting for a busy host gives up
// when its context ends, with the context's error kind.
func TestFetchPerHostWaitRespectsContext(t *testing.T) {
	entered := make(chan struct{}, 1)
	var done <-chan struct{}
	srv, done := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		select {
		case <-done:
		case <-r.Context().Done():
		}
	})
	c := New(srv.Client(), Options{PerHost: 1, Timeout: time.Minute})
	holdCtx, stopHolding := context.WithCancel(context.Background())
	defer stopHolding()
	go c.Fetch(holdCtx, Request{URL: srv.URL + "/slow"})
	<-entered

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Fetch(ctx, Request{URL: srv.URL + "/other"})
	if fe := asError(t, err); fe.Kind != KindTimeout {
		t.Errorf("deadline while waiting: kind %s; want timeout (%v)", fe.Kind, err)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	_, err = c.Fetch(ctx2, Request{URL: srv.URL + "/other"})
	if fe := asError(t, err); fe.Kind != KindCanceled || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled while waiting: kind %s; want canceled (%v)", fe.Kind, err)
	}
}

func TestFetchRedirects(t *testing.T) {
	var (
		mu        sync.Mutex
		finalSeen http.Header
	)
	mux := http.NewServeMux()
	redirect := func(path, to string, code int) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, code) })
	}
	mux.HandleFunc("/final", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		finalSeen = r.Header.Clone()
		mu.Unlock()
		io.WriteString(w, sampleRSS)
	})
	redirect("/p301", "/p308", 301)
	redirect("/p308", "/final", 308)
	redirect("/mixed", "/t302", 301)
	redirect("/t302", "/final", 302)
	redirect("/t307", "/final", 307)
	redirect("/relative", "final", 301) // resolved against the current URL
	redirect("/loop-a", "/loop-b", 301)
	redirect("/loop-b", "/loop-a", 301)
	redirect("/self", "/self", 302)
	redirect("/ftp", "ftp://example.org/feed.xml", 301)
	redirect("/file", "file:///etc/passwd", 302)
	redirect("/to-404", "/missing", 301)
	redirect("/to-304", "/unchanged", 308)
	// 410 behind a temporary redirect (a maintenance page) is an error like any
	// 4xx; behind a permanent one, the feed is gone.
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) })
	redirect("/t302-gone", "/gone", 302)
	redirect("/p301-gone", "/gone", 301)
	mux.HandleFunc("/unchanged", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotModified) })
	mux.HandleFunc("/no-location", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(301) })
	for i := range 6 {
		redirect(fmt.Sprintf("/chain%d", i), fmt.Sprintf("/chain%d", i+1), 301)
	}
	redirect("/chain6", "/final", 301)
	srv, _ := newServer(t, mux.ServeHTTP)
	c := New(srv.Client(), Options{})
	u := func(p string) string { return srv.URL + p }

	tests := []struct {
		path      string
		kind      Kind // "" for success
		final     string
		permanent string
		msg       string
	}{
		{"/p301", "", "/final", "/final", ""},
		{"/mixed", "", "/final", "", ""},
		{"/t302", "", "/final", "", ""},
		{"/t307", "", "/final", "", ""},
		{"/relative", "", "/final", "/final", ""},
		{"/chain2", "", "/final", "/final", ""},                        // 5 redirects: allowed
		{"/chain1", KindRedirect, "", "", "stopped after 5 redirects"}, // 6: refused
		{"/loop-a", KindRedirect, "", "", "redirect loop"},
		{"/self", KindRedirect, "", "", "redirect loop"},
		{"/ftp", KindRedirect, "", "", "refusing 301 redirect to non-HTTP URL ftp://example.org/feed.xml"},
		{"/file", KindRedirect, "", "", "non-HTTP URL file:///etc/passwd"},
		{"/no-location", KindRedirect, "", "", "redirect without a Location"},
		{"/to-404", KindNotFound, "/missing", "", "404 Not Found"}, // not recorded: the chain ends in an error
		{"/to-304", "", "/unchanged", "/unchanged", ""},
		{"/gone", KindGone, "/gone", "", "410 Gone"},
		{"/p301-gone", KindGone, "/gone", "", "410 Gone"},
		{"/t302-gone", KindHTTP4xx, "/gone", "", "410 Gone"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, err := c.Fetch(context.Background(), Request{URL: u(tt.path), ETag: `"e"`})
			if tt.kind == "" {
				if err != nil {
					t.Fatalf("fetch: %v", err)
				}
				if string(res.Body) != sampleRSS && !res.NotModified {
					t.Errorf("body %q", res.Body)
				}
			} else {
				fe := asError(t, err)
				if fe.Kind != tt.kind || !strings.Contains(err.Error(), tt.msg) {
					t.Fatalf("error %s %q; want %s containing %q", fe.Kind, err, tt.kind, tt.msg)
				}
				if tt.kind == KindRedirect && !strings.HasPrefix(err.Error(), "fetch "+u(tt.path)+": ") {
					t.Errorf("error %q does not name the URL polled", err)
				}
			}
			if tt.final != "" && (res == nil || res.FinalURL != u(tt.final)) {
				t.Errorf("FinalURL = %v; want %s", res, u(tt.final))
			}
			if tt.final != "" {
				want := ""
				if tt.permanent != "" {
					want = u(tt.permanent)
				}
				if res.PermanentURL != want {
					t.Errorf("PermanentURL = %q; want %q", res.PermanentURL, want)
				}
				if res.RequestURL != u(tt.path) {
					t.Errorf("RequestURL = %q", res.RequestURL)
				}
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	if finalSeen.Get("If-None-Match") != `"e"` {
		t.Errorf("validators not sent after a redirect: %v", finalSeen)
	}
}

func TestFetchRedirectLimitOption(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/a", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/b", 302) })
	mux.HandleFunc("/b", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, sampleRSS) })
	srv, _ := newServer(t, mux.ServeHTTP)
	_, err := New(srv.Client(), Options{MaxRedirects: -1}).Fetch(context.Background(), Request{URL: srv.URL + "/a"})
	if fe := asError(t, err); fe.Kind != KindRedirect {
		t.Errorf("MaxRedirects -1: kind %s; want redirect", fe.Kind)
	}
	if _, err := New(srv.Client(), Options{MaxRedirects: 1}).Fetch(context.Background(), Request{URL: srv.URL + "/a"}); err != nil {
		t.Errorf("MaxRedirects 1, one redirect: %v", err)
	}
}

// TestFetchTimeout: servers that stall must not hold a worker past Timeout,
// whether they stall before the headers, after them, or trickle the body.
func TestFetchTimeout(t *testing.T) {
	tests := map[string]func(w http.ResponseWriter, r *http.Request, done <-chan struct{}){
		"no headers": func(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
			select {
			case <-done:
			case <-r.Context().Done():
			}
		},
		"headers then nothing": func(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
			w.Header().Set("Content-Type", "application/rss+xml")
			w.WriteHeader(200)
			io.WriteString(w, "<rss>")
			w.(http.Flusher).Flush()
			select {
			case <-done:
			case <-r.Context().Done():
			}
		},
		"trickle": func(w http.ResponseWriter, r *http.Request, done <-chan struct{}) {
			w.WriteHeader(200)
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-r.Context().Done():
					return
				case <-tick.C:
					io.WriteString(w, " ")
					w.(http.Flusher).Flush()
				}
			}
		},
	}
	for name, h := range tests {
		t.Run(name, func(t *testing.T) {
			var srv *httptest.Server
			var done <-chan struct{}
			srv, done = newServer(t, func(w http.ResponseWriter, r *http.Request) { h(w, r, done) })
			// The shared client's own timeout is long: the Options timeout must act.
			c := New(NewHTTPClient(time.Minute, AddressPolicy{}), Options{Timeout: 300 * time.Millisecond})
			_, err := c.Fetch(context.Background(), Request{URL: srv.URL})
			if fe := asError(t, err); fe.Kind != KindTimeout {
				t.Errorf("kind %s; want timeout (%v)", fe.Kind, err)
			}
			// Said in words, with the deadline; still a deadline for errors.Is.
			if msg := err.Error(); !strings.Contains(msg, "no complete answer within 300ms (the poll timeout)") ||
				strings.Contains(msg, "context deadline exceeded") || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error %q", msg)
			}
		})
	}
}

func TestFetchTransportErrors(t *testing.T) {
	// A port that was just free: nothing listens there.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := l.Addr().String()
	l.Close()

	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, sampleRSS) }))
	defer tlsSrv.Close()

	// Servers that close the connection at once, or in the middle of the body:
	// "other" in the round's log line before, as if the cause were unknown.
	raw := func(answer string) string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				conn, err := l.Accept()
				if err != nil {
					return
				}
				buf := make([]byte, 4096)
				conn.Read(buf)
				io.WriteString(conn, answer)
				conn.Close()
			}
		}()
		return "http://" + l.Addr().String() + "/feed"
	}
	closes := raw("")
	cut := raw("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 5000\r\n\r\n<rss version=\"2.0\"><channel>")

	c := New(NewHTTPClient(5*time.Second, AddressPolicy{}), Options{Timeout: 5 * time.Second})
	tests := []struct {
		url  string
		kind Kind
	}{
		{"http://" + closedAddr + "/feed", KindConnect},
		{closes, KindConnect},
		{cut, KindConnect},
		{tlsSrv.URL, KindTLS}, // self-signed: unknown authority
		{"http://gleaner-test.invalid/feed", KindDNS},
		{"ftp://example.org/feed", KindOther},
		{"not a url at all", KindOther},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			res, err := c.Fetch(context.Background(), Request{URL: tt.url})
			fe := asError(t, err)
			if tt.kind == KindDNS && fe.Kind != KindDNS {
				// Sandboxes without a resolver fail differently; the kind must still
				// not be a success or a status.
				t.Skipf("no DNS here: got %s (%v)", fe.Kind, err)
			}
			if fe.Kind != tt.kind {
				t.Errorf("kind %s; want %s (%v)", fe.Kind, tt.kind, err)
			}
			if res != nil && tt.url != cut { // the cut one's status and headers did arrive
				t.Errorf("response %+v; want nil when nothing arrived", res)
			}
			if !strings.HasPrefix(err.Error(), "fetch ") {
				t.Errorf("error %q should start with 'fetch <url>:'", err)
			}
		})
	}
}

func TestNewDoesNotMutateClient(t *testing.T) {
	hc := NewHTTPClient(10*time.Second, AddressPolicy{})
	New(hc, Options{})
	if hc.CheckRedirect != nil {
		t.Errorf("New changed the shared client's redirect policy")
	}
}

func TestNewHTTPClient(t *testing.T) {
	hc := NewHTTPClient(20*time.Second, AddressPolicy{})
	tr, ok := hc.Transport.(*http.Transport)
	if !ok {
		t.Fatalf("transport is %T", hc.Transport)
	}
	if hc.Timeout != 20*time.Second || tr.ResponseHeaderTimeout != 20*time.Second ||
		tr.TLSHandshakeTimeout != 10*time.Second || tr.Proxy == nil || !tr.ForceAttemptHTTP2 ||
		tr.MaxIdleConnsPerHost == 0 || tr.IdleConnTimeout == 0 || tr.DialContext == nil {
		t.Errorf("client lacks a limit: timeout %v, transport %+v", hc.Timeout, tr)
	}
}

func TestMaxAge(t *testing.T) {
	for cc, want := range map[string]time.Duration{
		"":                              0,
		"max-age=600":                   10 * time.Minute,
		"public, max-age=3600":          time.Hour,
		"s-maxage=60":                   0,
		"s-maxage=60, max-age=120":      2 * time.Minute,
		`max-age="90"`:                  90 * time.Second,
		"MAX-AGE=30":                    30 * time.Second,
		"no-cache, max-age=600":         0,
		"no-store":                      0,
		"max-age=-5":                    0,
		"max-age=abc":                   0,
		"max-age=999999999999999999999": 0,
	} {
		if got := maxAge(cc); got != want {
			t.Errorf("maxAge(%q) = %v; want %v", cc, got, want)
		}
	}
}

// TestFetchThenParseKoreanHTTPCharset is the path the pipeline takes: a Korean
// feed whose charset is given only in the HTTP header, with relative links.
func TestFetchThenParseKoreanHTTPCharset(t *testing.T) {
	doc := strings.Replace(sampleRSS, `<?xml version="1.0" encoding="utf-8"?>`, `<?xml version="1.0"?>`, 1)
	body, err := korean.EUCKR.NewEncoder().Bytes([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml; charset=ks_c_5601-1987")
		w.Write(body)
	})
	c := New(srv.Client(), Options{})
	res, err := c.Fetch(context.Background(), Request{URL: srv.URL + "/rss"})
	if err != nil {
		t.Fatal(err)
	}
	feed, err := c.Parse(res.Body, res.ContentType, res.FinalURL)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if feed.Title != "정부 소식" || len(feed.Items) != 1 || feed.Items[0].Title != "정부, AI 기본법 시행령 발표" {
		t.Errorf("title %q, items %d", feed.Title, len(feed.Items))
	}
}

// TestRedirectWaitForASlotIsNotCharged: a feed redirected to its own host
// waits for the host's slot after the redirect as before the first request,
// without that wait counting against its timeout. Another feed of the host
// that held the slot to its own timeout had the redirected feed charged a
// timeout it never caused ("wait for a free slot ...: context deadline exceeded").
func TestRedirectWaitForASlotIsNotCharged(t *testing.T) {
	hangStarted := make(chan struct{})
	var once sync.Once
	mux := http.NewServeMux()
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		<-hangStarted // the other feed waits for the slot: it gets it next
		http.Redirect(w, r, "/target", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/target", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<rss version="2.0"><channel><title>t</title></channel></rss>`)
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := New(srv.Client(), Options{PerHost: 1, Timeout: time.Second})
	moved := make(chan error, 1)
	go func() {
		_, err := c.Fetch(context.Background(), Request{URL: srv.URL + "/moved"})
		moved <- err
	}()
	// The hanging feed asks once /moved holds the slot, and waits for it.
	time.Sleep(100 * time.Millisecond)
	go func() {
		go func() { time.Sleep(100 * time.Millisecond); once.Do(func() { close(hangStarted) }) }()
		c.Fetch(context.Background(), Request{URL: srv.URL + "/hang"})
	}()
	if err := <-moved; err != nil {
		t.Errorf("the redirected feed: %v", err)
	}
}
