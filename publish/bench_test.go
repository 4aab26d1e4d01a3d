package publish

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

// benchEntries makes n distinct entries from the fixtures' shapes.
func benchEntries(n int) []aggregate.Entry {
	base := fixtureEntries()
	out := make([]aggregate.Entry, 0, n)
	for i := range n {
		e := base[i%len(base)]
		e.ID = fmt.Sprintf("urn:uuid:00000000-0000-5000-8000-%012d", i)
		e.Item.URL = fmt.Sprintf("%s?n=%d", e.Item.URL, i)
		e.Item.Title = fmt.Sprintf("%s (%d)", e.Item.Title, i)
		e.Item.Published = e.Item.Published.Add(-time.Duration(i) * time.Hour)
		out = append(out, e)
	}
	return out
}

// benchHandler is the Handler with the default rendering of 100 entries cached,
// and the Atom bytes it serves.
func benchHandler(b *testing.B) (*Handler, []byte, string) {
	b.Helper()
	h, _ := newTestHandler(b, fixtureOptions(), benchEntries(100))
	resp := get(b, h, "GET", "/feed.atom")
	return h, body(b, resp), resp.Header.Get("ETag")
}

// loopback measures h through a real server and one keep-alive connection. The
// client does not ask for gzip, so the cached handler and the plain one send the
// same bytes; BenchmarkServeAtom/loopback-gzip shows the compressed case.
func loopback(b *testing.B, h http.Handler, header http.Header) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	req, err := http.NewRequest("GET", srv.URL+"/feed.atom", nil)
	if err != nil {
		b.Fatal(err)
	}
	req.Header = header
	var n int64
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		m, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 && resp.StatusCode != 304 {
			b.Fatalf("status %d", resp.StatusCode)
		}
		n += m
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	b.SetBytes(n / int64(b.N))
}

// recorder measures h.ServeHTTP directly, without the network.
func recorder(b *testing.B, h http.Handler, header http.Header) {
	req := httptest.NewRequest("GET", "/feed.atom", nil)
	req.Header = header
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 && w.Code != 304 {
			b.Fatalf("status %d", w.Code)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkServeAtom serves the cached /feed.atom of 100 entries.
func BenchmarkServeAtom(b *testing.B) {
	h, _, _ := benchHandler(b)
	b.Run("loopback", func(b *testing.B) { loopback(b, h, http.Header{}) })
	b.Run("loopback-gzip", func(b *testing.B) { loopback(b, h, http.Header{"Accept-Encoding": {"gzip"}}) })
	b.Run("recorder", func(b *testing.B) { recorder(b, h, http.Header{}) })
}

// BenchmarkServe304 answers a revalidation of the cached /feed.atom.
func BenchmarkServe304(b *testing.B) {
	h, _, etag := benchHandler(b)
	hdr := http.Header{"If-None-Match": {etag}}
	b.Run("loopback", func(b *testing.B) { loopback(b, h, hdr) })
	b.Run("recorder", func(b *testing.B) { recorder(b, h, hdr) })
}

// BenchmarkServePlain writes the same Atom bytes from a plain handler: the
// baseline the cached handler is compared with.
func BenchmarkServePlain(b *testing.B) {
	_, atom, _ := benchHandler(b)
	plain := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(atom) })
	b.Run("loopback", func(b *testing.B) { loopback(b, plain, http.Header{}) })
	b.Run("recorder", func(b *testing.B) { recorder(b, plain, http.Header{}) })
}

// BenchmarkRender is the cost of one change: re-reading 100 entries and
// rendering and compressing every format.
func BenchmarkRender(b *testing.B) {
	h, st := newTestHandler(b, fixtureOptions(), benchEntries(100))
	entries := benchEntries(100)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		entries[0].Updated = t0.Add(time.Duration(i) * time.Second)
		st.set(entries)
		if _, err := h.Refresh(b.Context()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServeAtomVsPlain alternates one request to the cached handler and one to
// the plain handler, over two loopback servers, timing each side on its own. On a
// busy machine the separate benchmarks above drift with the load; interleaving
// exposes both to the same load, so the ratio it reports is the stable figure.
func BenchmarkServeAtomVsPlain(b *testing.B) {
	h, atom, _ := benchHandler(b)
	plain := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(atom) })
	cachedSrv, plainSrv := httptest.NewServer(h), httptest.NewServer(plain)
	defer cachedSrv.Close()
	defer plainSrv.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 1}}
	defer client.CloseIdleConnections()
	do := func(url string) time.Duration {
		start := time.Now()
		resp, err := client.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return time.Since(start)
	}
	var cached, base time.Duration
	b.ResetTimer()
	for b.Loop() {
		cached += do(cachedSrv.URL + "/feed.atom")
		base += do(plainSrv.URL + "/feed.atom")
	}
	b.ReportMetric(float64(b.N)/cached.Seconds(), "cached-req/s")
	b.ReportMetric(float64(b.N)/base.Seconds(), "plain-req/s")
	b.ReportMetric(base.Seconds()/cached.Seconds(), "cached/plain")
}
