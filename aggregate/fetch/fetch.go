// Package fetch owns one HTTP poll of a feed: the conditional GET with every
// politeness and safety limit (per-host concurrency, redirects, timeouts, a cap on
// the decompressed body, Retry-After), decoding the body to UTF-8 once, and
// parsing it with gofeed. It keeps no state between polls beyond the per-host
// limit: validators, backoff and the current URL belong to the caller.
package fetch

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"
)

// Options tune a Client. Zero values take the defaults named on each field.
type Options struct {
	UserAgent     string        // "gleaner/<version> (+https://...)", set by main; default "gleaner"
	Timeout       time.Duration // whole request including the body and redirects (default 30s)
	MaxBody       int64         // bytes after content decoding (default 10 MiB)
	MaxItems      int           // items kept from one document, the first in document order (default 500)
	PerHost       int           // requests in flight per host:port (default 1), on top of the caller's global limit
	MaxRedirects  int           // redirects followed (default 5; negative follows none)
	MaxRetryAfter time.Duration // cap on Retry-After (default 24h)
	// HoldAfterTimeout holds a host that let a request time out for a
	// minute (or Timeout), so that its other feeds, queued for its slot, are
	// not each made to wait the whole timeout (holdSilent). For a daemon,
	// which asks them again a minute later; a one-shot command (cron's
	// fetch, an import) has no later, and would never ask them.
	HoldAfterTimeout bool
}

// Defaults for Options.
const (
	DefaultTimeout       = 30 * time.Second
	DefaultMaxBody       = 10 << 20
	DefaultMaxItems      = 500
	DefaultPerHost       = 1
	DefaultMaxRedirects  = 5
	DefaultMaxRetryAfter = 24 * time.Hour
)

func (o Options) withDefaults() Options {
	if o.UserAgent == "" {
		o.UserAgent = "gleaner"
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.MaxItems <= 0 {
		o.MaxItems = DefaultMaxItems
	}
	if o.PerHost <= 0 {
		o.PerHost = DefaultPerHost
	}
	switch {
	case o.MaxRedirects == 0:
		o.MaxRedirects = DefaultMaxRedirects
	case o.MaxRedirects < 0:
		o.MaxRedirects = 0
	}
	if o.MaxRetryAfter <= 0 {
		o.MaxRetryAfter = DefaultMaxRetryAfter
	}
	return o
}

// NewHTTPClient builds the one shared *http.Client main injects everywhere, with a
// bound on every phase so that no peer can hold a connection open forever: dial,
// TLS handshake, response headers, and (as Client.Timeout) the whole exchange.
// Its dialer refuses the addresses policy refuses. HTTP/2 is allowed and the
// proxy comes from the environment.
func NewHTTPClient(timeout time.Duration, policy AddressPolicy) *http.Client {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	dialer := policy.dialer(net.Dialer{Timeout: min(timeout, 10*time.Second), KeepAlive: 30 * time.Second})
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                  http.ProxyFromEnvironment,
			DialContext:            dialer.DialContext,
			ForceAttemptHTTP2:      true,
			TLSHandshakeTimeout:    min(timeout, 10*time.Second),
			ResponseHeaderTimeout:  timeout,
			ExpectContinueTimeout:  time.Second,
			MaxIdleConns:           100,
			MaxIdleConnsPerHost:    4,
			IdleConnTimeout:        90 * time.Second,
			MaxResponseHeaderBytes: 1 << 20,
		},
	}
}

// Client polls feeds. It is safe for concurrent use; share one across workers so
// that the per-host limit holds across them.
type Client struct {
	hc     *http.Client
	o      Options
	hosts  *hostLimiter
	parser *gofeed.Parser
	now    func() time.Time
}

// New returns a Client that sends requests through hc (when nil, NewHTTPClient's
// with the default AddressPolicy).
// It follows redirects itself, on a copy of hc, so hc is not changed.
func New(hc *http.Client, o Options) *Client {
	o = o.withDefaults()
	if hc == nil {
		hc = NewHTTPClient(o.Timeout, AddressPolicy{})
	}
	own := *hc
	own.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &Client{
		hc:     &own,
		o:      o,
		hosts:  newHostLimiter(o.PerHost),
		parser: newParser(),
		now:    time.Now,
	}
}

