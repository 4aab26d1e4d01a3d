package feeds

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// doc is one rendered feed document with its validator and gzip form.
type doc struct {
	body, gz    []byte
	etag        string
	contentType string
}

func newDoc(body []byte, contentType string) *doc {
	h := fnv.New64a()
	h.Write(body)
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.DefaultCompression)
	zw.Write(body)
	zw.Close()
	return &doc{body: body, gz: buf.Bytes(), etag: fmt.Sprintf(`"%016x"`, h.Sum64()), contentType: contentType}
}

// Server serves a corpus on loopback: feed i at URL(i), each host (listener)
// with its own port, so that a per-host politeness limit sees distinct sites.
// Documents are rendered and gzipped before serving, so that the server costs
// its clients as little CPU as possible. It answers If-None-Match with 304,
// and gzip when asked for it.
type Server struct {
	c     *Corpus
	hosts int
	srv   *http.Server
	lns   []net.Listener
	urls  []string

	mu    sync.RWMutex
	docs  []*doc
	shift []int

	requests, notModified, bytesSent atomic.Int64

	// inFlight counts each host's requests being served; maxInFlight is the
	// most one host has had at once, which a client's per-host limit bounds.
	inFlight    []atomic.Int32
	maxInFlight atomic.Int32
}

// Serve renders every feed of c and starts serving them on hosts loopback
// listeners (feed i on listener i % hosts; hosts <= 0 means one per feed).
// Close stops it.
func Serve(c *Corpus, hosts int) (*Server, error) {
	if hosts <= 0 || hosts > c.Len() {
		hosts = c.Len()
	}
	s := &Server{c: c, hosts: hosts, docs: make([]*doc, c.Len()), shift: make([]int, c.Len()), inFlight: make([]atomic.Int32, hosts)}
	s.renderAll(nil)
	s.srv = &http.Server{Handler: s}
	for range hosts {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("feeds: listen: %w", err)
		}
		s.lns = append(s.lns, ln)
		go s.srv.Serve(ln)
	}
	s.urls = make([]string, c.Len())
	for i := range c.Len() {
		o := c.Outlet(i)
		ext := map[Format]string{RSS: "rss.xml", Atom: "atom.xml", JSON: "feed.json"}[o.Format]
		s.urls[i] = fmt.Sprintf("http://%s/feeds/%d/%s", s.lns[i%hosts].Addr(), i, ext)
	}
	return s, nil
}

// renderAll renders the feeds listed (all when nil) in parallel.
func (s *Server) renderAll(which []int) {
	if which == nil {
		which = make([]int, s.c.Len())
		for i := range which {
			which[i] = i
		}
	}
	out := make([]*doc, len(which))
	var wg sync.WaitGroup
	next := atomic.Int64{}
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for {
				j := int(next.Add(1) - 1)
				if j >= len(which) {
					return
				}
				s.mu.RLock()
				shift := s.shift[which[j]]
				s.mu.RUnlock()
				out[j] = newDoc(s.c.Render(which[j], shift))
			}
		})
	}
	wg.Wait()
	s.mu.Lock()
	for j, i := range which {
		s.docs[i] = out[j]
	}
	s.mu.Unlock()
}

// URL is the address of feed i.
func (s *Server) URL(i int) string { return s.urls[i] }

// URLs lists every feed's address, in outlet order.
func (s *Server) URLs() []string { return append([]string(nil), s.urls...) }

// Advance makes every nth feed (0, n, 2n, ...) gain NewPerChange new items,
// dropping as many old ones, with a new ETag. It returns the feeds changed.
func (s *Server) Advance(n int) []int {
	var changed []int
	s.mu.Lock()
	for i := 0; i < s.c.Len(); i += n {
		if s.shift[i] < maxShift {
			s.shift[i]++
			changed = append(changed, i)
		}
	}
	s.mu.Unlock()
	s.renderAll(changed)
	return changed
}

// Reset undoes every Advance.
func (s *Server) Reset() {
	var changed []int
	s.mu.Lock()
	for i, sh := range s.shift {
		if sh != 0 {
			s.shift[i] = 0
			changed = append(changed, i)
		}
	}
	s.mu.Unlock()
	s.renderAll(changed)
}

// Size is the total size of the documents as served uncompressed, and of their
// gzip forms.
func (s *Server) Size() (plain, gz int64) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, d := range s.docs {
		plain += int64(len(d.body))
		gz += int64(len(d.gz))
	}
	return plain, gz
}

// Doc returns feed i's current document.
func (s *Server) Doc(i int) []byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.docs[i].body
}

// Stats counts requests served, 304 answers among them, and body bytes sent.
func (s *Server) Stats() (requests, notModified, bytes int64) {
	return s.requests.Load(), s.notModified.Load(), s.bytesSent.Load()
}

// MaxInFlightPerHost is the most requests one host has served at once.
func (s *Server) MaxInFlightPerHost() int { return int(s.maxInFlight.Load()) }

// Close stops serving.
func (s *Server) Close() error {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.srv.Shutdown(ctx)
	if errors.Is(err, context.Canceled) {
		err = s.srv.Close()
	}
	return err
}

// ServeHTTP serves /feeds/{i}/{name}.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	rest, ok := strings.CutPrefix(r.URL.Path, "/feeds/")
	num, _, _ := strings.Cut(rest, "/")
	i, err := strconv.Atoi(num)
	if !ok || err != nil || i < 0 || i >= s.c.Len() {
		http.NotFound(w, r)
		return
	}
	host := &s.inFlight[i%s.hosts]
	for n := host.Add(1); ; {
		m := s.maxInFlight.Load()
		if n <= m || s.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	defer host.Add(-1)
	s.mu.RLock()
	d := s.docs[i]
	s.mu.RUnlock()
	h := w.Header()
	h["Etag"] = []string{d.etag}
	if inm := r.Header.Get("If-None-Match"); inm != "" && inm == d.etag {
		s.notModified.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = []string{d.contentType}
	h["Vary"] = []string{"Accept-Encoding"}
	body := d.body
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		body = d.gz
		h["Content-Encoding"] = []string{"gzip"}
	}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(http.StatusOK)
	w.Write(body)
	s.bytesSent.Add(int64(len(body)))
}
