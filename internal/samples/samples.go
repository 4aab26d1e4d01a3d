// Package samples serves sample feeds on loopback, as a stand-in for real
// sites: the demo's, embedded in the binary (`gleaner demo`), or a
// directory's, such as testdata/feeds (the end-to-end tests).
package samples

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html/template"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/gleaner/gleaner/aggregate/sanitize"
	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html/charset"
)

//go:embed demo
var demo embed.FS

// Demo returns the demo's sample feeds: several made-up outlets, in Korean and
// English, reporting some of the same events, and news that is not about AI
// policy beside them.
func Demo() fs.FS {
	sub, err := fs.Sub(demo, "demo")
	if err != nil {
		panic(err) // the directory is embedded
	}
	return sub
}

// Server serves sample feeds. Dates in
// the files are written relative to when the server started ({{rfc822 -2h}},
// {{rfc3339 -2h}}, {{kst -2h}}), so the samples are always recent, and stay the same
// for as long as the server runs. {{host}} is the server's host:port.
type Server struct {
	base     time.Time
	host     string
	files    map[string][]byte  // name -> rendered body
	articles map[string]article // path of an item's link on this host -> the item
}

// article is what the page at a sample item's link shows: the demo's outlets are
// made up, but a reader who follows a link from the curated feed lands on a page.
type article struct{ outlet, title, summary string }

var placeholderRE = regexp.MustCompile(`\{\{(host|rfc822|rfc3339|kst)(?: ([-+]?\d+[hm]))?\}\}`)

// NewServer renders the sample feeds of directory dir for a server at host
// (host:port), dated relative to base.
func NewServer(dir string, base time.Time, host string) (*Server, error) {
	return NewServerFS(os.DirFS(dir), base, host)
}

// NewServerFS is NewServer of the feeds at the top of fsys.
func NewServerFS(fsys fs.FS, base time.Time, host string) (*Server, error) {
	s := &Server{base: base.Truncate(time.Minute), host: host, files: map[string][]byte{}}
	names, err := fs.Glob(fsys, "*.xml")
	if err != nil {
		return nil, err
	}
	jsonNames, _ := fs.Glob(fsys, "*.json")
	names = append(names, jsonNames...)
	if len(names) == 0 {
		return nil, fmt.Errorf("no sample feeds (*.xml, *.json) in %v", fsys)
	}
	kst := time.FixedZone("KST", 9*3600)
	for _, n := range names {
		raw, err := fs.ReadFile(fsys, n)
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
		s.files[path.Base(n)] = out
	}
	s.articles = map[string]article{}
	p := gofeed.NewParser()
	for _, body := range s.files {
		f, err := p.Parse(bytes.NewReader(body))
		if err != nil {
			continue
		}
		// The outlet's own page (its feed's link, an entry's author link), then
		// its items'.
		if u, err := url.Parse(f.Link); err == nil && u.Host == host {
			s.articles[strings.TrimSuffix(u.Path, "/")] = article{outlet: "gleaner demo", title: f.Title, summary: f.Description}
		}
		for _, it := range f.Items {
			if u, err := url.Parse(it.Link); err == nil && u.Host == host {
				s.articles[u.Path] = article{outlet: f.Title, title: it.Title, summary: it.Description}
			}
		}
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
		s.serveArticle(w, r)
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

// articlePage is the page at a sample item's link, and (404) at any other path.
var articlePage = template.Must(template.New("a").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{if .Title}}{{.Title}}{{else}}Not a sample article{{end}}</title></head>
<body>{{if .Title}}<p>{{.Outlet}}</p><h1>{{.Title}}</h1><p>{{.Summary}}</p>
<p><em>A made-up article of gleaner's demo: its outlets and their news are samples, served from this machine.</em></p>
{{else}}<h1>Not a sample article</h1><p>gleaner's demo serves its sample feeds and the articles they link here; this address is none of them.</p>{{end}}
</body></html>
`))

func (s *Server) serveArticle(w http.ResponseWriter, r *http.Request) {
	a, ok := s.articles[r.URL.Path]
	if !ok && r.URL.Path != "/" {
		a, ok = s.articles[strings.TrimSuffix(r.URL.Path, "/")]
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if !ok {
		w.WriteHeader(http.StatusNotFound)
	}
	articlePage.Execute(w, struct{ Outlet, Title, Summary string }{a.outlet, a.title, sanitize.Text(a.summary)})
}

// Title is the title a served feed gives itself (its channel's or feed's
// first <title>, or JSON Feed's "title"), "" when it has none.
func (s *Server) Title(name string) string {
	body := s.files[name]
	if strings.HasSuffix(name, ".json") {
		var f struct{ Title string }
		if json.Unmarshal(body, &f) == nil {
			return strings.TrimSpace(f.Title)
		}
		return ""
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.CharsetReader = charset.NewReaderLabel
	for {
		tok, err := dec.Token()
		if err != nil {
			return "" // io.EOF: no title
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "title" {
			var t string
			if dec.DecodeElement(&t, &se) != nil {
				return ""
			}
			return strings.TrimSpace(t)
		}
	}
}

// SourceName turns a sample file name into a source name: "ko-etnews-utf8.xml" -> "etnews".
func SourceName(file string) string {
	parts := strings.Split(strings.TrimSuffix(strings.TrimSuffix(file, ".xml"), ".json"), "-")
	if len(parts) >= 2 {
		return parts[1]
	}
	return parts[0]
}

// Start listens on a free loopback port and serves the feeds of directory dir
// until ctx ends; it returns the server and its base URL.
func Start(ctx context.Context, dir string) (*Server, string, error) {
	return StartFS(ctx, os.DirFS(dir))
}

// StartFS is Start of the feeds at the top of fsys.
func StartFS(ctx context.Context, fsys fs.FS) (*Server, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	host := ln.Addr().String()
	s, err := NewServerFS(fsys, time.Now(), host)
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