// newParser returns gofeed's parser without its search of every RSS item's
// HTML for a first image (an HTML parse of each description and content, a
// quarter of the parse time of a news feed): gleaner does not use Item.Image.
// An image given as itunes:image, media:content or an enclosure is still read.
// Its translators keep the outlet an aggregator's item names (see Origin).
func newParser() *gofeed.Parser {
	p := gofeed.NewParser()
	p.RSSTranslator = &originRSS{gofeed.DefaultRSSTranslator{DisableContentImageScan: true}}
	p.AtomTranslator = &originAtom{}
	p.JSONTranslator = &plainJSON{}
	return p
}

// Request is one poll of a source.
type Request struct {
	URL          string // the URL to poll: the source's current URL
	ETag         string // validators from the last successful poll
	LastModified string
}

// Response is what a poll brought back.
type Response struct {
	RequestURL string
	FinalURL   string // after redirects: the base for relative links
	// PermanentURL is set when every redirect from RequestURL was a 301 or 308
	// and the final answer was 2xx or 304: later polls should use it. A chain
	// that ends in an error is not recorded, so that a site redirecting its feed
	// to a broken page does not lose gleaner the URL that works again after the
	// fix. (A 200 that is not a feed, such as a home page, is only seen by Parse:
	// adopt the URL after a successful parse.)
	PermanentURL string
	Status       int
	NotModified  bool // 304: no body, nothing to parse
	// ETag and LastModified are the validators to send next time. On a 304 that
	// repeats none, they are the request's own.
	ETag, LastModified string
	MaxAge             time.Duration // Cache-Control max-age (s-maxage ignored), 0 if none; not capped
	ContentType        string
	Body               []byte // as received, after gzip; nil on 304
	Duration           time.Duration

	pooled bool // Body's array came from bodyPool and may go back with Release
}

// bodyPool holds read buffers between fetches: a round reads a thousand bodies
// of tens of KB each, and reusing buffers spares growing a new one for each.
// Buffers past maxPooledBody are left to the GC, so that one huge feed does not
// keep its memory.
var bodyPool interface {
	Get() any
	Put(any)
} = new(sync.Pool)

const maxPooledBody = 1 << 20

// Release hands Body's buffer back for a later fetch. Call it once nothing
// refers to Body any more (the feed has been parsed: gofeed copies what it
// keeps); Body is nil afterwards. Releasing a Response not made by Fetch, or
// twice, does nothing.
func (r *Response) Release() {
	if r == nil || !r.pooled {
		return
	}
	if b := r.Body; cap(b) <= maxPooledBody {
		b = b[:0]
		bodyPool.Put(&b)
	}
	r.Body, r.pooled = nil, false
}

// acceptHeader asks for feeds first, then anything: some servers send feeds as
// text/html, and Parse says so clearly when it is a page.
const acceptHeader = "application/rss+xml, application/atom+xml, application/feed+json, " +
	"application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"

