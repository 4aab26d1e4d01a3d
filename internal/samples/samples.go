// Package samples serves the sample feeds of testdata/feeds on loopback, as a
// stand-in for real sites in `gleaner demo` and in the end-to-end tests.
package samples

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Server serves the sample feeds of a directory. Dates in
// the files are written relative to when the server started ({{rfc822 -2h}},
// {{rfc3339 -2h}}, {{kst -2h}}), so the samples are always recent, and stay the same
// for as long as the server runs. {{host}} is the server's host:port.
type Server struct {
	dir   string
	base  time.Time
	host  string
	files map[string][]byte // name -> rendered body
}

var placeholderRE = regexp.MustCompile(`\{\{(host|rfc822|rfc3339|kst)(?: ([-+]?\d+[hm]))?\}\}`)

// NewServer renders the sample feeds of dir for a server at host (host:port),
// dated relative to base.
func NewServer(dir string, base time.Time, host string) (*Server, error) {
	s := &Server{dir: dir, base: base.Truncate(time.Minute), host: host, files: map[string][]byte{}}
	names, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil {
		return nil, err
	}
	jsonNames, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	names = append(names, jsonNames...)
	if len(names) == 0 {
		return nil, fmt.Errorf("no sample feeds (*.xml, *.json) in %s", dir)
	}
	kst := time.FixedZone("KST", 9*3600)
	for _, n := range names {
		raw, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out := placeholderRE.ReplaceAllFunc(raw, func(m []byte) []byte {
			sub := placeholderRE.FindSubmatch(m)
			var off time.Duration
			if len(sub[2]) > 0 {
				off, _ = time.ParseDuration(string(sub[2]))
			}
			t := s.base.Add(off)
			switch string(sub[1]) {
			case "host":
				return []byte(host)
			case "rfc822":
				return []byte(t.UTC().Format(time.RFC1123Z))
			case "rfc3339":
				return []byte(t.UTC().Format(time.RFC3339))
			default: // kst: a zone name gofeed would read as UTC
				return []byte(t.In(kst).Format("Mon, 02 Jan 2006 15:04:05 MST"))
			}
		})
		s.files[filepath.Base(n)] = out
	}
	return s, nil
}

// Names lists the served files in order.
func (s *Server) Names() []string {
	var out []string
	for n := range s.files {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ServeHTTP serves /NAME with an ETag, answering If-None-Match with 304.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/")
	body, ok := s.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	ct := "application/rss+xml"
	switch {
	case strings.HasSuffix(name, ".json"):
		ct = "application/feed+json"
	case strings.Contains(name, "atom"):
		ct = "application/atom+xml"
	}
	w.Header().Set("Content-Type", ct)
	w.Write(body)
}

// SourceName turns a sample file name into a source name: "ko-etnews-utf8.xml" -> "etnews".
func SourceName(file string) string {
	parts := strings.Split(strings.TrimSuffix(strings.TrimSuffix(file, ".xml"), ".json"), "-")
	if len(parts) >= 2 {
		return parts[1]
	}
	return parts[0]
}

// Start listens on a free loopback port and serves dir until ctx ends; it
// returns the server and its base URL.
func Start(ctx context.Context, dir string) (*Server, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	host := ln.Addr().String()
	s, err := NewServer(dir, time.Now(), host)
	if err != nil {
		ln.Close()
		return nil, "", err
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	return s, "http://" + host + "/", nil
}
