package publish

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// doc is one rendered document held in memory with everything a response needs,
// computed once when it is rendered: the bytes, their gzip form, validators and
// the header values. Serving it copies a few slices into the header map and writes.
type doc struct {
	body, gz     []byte
	etag, etagGz string
	lastMod      time.Time // zero when the document has no date (OPML)
	updated      time.Time // the feed-level updated it says, kept so the next never says earlier
	newest       time.Time // its entries' newest date
	asOf         time.Time // when its relative times were written; zero when it has none

	hdr, hdrGz, hdr304, hdr304Gz http.Header
}

// etagOf is the strong ETag of body.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// size is the memory d's bytes take, both codings.
func (d *doc) size() int64 { return int64(len(d.body) + len(d.gz)) }

// validator is what outlives a dropped rendering: enough to keep Last-Modified
// moving forward when the bytes change.
type validator struct {
	etag    string
	lastMod time.Time
	updated time.Time // the feed-level updated the document said (Atom, RSS), zero if none
	newest  time.Time // its entries' newest date, from which updated was made
}

func (d *doc) validator() *validator {
	if d == nil {
		return nil
	}
	return &validator{etag: d.etag, lastMod: d.lastMod, updated: d.updated, newest: d.newest}
}

// newDoc wraps body for serving. lastMod is the newest entry's first sighting
// (no earlier than Handler.since when there is no prev: see lastModFloor);
// prev, when given, is the previous rendering of the same URL: unchanged bytes keep
// its date, and changed bytes never get an older or equal one (an entry dropping out
// changes the feed without a newer item), so If-Modified-Since stays truthful.
// level is the gzip level: gzip.BestCompression for documents served until the
// feed changes, less for query variants, which may be evicted soon.
func newDoc(body []byte, contentType string, lastMod time.Time, prev *validator, now time.Time, extra http.Header, level int) *doc {
	tag := etagOf(body)
	d := &doc{body: body, etag: tag, etagGz: strings.TrimSuffix(tag, `"`) + `-gz"`}

	lastMod = lastMod.UTC().Truncate(time.Second)
	if prev != nil {
		switch {
		case prev.etag == d.etag:
			lastMod = prev.lastMod
		case !prev.lastMod.IsZero() && !lastMod.After(prev.lastMod):
			lastMod = latest(now.UTC().Truncate(time.Second), prev.lastMod.Add(time.Second))
		}
	}
	d.lastMod = lastMod

	// Compressed once here, never per request. Tiny documents are not worth it.
	if len(body) > 512 {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, level)
		zw.Write(body)
		zw.Close()
		if buf.Len() < len(body) {
			d.gz = buf.Bytes()
		}
	}

	common := http.Header{"Content-Type": {contentType}}
	for k, v := range extra {
		common[k] = v
	}
	if !d.lastMod.IsZero() {
		common["Last-Modified"] = []string{d.lastMod.Format(http.TimeFormat)}
	}
	if d.gz != nil {
		vary := common["Vary"]
		common["Vary"] = append(vary[:len(vary):len(vary)], "Accept-Encoding")
	}
	d.hdr = withHeaders(common, "Etag", d.etag, "Content-Length", strconv.Itoa(len(d.body)))
	d.hdr304 = withHeaders(common, "Etag", d.etag)
	if d.gz != nil {
		d.hdrGz = withHeaders(common, "Etag", d.etagGz, "Content-Length", strconv.Itoa(len(d.gz)), "Content-Encoding", "gzip")
		d.hdr304Gz = withHeaders(common, "Etag", d.etagGz)
	}
	delete(d.hdr304, "Content-Type")
	delete(d.hdr304Gz, "Content-Type")
	return d
}

// withHeaders copies h and sets the given key/value pairs. Every value slice has
// cap == len, so that a middleware appending to one cannot write into another
// response's header.
func withHeaders(h http.Header, kv ...string) http.Header {
	out := make(http.Header, len(h)+len(kv)/2)
	for k, v := range h {
		out[k] = v[:len(v):len(v)]
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = []string{kv[i+1]}
	}
	return out
}

// serve answers a GET or HEAD for d, with 304 when the client's validators match.
func (d *doc) serve(w http.ResponseWriter, r *http.Request) {
	gz := d.gz != nil && acceptsGzip(r.Header["Accept-Encoding"])
	h := w.Header()
	if d.notModified(r) {
		src := d.hdr304
		if gz {
			src = d.hdr304Gz
		}
		for k, v := range src {
			h[k] = v
		}
		w.WriteHeader(http.StatusNotModified)
		return
	}
	src, body := d.hdr, d.body
	if gz {
		src, body = d.hdrGz, d.gz
	}
	for k, v := range src {
		h[k] = v
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// notModified applies RFC 9110 section 13.1: If-None-Match (weak comparison, and
// either coding's tag matches, as both are the same content) and, only without it,
// If-Modified-Since.
func (d *doc) notModified(r *http.Request) bool {
	if inm := r.Header["If-None-Match"]; len(inm) > 0 {
		for _, v := range inm {
			for v != "" {
				var t string
				t, v, _ = strings.Cut(v, ",")
				t = strings.TrimSpace(t)
				t = strings.TrimPrefix(t, "W/")
				if t == "*" || t == d.etag || t == d.etagGz {
					return true
				}
			}
		}
		return false
	}
	ims := r.Header.Get("If-Modified-Since")
	if ims == "" || d.lastMod.IsZero() {
		return false
	}
	// A date later than the clock is not one this server sent (RFC 9110
	// 13.1.3): a reader that sends its own skewed clock gets the document.
	t, err := http.ParseTime(ims)
	return err == nil && !t.After(time.Now()) && !d.lastMod.After(t)
}

// acceptsGzip reads Accept-Encoding: gzip (or x-gzip, or *) with a non-zero
// quality; an explicit gzip;q=0 wins over a wildcard.
func acceptsGzip(vals []string) bool {
	wildcard := false
	for _, v := range vals {
		for v != "" {
			var part string
			part, v, _ = strings.Cut(v, ",")
			name, params, _ := strings.Cut(part, ";")
			name = strings.TrimSpace(name)
			switch {
			case strings.EqualFold(name, "gzip"), strings.EqualFold(name, "x-gzip"):
				return !qZero(params)
			case name == "*":
				wildcard = !qZero(params)
			}
		}
	}
	return wildcard
}

func qZero(params string) bool {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return err == nil && q == 0
		}
	}
	return false
}