// Fetch does one conditional GET of r.URL, following redirects. A status other
// than 2xx and 304 is returned as an *Error together with the Response; failures
// before any response arrived return a nil Response. Every error is an *Error.
//
// The whole exchange, redirects and body included, must finish within
// Options.Timeout, counted from the moment the first request may go out: time
// spent waiting for the per-host limit does not count, before the first
// request or after a redirect (ctx bounds that wait): a redirect to a host
// whose slot another feed held to its own timeout was charged that timeout.
func (c *Client) Fetch(ctx context.Context, r Request) (*Response, error) {
	cur, err := parseHTTPURL(r.URL)
	if err != nil {
		return nil, &Error{Kind: KindOther, URL: r.URL, Err: err}
	}
	parent := ctx
	res := &Response{RequestURL: r.URL}
	permanent := true
	seen := map[string]bool{cur.String(): true}
	var start time.Time
	var used time.Duration // by the hops before this one, not waiting for slots
	for hop := 0; ; hop++ {
		key := HostKey(cur)
		release, err := c.hosts.acquire(parent, key)
		if err != nil {
			return nil, transportError(parent, cur.String(), fmt.Errorf("wait for a free slot on %s: %w", cur.Host, err))
		}
		if h, held := c.hosts.held(key, c.now()); held {
			// Another of the host's feeds was told to wait, or got no answer in
			// time: this request is not sent.
			release()
			why := "asked to be left alone"
			if h.kind == KindTimeout {
				why = "did not answer another of its feeds in time; asked again"
			}
			return nil, &Error{Kind: h.kind, URL: r.URL, RetryAfter: h.until.Sub(c.now()), NotSent: true,
				Err: fmt.Errorf("not sent: %s %s until %s", cur.Host, why, h.until.UTC().Format(time.RFC3339))}
		}
		if hop == 0 {
			start = c.now()
		}
		hopStart := time.Now() // deadlines are in real time, whatever c.now says
		ctx, cancel := context.WithTimeout(parent, c.o.Timeout-used)
		defer cancel() // until Fetch returns: finish reads the body under it
		resp, err := c.send(ctx, cur, r)
		if err != nil {
			fe := c.sayTimeout(transportError(parent, cur.String(), err))
			c.holdSilent(key, fe)
			release()
			return nil, fe
		}
		res.Status, res.FinalURL = resp.StatusCode, cur.String()
		if !isRedirect(resp.StatusCode) {
			err := c.finish(parent, resp, r, res)
			if fe, ok := err.(*Error); ok && fe.RetryAfter > 0 && (fe.Kind == KindRateLimited || fe.Kind == KindUnavailable) {
				// Before the slot is released: the host's next request waits for it.
				c.hosts.hold(key, c.now().Add(fe.RetryAfter), fe.Kind)
			} else if ok {
				c.holdSilent(key, fe) // a body that trickled in past the timeout
			}
			release()
			res.Duration = c.now().Sub(start)
			if fe, ok := err.(*Error); ok && fe.Kind == KindGone && !permanent {
				// Gone for good is the feed's own address saying so, or one it moved
				// to for good: a 410 behind a temporary redirect (a maintenance page)
				// says nothing lasting about the feed.
				fe.Kind = KindHTTP4xx
			}
			if permanent && hop > 0 && (err == nil || res.NotModified) {
				res.PermanentURL = res.FinalURL
			}
			return res, err
		}
		loc := resp.Header.Get("Location")
		discard(resp.Body)
		release()
		used += time.Since(hopStart)
		next, err := c.redirectTarget(cur, loc, resp.StatusCode)
		if err != nil {
			res.Duration = c.now().Sub(start)
			return res, &Error{Kind: KindRedirect, Status: resp.StatusCode, URL: r.URL, Err: err}
		}
		if resp.StatusCode != http.StatusMovedPermanently && resp.StatusCode != http.StatusPermanentRedirect {
			permanent = false
		}
		if seen[next.String()] {
			res.Duration = c.now().Sub(start)
			return res, &Error{Kind: KindRedirect, Status: resp.StatusCode, URL: r.URL,
				Err: fmt.Errorf("redirect loop: %s redirects back to %s", cur, next)}
		}
		if hop+1 > c.o.MaxRedirects {
			res.Duration = c.now().Sub(start)
			return res, &Error{Kind: KindRedirect, Status: resp.StatusCode, URL: r.URL,
				Err: fmt.Errorf("stopped after %d redirects (last to %s)", c.o.MaxRedirects, next)}
		}
		seen[next.String()] = true
		cur = next
	}
}

// send makes one GET request, without following redirects.
func (c *Client) send(ctx context.Context, u *url.URL, r Request) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("User-Agent", c.o.UserAgent)
	req.Header.Set("Accept", acceptHeader)
	// Asking for gzip ourselves means the transport leaves the body compressed,
	// so that the MaxBody cap below counts decompressed bytes whatever transport
	// hc has.
	req.Header.Set("Accept-Encoding", "gzip")
	if r.ETag != "" {
		req.Header.Set("If-None-Match", r.ETag)
	}
	if r.LastModified != "" {
		req.Header.Set("If-Modified-Since", r.LastModified)
	}
	return c.hc.Do(req)
}

// finish handles the final, non-redirect response: reads the body of a 2xx,
// notes a 304, or classifies an error status.
func (c *Client) finish(parent context.Context, resp *http.Response, r Request, res *Response) error {
	defer resp.Body.Close()
	res.ContentType = resp.Header.Get("Content-Type")
	res.MaxAge = maxAge(strings.Join(resp.Header.Values("Cache-Control"), ","))
	res.ETag, res.LastModified = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	switch {
	case resp.StatusCode == http.StatusNotModified:
		res.NotModified = true
		if res.ETag == "" {
			res.ETag = r.ETag
		}
		if res.LastModified == "" {
			res.LastModified = r.LastModified
		}
		discard(resp.Body)
		return nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		discard(resp.Body)
		e := statusError(res.FinalURL, resp.StatusCode)
		if e.Kind == KindRateLimited || e.Kind == KindUnavailable {
			e.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), c.now(), c.o.MaxRetryAfter)
		}
		return e
	}
	body, pooled, err := c.readBody(resp)
	if err != nil {
		var fe *Error
		if errors.As(err, &fe) {
			fe.Status = resp.StatusCode
			return fe
		}
		e := c.sayTimeout(transportError(parent, res.FinalURL, fmt.Errorf("read body: %w", err)))
		e.Status = resp.StatusCode
		return e
	}
	res.Body, res.pooled = body, pooled
	return nil
}

// readBody reads at most MaxBody decoded bytes. Decompression streams through the
// limit, so a gzip bomb costs MaxBody of memory, not its expanded size.
// The buffer comes from bodyPool when pooled is true.
func (c *Client) readBody(resp *http.Response) (body []byte, pooled bool, err error) {
	where := resp.Request.URL.String()
	var r io.Reader = resp.Body
	switch ce := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); {
	case resp.Uncompressed, ce == "", ce == "identity":
		if resp.ContentLength > c.o.MaxBody {
			return nil, false, c.tooLarge(where)
		}
	case ce == "gzip" || ce == "x-gzip":
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			if isGzipError(err) {
				return nil, false, &Error{Kind: KindDecode, URL: where, Err: fmt.Errorf("gunzip body: %w", err)}
			}
			return nil, false, err
		}
		defer zr.Close()
		r = zr
	case ce == "deflate":
		// Not asked for, but sent by some servers anyway. RFC 9110 means zlib;
		// some send raw deflate, told apart by the zlib header.
		br := bufio.NewReader(resp.Body)
		if head, _ := br.Peek(2); len(head) == 2 && head[0]&0x0F == 8 && (uint16(head[0])<<8|uint16(head[1]))%31 == 0 {
			zr, err := zlib.NewReader(br)
			if err != nil {
				return nil, false, &Error{Kind: KindDecode, URL: where, Err: fmt.Errorf("inflate body: %w", err)}
			}
			defer zr.Close()
			r = zr
		} else {
			fr := flate.NewReader(br)
			defer fr.Close()
			r = fr
		}
	default:
		return nil, false, &Error{Kind: KindDecode, URL: where, Err: fmt.Errorf("unsupported Content-Encoding %q", ce)}
	}
	var buf []byte
	if resp.ContentLength > 0 && resp.ContentLength <= c.o.MaxBody && r == io.Reader(resp.Body) {
		buf = make([]byte, 0, resp.ContentLength+1)
	} else if p, ok := bodyPool.Get().(*[]byte); ok {
		buf, pooled = (*p)[:0], true
	}
	body, err = readAllInto(buf, io.LimitReader(r, c.o.MaxBody+1))
	if err != nil {
		if isGzipError(err) {
			return nil, false, &Error{Kind: KindDecode, URL: where, Err: fmt.Errorf("decompress body: %w", err)}
		}
		return nil, false, err
	}
	if int64(len(body)) > c.o.MaxBody {
		return nil, false, c.tooLarge(where)
	}
	// readAllInto may have outgrown the pooled array; the new one is pooled
	// in its place on Release.
	return body, pooled || buf == nil, nil
}

func (c *Client) tooLarge(where string) *Error {
	return &Error{Kind: KindTooLarge, URL: where, Err: fmt.Errorf("body exceeds %s limit", formatBytes(c.o.MaxBody))}
}

// readAllInto is io.ReadAll appending to buf, which may be preallocated.
func readAllInto(buf []byte, r io.Reader) ([]byte, error) {
	if buf == nil {
		buf = make([]byte, 0, 64<<10)
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

func isGzipError(err error) bool {
	var corrupt flate.CorruptInputError
	return errors.Is(err, gzip.ErrHeader) || errors.Is(err, gzip.ErrChecksum) ||
		errors.Is(err, zlib.ErrHeader) || errors.Is(err, zlib.ErrChecksum) || errors.As(err, &corrupt)
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// discard reads a little of an unwanted body, so the connection can be reused,
// and closes it.
func discard(body io.ReadCloser) {
	_, _ = io.CopyN(io.Discard, body, 4<<10)
	_ = body.Close()
}

func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// redirectTarget resolves a Location header against the current URL and refuses
// anything but http and https.
func (c *Client) redirectTarget(cur *url.URL, loc string, status int) (*url.URL, error) {
	if strings.TrimSpace(loc) == "" {
		return nil, fmt.Errorf("%d redirect without a Location", status)
	}
	ref, err := url.Parse(strings.TrimSpace(loc))
	if err != nil {
		return nil, fmt.Errorf("%d redirect to a bad Location %q: %w", status, loc, err)
	}
	next := cur.ResolveReference(ref)
	next.Fragment, next.RawFragment = "", ""
	if next.Scheme != "http" && next.Scheme != "https" {
		return nil, fmt.Errorf("refusing %d redirect to non-HTTP URL %s", status, next.Redacted())
	}
	if next.Host == "" {
		return nil, fmt.Errorf("%d redirect to a URL without a host: %q", status, loc)
	}
	return next, nil
}

func parseHTTPURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("bad URL: %w", err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("bad URL %q: not http or https", s)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("bad URL %q: no host", s)
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// Hold records that the host of target asked to be left alone until until, as a
// 429 or 503 with Retry-After does: no request to that host is sent before then
// (Fetch answers KindRateLimited). A process that starts anew (gleaner fetch from
// cron) learns the holds of the one before from the sources' stored states.
func (c *Client) Hold(target string, until time.Time) {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return
	}
	c.hosts.hold(HostKey(u), until, KindRateLimited)
}

// holdSilent holds a host that let a request time out (no answer, or one that
// trickled in too slowly) for the rest of the round: its other feeds, waiting
// for its slot one at a time (per_host), each waited the whole timeout, and one
// hung host held up a round, and every source due meanwhile, for minutes.
// Before the slot is released, so that the host's next request sees it.
func (c *Client) holdSilent(key string, fe *Error) {
	if c.o.HoldAfterTimeout && fe != nil && fe.Kind == KindTimeout {
		c.hosts.hold(key, c.now().Add(max(time.Minute, c.o.Timeout)), KindTimeout)
	}
}

// HostKey is the per-host limit's key: host and port, the port made explicit so
// that http://x and http://x:80 share a slot.
func HostKey(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// retryAfter reads a Retry-After value, delay-seconds or an HTTP date, capped at
// max; 0 when absent, unreadable or in the past.
func retryAfter(v string, now time.Time, max time.Duration) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs >= int64(max/time.Second) {
			return max
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d <= 0 {
			return 0
		}
		return min(d, max)
	}
	return 0
}

// maxAge reads max-age from a Cache-Control value; s-maxage is for shared caches
// and does not apply to a feed reader. no-store and no-cache give no lower bound.
func maxAge(cc string) time.Duration {
	var age time.Duration
	for _, directive := range strings.Split(cc, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(directive), "=")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "no-store", "no-cache":
			return 0
		case "max-age":
			n, err := strconv.ParseInt(strings.Trim(strings.TrimSpace(value), `"`), 10, 64)
			if err == nil && n > 0 {
				age = time.Duration(min(n, 1<<31)) * time.Second
			}
		}
	}
	return age
}
