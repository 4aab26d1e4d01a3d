// Package publish renders gleaner's curated feed (Atom, RSS 2.0, JSON Feed 1.1,
// an HTML page, OPML of the sources, status pages) from what the store lists, and
// serves it over HTTP with caching headers. It owns the output formats and their
// validity, the in-memory cache of rendered documents, static export, and WebSub
// pings. It depends on aggregate's types only, never on store or config.
package publish

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/sanitize"
	"github.com/gleaner/gleaner/internal/redact"
	"github.com/gleaner/gleaner/publish/opml"
)

// Options configure the curated feed. Zero fields take the defaults noted.
type Options struct {
	Title, Description string
	BaseURL            string        // public URL ending in "/": self links, feed ids (default "http://127.0.0.1:8080/")
	MaxItems           int           // entries in the default rendering (default 100)
	MaxLimit           int           // cap for ?limit= (default 500, never below MaxItems)
	MaxPerSource       int           // passed on in aggregate.Query (0 = no cap)
	MaxRelated         int           // other reports an entry names (default 10; negative: none)
	CacheMaxAge        time.Duration // Cache-Control max-age (default 5m)
	// CacheBytes bounds the renderings kept for queries (?lang=, ?category=,
	// ?limit=), body and gzip form counted (default 16 MiB); the default
	// rendering in every format is always kept besides.
	CacheBytes int64
	Hub        string // WebSub hub URL, "" for none
	Language   string // the feeds' language tag; "" means the filter's, else the most common item language
	// Facets are the topic profile's facets, sorted: ?category= must name one
	// (nil: any name shaped like a facet).
	Facets []string
	// Location is the zone the HTML pages show times in (default time.Local).
	Location *time.Location
}

// Equal reports whether o and p are the same options. Zones are compared by
// name: two loads of one zone are two values.
func (o Options) Equal(p Options) bool {
	if zoneName(o.Location) != zoneName(p.Location) {
		return false
	}
	o.Location, p.Location = nil, nil
	return reflect.DeepEqual(o, p)
}

func zoneName(l *time.Location) string {
	if l == nil {
		return "Local" // Location's default
	}
	return l.String()
}

func (o Options) withDefaults() Options {
	if o.Title == "" {
		o.Title = "gleaner"
	}
	if o.BaseURL == "" {
		o.BaseURL = "http://127.0.0.1:8080/"
	}
	if !strings.HasSuffix(o.BaseURL, "/") {
		o.BaseURL += "/"
	}
	if o.MaxItems <= 0 {
		o.MaxItems = 100
	}
	if o.MaxLimit <= 0 {
		o.MaxLimit = 500
	}
	o.MaxLimit = max(o.MaxLimit, o.MaxItems)
	if o.CacheMaxAge <= 0 {
		o.CacheMaxAge = 5 * time.Minute
	}
	if o.CacheBytes <= 0 {
		o.CacheBytes = DefaultCacheBytes
	}
	if o.MaxRelated == 0 {
		o.MaxRelated = 10
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	return o
}

func (o Options) query(f filter) aggregate.Query {
	return aggregate.Query{Lang: f.Lang, Facet: f.Facet, Limit: f.Limit, MaxPerSource: o.MaxPerSource, MaxRelated: max(o.MaxRelated, 0),
		Before: f.Before, Match: f.Text}
}

// Lister is what publish needs from the store. The store applies every field of
// Query (lang, facet, limit, max per source, max related) and returns entries
// newest first by the lead item's published date. Story returns a visible story
// with every member (ok false when there is none).
type Lister interface {
	Curated(ctx context.Context, q aggregate.Query) ([]aggregate.Entry, error)
	Story(ctx context.Context, id int64) (st aggregate.Story, ok bool, err error)
	// StoryFates says, for each of ids, the id of the published story it is now:
	// itself, or the story it was merged into; an id gone or hidden is absent.
	StoryFates(ctx context.Context, ids []int64) (map[int64]int64, error)
	// StoriesUpdated says, for each of ids that is a published story, when it
	// last changed (aggregate.Story's Updated).
	StoriesUpdated(ctx context.Context, ids []int64) (map[int64]time.Time, error)
}

// StatusLister feeds /status and /status.json with every source's fetch state.
type StatusLister interface {
	SourceStatus(ctx context.Context) ([]aggregate.SourceStatus, error)
}

type format int

const (
	fmtAtom format = iota
	fmtRSS
	fmtJSON
	fmtHTML
	nFormats
)

var contentTypes = [nFormats]string{
	fmtAtom: "application/atom+xml; charset=utf-8",
	fmtRSS:  "application/rss+xml; charset=utf-8",
	fmtJSON: "application/feed+json; charset=utf-8",
	fmtHTML: "text/html; charset=utf-8",
}

var renderers = [nFormats]func(*feedView, Options) ([]byte, error){
	fmtAtom: renderAtom,
	fmtRSS:  renderRSS,
	fmtJSON: renderJSON,
	fmtHTML: renderHTML,
}

// DefaultCacheBytes is Options.CacheBytes when not set.
const DefaultCacheBytes = 16 << 20

// maxVariants bounds the number of renderings kept for query variants, besides
// Options.CacheBytes: past either, the least recently used are evicted.
const maxVariants = 128

// renderSlots bounds the renderings made at once for requests (variants and the
// status pages): each holds up to a feed's worth of entries and its bytes, so
// that many clients asking for different queries at once queue for CPU and
// memory instead of taking them all.
const renderSlots = 2

// variantTimeout bounds the store call behind a variant's first request. The call
// runs detached from that request, since others may be waiting for the same result.
const variantTimeout = 30 * time.Second

// errBusy is a variant's answer when maxVariants renderings are already under way.
var errBusy = errors.New("publish: too many renderings under way")

// Handler serves the curated feed in every format from memory. It is safe for
// concurrent use: requests read an immutable snapshot, and Refresh swaps it.
type Handler struct {
	lister Lister
	status StatusLister
	log    *slog.Logger
	now    func() time.Time

	refreshMu sync.Mutex // one Refresh at a time

	mu       sync.Mutex // guards the fields below
	opts     Options
	sources  []aggregate.Source
	dirty    bool   // options changed since the default set was rendered
	gen      uint64 // bumped by every change; variant slots of older generations are stale
	variants map[variantKey]*slot
	cached   int64                     // bytes held by the variants' renderings
	tick     uint64                    // use counter, for least-recently-used eviction
	prev     map[variantKey]*validator // validators of dropped variants
	render   chan struct{}             // renderSlots tokens

	defaults atomic.Pointer[defaultSet] // nil until the first Refresh
	problems atomic.Pointer[func(context.Context) []string]
	opml     atomic.Pointer[doc]
	// refreshErr is the last Refresh's error, nil after a success.
	refreshErr atomic.Pointer[error]

	// Story pages rendered, by story id (under mu); storyGen counts Refreshes,
	// after which a page is read again unless its entry shows it unchanged.
	stories    map[int64]*storyDocs
	storyBytes int
	// since is when the renderings this process serves may first differ
	// from what it, or a process before it, served: its first rendering, or
	// the last change of options or outlets. A rendering with no previous one
	// to compare (the first after a restart, a story page dropped) is dated
	// no earlier, so that an If-Modified-Since of a copy served before is
	// not answered 304 when it changed meanwhile (see lastModFloor).
	since    time.Time
	storyGen uint64
	exported map[string]string // story files written by Export, by path: their ETag
}

// defaultSet is the default rendering (no query) in every format, and the entries
// it was made from.
type defaultSet struct {
	fingerprint [sha256.Size]byte
	docs        [nFormats]*doc // docs[fmtHTML] is the page as first rendered: see page
	entries     []aggregate.Entry
	versions    map[int64]string // of the stories of entries, by id (see storyVersion)
	opts        Options          // the options it was rendered with
	view        *feedView        // the entries as every format shows them

	// page is the page served: docs[fmtHTML] until its relative times are
	// pageRefresh old, then rendered again from view (one request at a time
	// does it, holding repage; the others serve the page there is).
	page   atomic.Pointer[doc]
	repage sync.Mutex
}

type variantKey struct {
	f format
	filter
}

// slot holds one variant's rendering; ready is closed once doc or err is set, so
// that concurrent first requests wait for one store call instead of each making one.
type slot struct {
	gen   uint64
	ready chan struct{}
	doc   *doc
	err   error
	size  int64  // bytes counted in Handler.cached, set once ready
	used  uint64 // Handler.tick at the last request
}

// New returns a Handler. Call Refresh before serving (it is also called on the
// first request if not). s may be nil, which leaves the status pages empty.
func New(o Options, l Lister, s StatusLister, log *slog.Logger) *Handler {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{
		lister:   l,
		status:   s,
		log:      log,
		now:      time.Now,
		opts:     o.withDefaults(),
		variants: map[variantKey]*slot{},
		prev:     map[variantKey]*validator{},
		render:   make(chan struct{}, renderSlots),
		stories:  map[int64]*storyDocs{},
		exported: map[string]string{},
	}
	h.renderOPML()
	return h
}

// SetOptions replaces the options (on config reload). Renderings made with the old
// ones are served until the next Refresh, which re-renders even if the curated set
// is unchanged; variants are dropped now.
func (h *Handler) SetOptions(o Options) {
	o = o.withDefaults()
	h.mu.Lock()
	if !o.Equal(h.opts) {
		h.opts = o
		h.dirty = true
		h.dropVariantsLocked()
		h.dropStoriesLocked() // and since: every rendering may differ
	}
	h.mu.Unlock()
	h.renderOPML()
}

// SetSources replaces the source list that /sources.opml serves. Story pages
// rendered before are dropped when a source's name or URL changed: a page
// shows its reports' outlets, which its version (see storyVersion) does not
// cover, and the store already names them anew.
func (h *Handler) SetSources(src []aggregate.Source) {
	h.mu.Lock()
	if !slices.EqualFunc(h.sources, src, sameOutlet) {
		h.dropStoriesLocked()
	}
	h.sources = append([]aggregate.Source(nil), src...)
	h.mu.Unlock()
	h.renderOPML()
}

// sameOutlet reports whether a and b are shown alike on a story page.
func sameOutlet(a, b aggregate.Source) bool {
	return a.ID == b.ID && a.Name == b.Name && a.URL == b.URL
}

// dropStoriesLocked forgets every story page rendered, and so their dates.
func (h *Handler) dropStoriesLocked() {
	clear(h.stories)
	h.storyBytes = 0
	h.since = h.now().UTC().Truncate(time.Second)
}

// dateEmpty dates a feed without entries (a filter that matches none) by the
// process's first rendering (see since), not 1970.
func (h *Handler) dateEmpty(v *feedView) {
	if len(v.Entries) == 0 {
		v.Updated = h.lastModFloor(time.Time{}, nil)
	}
}

// lastModFloor is the Last-Modified of a rendering whose newest content is
// dated lastMod: that date, unless there is no previous rendering of the URL
// (prev) to keep the dates moving forward (newDoc), in which case it is no
// earlier than since. After a restart, a label taking an entry out or a new
// feed title left the newest entry's date where it was, and a client asking
// If-Modified-Since with the date the process before served got 304 for a
// feed that had changed.
func (h *Handler) lastModFloor(lastMod time.Time, prev *validator) time.Time {
	if prev != nil {
		return lastMod
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.since.IsZero() {
		h.since = h.now().UTC().Truncate(time.Second)
	}
	return latest(lastMod, h.since)
}

func (h *Handler) renderOPML() {
	h.mu.Lock()
	o, src := h.opts, h.sources
	h.mu.Unlock()
	b, err := sourcesOPML(o, src)
	if err != nil {
		// Only an encoder failure on plain strings could get here.
		h.log.Error("render sources.opml", "error", err)
		return
	}
	h.opml.Store(newDoc(b, "text/x-opml; charset=utf-8", time.Time{}, h.opml.Load().validator(), h.now(), feedHeaders(o), gzip.BestCompression))
}

// sourcesOPML renders the sources as OPML, names as plain text.
func sourcesOPML(o Options, sources []aggregate.Source) ([]byte, error) {
	feeds := make([]opml.Feed, len(sources))
	for i, s := range sources {
		u := redact.URL(s.URL) // the list is public: a source's credentials are not
		name := sanitize.Text(s.Name)
		if name == "" {
			name = u
		}
		feeds[i] = opml.Feed{Name: name, URL: u}
	}
	return opml.Marshal(sanitize.Text(o.Title)+" — sources", time.Time{}, feeds)
}

// Ready reports whether the curated feed can be served as it is: an error when
// it has not been rendered, or when the last Refresh failed (the store cannot
// list it: the rendering served is stale and queries fail).
func (h *Handler) Ready() error {
	if p := h.refreshErr.Load(); p != nil {
		return *p
	}
	if h.defaults.Load() == nil {
		return errors.New("publish: the curated feed has not been rendered yet")
	}
	return nil
}

func (h *Handler) options() Options {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.opts
}

// Refresh re-reads the default curated set and, if it or the options changed,
// re-renders every format and drops the variants. changed reports whether the
// curated set differs from the last one read (true the first time).
func (h *Handler) Refresh(ctx context.Context) (changed bool, err error) {
	h.refreshMu.Lock()
	defer h.refreshMu.Unlock()
	defer func() {
		if err != nil {
			h.refreshErr.Store(&err)
		} else {
			h.refreshErr.Store(nil)
		}
	}()

	h.mu.Lock()
	o, dirty := h.opts, h.dirty
	// The store may have changed any story: pages are read again, unless the
	// new entries show them unchanged.
	h.storyGen++
	h.mu.Unlock()

	f := filter{Limit: o.MaxItems}
	entries, err := h.lister.Curated(ctx, o.query(f))
	if err != nil {
		return false, fmt.Errorf("publish: list curated entries: %w", err)
	}
	fp, err := fingerprint(entries)
	if err != nil {
		return false, fmt.Errorf("publish: fingerprint entries: %w", err)
	}
	old := h.defaults.Load()
	changed = old == nil || old.fingerprint != fp
	if !changed && !dirty {
		return false, nil
	}

	set := &defaultSet{fingerprint: fp, entries: entries, versions: make(map[int64]string, len(entries)), opts: o}
	for i := range entries {
		e := &entries[i]
		set.versions[e.Item.StoryID] = storyVersion(e.Item.ID, max(e.Reports, 1+len(e.Also)), e.Updated)
	}
	now := h.now()
	v := buildView(o, f, entries)
	h.dateEmpty(v)
	if old != nil && v.Updated.Before(old.view.Updated) {
		// An entry left (a label, retention), or all of them: the feed's
		// updated, its newest entry's date, would go back in time; the change
		// is now.
		v.Updated = latest(now.UTC().Truncate(time.Second), old.view.Updated)
	}
	set.view = v
	v.Now = now
	// The formats are rendered and compressed side by side: the view is only
	// read, and a refresh is what a new item waits for to be published.
	var wg sync.WaitGroup
	var errs [nFormats]error
	for i := range nFormats {
		var prev *validator
		if old != nil {
			prev = old.docs[i].validator()
		}
		wg.Go(func() {
			b, err := renderers[i](v, o)
			if err != nil {
				errs[i] = fmt.Errorf("publish: render %s: %w", formatName(i), err)
				return
			}
			set.docs[i] = newDoc(b, contentTypes[i], h.lastModFloor(lastSeen(entries), prev), prev, now, docHeaders(o, i), gzip.BestCompression)
		})
	}
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return false, err
	}
	set.docs[fmtHTML].asOf = now
	set.page.Store(set.docs[fmtHTML])

	h.mu.Lock()
	if h.opts.Equal(o) {
		h.dirty = false
	}
	h.dropVariantsLocked()
	h.defaults.Store(set)
	h.mu.Unlock()
	h.log.Debug("rendered curated feed", "entries", len(entries), "changed", changed)
	return changed, nil
}

// SearchChanged forgets the renderings of searches: the search index has
// caught up with items the curated feed already shows (store.IndexSearch runs
// after the saves whose refresh rendered them).
func (h *Handler) SearchChanged() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for k, s := range h.variants {
		if k.Text != "" {
			h.removeLocked(k, s)
		}
	}
}

// dropVariantsLocked forgets every variant rendering, keeping only validators so
// that Last-Modified keeps moving forward when they are rendered again.
func (h *Handler) dropVariantsLocked() {
	h.gen++
	for k, s := range h.variants {
		select {
		case <-s.ready:
			if s.doc != nil {
				h.prev[k] = s.doc.validator()
			}
		default:
		}
	}
	clear(h.variants)
	h.cached = 0
	for k := range h.prev {
		if len(h.prev) <= maxVariants {
			break
		}
		delete(h.prev, k)
	}
}

// fingerprint identifies a curated set by everything publish shows of it.
func fingerprint(entries []aggregate.Entry) ([sha256.Size]byte, error) {
	b, err := json.Marshal(entries)
	if err != nil {
		return [sha256.Size]byte{}, err
	}
	return sha256.Sum256(b), nil
}

// lastSeen is the newest entry's first sighting, or its story's last change if
// that is newer: the moment this content could first have been served.
func lastSeen(entries []aggregate.Entry) time.Time {
	var t time.Time
	for i := range entries {
		t = latest(t, entries[i].Item.FirstSeen, entries[i].Updated)
	}
	return t
}

func formatName(f format) string {
	return [nFormats]string{"feed.atom", "feed.rss", "feed.json", "index.html"}[f]
}

func feedHeaders(o Options) http.Header {
	return http.Header{
		"Cache-Control":          {"public, max-age=" + strconv.Itoa(int(o.CacheMaxAge/time.Second))},
		"X-Content-Type-Options": {"nosniff"},
	}
}

func docHeaders(o Options, f format) http.Header {
	h := feedHeaders(o)
	if f == fmtHTML {
		// Its relative times ("5 min ago") are a minute fine.
		h["Cache-Control"] = []string{"public, max-age=" + strconv.Itoa(int(min(o.CacheMaxAge, pageRefresh)/time.Second))}
		h["Content-Security-Policy"] = []string{pageCSP}
		h["Referrer-Policy"] = []string{pageReferrerPolicy}
	}
	return h
}

// stale reports whether d has relative times pageRefresh old or older.
func (h *Handler) stale(d *doc) bool {
	return !d.asOf.IsZero() && h.now().Sub(d.asOf) >= pageRefresh
}

// defaultPage returns the default page, rendered again first when its
// relative times are stale.
func (h *Handler) defaultPage(set *defaultSet) *doc {
	d := set.page.Load()
	if !h.stale(d) || !set.repage.TryLock() {
		return d
	}
	defer set.repage.Unlock()
	if d = set.page.Load(); !h.stale(d) {
		return d
	}
	v := *set.view
	v.Now = h.now()
	b, err := renderHTML(&v, set.opts)
	if err != nil {
		h.log.Error("render curated feed", "path", "/", "error", err)
		return d
	}
	nd := newDoc(b, contentTypes[fmtHTML], lastSeen(set.entries), d.validator(), v.Now, docHeaders(set.opts, fmtHTML), gzip.BestCompression)
	nd.asOf = v.Now
	set.page.Store(nd)
	return nd
}

// ServeHTTP serves /, /index.html, /search, /feed.atom, /feed.rss,
// /feed.json, /sources.opml, /status, /status.json and the story pages
// /story/ID and /story/ID.json to GET and HEAD.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var f format
	story := strings.HasPrefix(r.URL.Path, "/story/")
	switch r.URL.Path {
	case "/feed.atom":
		f = fmtAtom
	case "/feed.rss":
		f = fmtRSS
	case "/feed.json":
		f = fmtJSON
	case "/", "/index.html", "/search":
		f = fmtHTML
	case "/sources.opml", "/status", "/status.json":
		f = nFormats
	default:
		if !story {
			w.Header().Add("Vary", "Accept") // a page for a browser, text for the rest
			if wantsPage(r.Header["Accept"]) {
				renderError(w, r, h.options(), http.StatusNotFound, "There is no page at this address.")
				return
			}
			http.NotFound(w, r)
			return
		}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header()["Allow"] = []string{"GET, HEAD"}
		http.Error(w, "method not allowed: use GET or HEAD", http.StatusMethodNotAllowed)
		return
	}
	switch r.URL.Path {
	case "/sources.opml":
		h.opml.Load().serve(w, r)
		return
	default:
		if story {
			h.serveStory(w, r)
			return
		}
	case "/status", "/status.json":
		h.serveStatus(w, r)
		return
	}

	if r.URL.RawQuery == "" {
		if set := h.defaults.Load(); set != nil {
			switch {
			case f != fmtHTML:
				set.docs[f].serve(w, r)
			case len(set.entries) == 0 && h.status != nil:
				h.serveEmpty(w, r, set)
			default:
				h.defaultPage(set).serve(w, r)
			}
			return
		}
	}
	d, err := h.document(r.Context(), f, r.URL.RawQuery)
	if err != nil {
		if errors.Is(err, errBadQuery) {
			if f == fmtHTML {
				renderError(w, r, h.options(), http.StatusBadRequest, err.Error())
				return
			}
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if errors.Is(err, errBusy) {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "too many different queries at once; try again in a moment", http.StatusServiceUnavailable)
			return
		}
		h.log.Error("render curated feed", "path", r.URL.Path, "query", r.URL.RawQuery, "error", err)
		http.Error(w, "the curated feed is unavailable right now; try again later", http.StatusServiceUnavailable)
		return
	}
	d.serve(w, r)
}

// document returns the rendering of format f for a raw query: the default set when
// the query comes down to it, else a variant, rendered on its first request.
func (h *Handler) document(ctx context.Context, f format, rawQuery string) (*doc, error) {
	h.mu.Lock()
	o := h.opts
	h.mu.Unlock()
	flt, err := parseFilter(rawQuery, o)
	if err != nil {
		return nil, err
	}
	if flt == (filter{Limit: o.MaxItems}) {
		set := h.defaults.Load()
		if set == nil {
			if _, err := h.Refresh(ctx); err != nil {
				return nil, err
			}
			set = h.defaults.Load()
		}
		if f == fmtHTML {
			return h.defaultPage(set), nil
		}
		return set.docs[f], nil
	}
	return h.variant(ctx, variantKey{f, flt})
}

func (h *Handler) variant(ctx context.Context, k variantKey) (*doc, error) {
	h.mu.Lock()
	h.tick++
	s := h.variants[k]
	if s != nil && s.gen == h.gen && !h.staleSlot(s) {
		s.used = h.tick
		h.mu.Unlock()
		select {
		case <-s.ready:
			return s.doc, s.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if s != nil {
		h.removeLocked(k, s)
	}
	for len(h.variants) >= maxVariants && h.evictLocked() {
	}
	if len(h.variants) >= maxVariants {
		// Every slot is a rendering still under way: many clients asking for
		// different queries at once get turned away rather than queued for the
		// render slots (each would wait up to variantTimeout, after its client left).
		h.mu.Unlock()
		return nil, errBusy
	}
	s = &slot{gen: h.gen, ready: make(chan struct{}), used: h.tick}
	h.variants[k] = s
	o, prev := h.opts, h.prev[k]
	h.mu.Unlock()

	// Detached from the request: others may be waiting for the same result.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), variantTimeout)
	defer cancel()
	s.doc, s.err = h.renderVariant(rctx, o, k, prev)
	h.mu.Lock()
	if h.variants[k] == s {
		switch {
		case s.err != nil:
			h.removeLocked(k, s) // let the next request try again
		case s.doc.size() > o.CacheBytes:
			h.removeLocked(k, s) // served to the requests waiting, not kept
		default:
			s.size = s.doc.size()
			h.cached += s.size
			for h.cached > o.CacheBytes && h.evictLocked() {
			}
		}
	}
	h.mu.Unlock()
	close(s.ready)
	return s.doc, s.err
}

// staleSlot reports whether slot s holds a rendering with stale relative times.
func (h *Handler) staleSlot(s *slot) bool {
	select {
	case <-s.ready:
		return s.doc != nil && h.stale(s.doc)
	default:
		return false // still rendering: it will be fresh
	}
}

// removeLocked forgets variant k's slot s and the bytes it held.
func (h *Handler) removeLocked(k variantKey, s *slot) {
	// Its validator stays, so that a rendering of k with other bytes gets a later
	// Last-Modified: a client asking If-Modified-Since with the old one must not
	// get a 304 for the new.
	select {
	case <-s.ready:
		if s.doc != nil {
			h.prev[k] = s.doc.validator()
		}
	default:
	}
	delete(h.variants, k)
	h.cached -= s.size
	s.size = 0
	for k := range h.prev {
		if len(h.prev) <= 2*maxVariants {
			break
		}
		delete(h.prev, k)
	}
}

// evictLocked removes the least recently used rendered variant, and reports
// whether there was one. Slots still rendering stay: requests wait on them.
func (h *Handler) evictLocked() bool {
	var (
		oldK variantKey
		oldS *slot
	)
	for k, s := range h.variants {
		if s.size > 0 && (oldS == nil || s.used < oldS.used) {
			oldK, oldS = k, s
		}
	}
	if oldS == nil {
		return false
	}
	h.removeLocked(oldK, oldS)
	return true
}

// renderSlot waits for one of the renderSlots, or for ctx to end; release
// gives it back.
func (h *Handler) renderSlot(ctx context.Context) (release func(), err error) {
	select {
	case h.render <- struct{}{}:
		return func() { <-h.render }, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("publish: wait for a rendering slot: %w", ctx.Err())
	}
}

func (h *Handler) renderVariant(ctx context.Context, o Options, k variantKey, prev *validator) (*doc, error) {
	release, err := h.renderSlot(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	entries, err := h.lister.Curated(ctx, o.query(k.filter))
	if err != nil {
		return nil, fmt.Errorf("publish: list curated entries: %w", err)
	}
	v := buildView(o, k.filter, entries)
	h.dateEmpty(v)
	newest := v.Updated
	switch {
	case prev == nil:
	case newest.Before(prev.newest):
		// As for the default rendering: this filter's newest entry left; the
		// change is now.
		v.Updated = latest(h.now().UTC().Truncate(time.Second), prev.updated)
	default:
		// The same newest entry, or a newer one: never earlier than before
		// (a date set by a change is kept while nothing changes again).
		v.Updated = latest(newest, prev.updated)
	}
	if k.f == fmtHTML && k.filter.Limit > 0 && len(entries) >= k.filter.Limit && !v.Older.Published.IsZero() {
		// A full page links to older stories only when the older page would
		// list one: asked as that page asks (its per-source caps start anew).
		g := k.filter
		g.Before, g.Limit = v.Older, 1
		older, err := h.lister.Curated(ctx, o.query(g))
		if err != nil {
			return nil, fmt.Errorf("publish: list curated entries: %w", err)
		}
		v.NoneOlder = len(older) == 0
	}
	now := h.now()
	v.Now = now
	b, err := renderers[k.f](v, o)
	if err != nil {
		return nil, fmt.Errorf("publish: render %s: %w", formatName(k.f), err)
	}
	hdr := docHeaders(o, k.f)
	if k.Text != "" {
		// Search results are for readers; the stories are on the page.
		hdr["X-Robots-Tag"] = []string{"noindex"}
	}
	d := newDoc(b, contentTypes[k.f], h.lastModFloor(lastSeen(entries), prev), prev, now, hdr, gzip.DefaultCompression)
	d.updated, d.newest = v.Updated, newest
	if k.f == fmtHTML {
		d.asOf = now
	}
	return d, nil
}

// SetProblems gives the status pages what to say of the daemon's own problems,
// which no source's row shows: f returns them in plain words (a public page:
// no error's text, which may quote paths or a remote server), nil for none.
func (h *Handler) SetProblems(f func(context.Context) []string) { h.problems.Store(&f) }

// serveStatus renders the status pages on every request: they change with every
// fetch, are read rarely, and must not be cached.
func (h *Handler) serveStatus(w http.ResponseWriter, r *http.Request) {
	release, err := h.renderSlot(r.Context())
	if err != nil {
		return // the client is gone
	}
	defer release()
	o := h.options()
	var problems []string
	if f := h.problems.Load(); f != nil {
		problems = (*f)(r.Context())
	}
	var list []aggregate.SourceStatus
	code := http.StatusOK
	if h.status != nil {
		if list, err = h.status.SourceStatus(r.Context()); err != nil {
			h.log.Error("list source status", "error", err)
			if len(problems) == 0 {
				http.Error(w, "source status is unavailable right now", http.StatusServiceUnavailable)
				return
			}
			// The daemon's problems are why: say them, without the sources.
			code = http.StatusServiceUnavailable
			problems = append(problems, "The sources' states cannot be read right now.")
		}
	}
	var entries []aggregate.Entry
	if set := h.defaults.Load(); set != nil {
		entries = set.entries
	}
	d := buildStatus(o, list, entries)
	d.Problems = problems
	if code != http.StatusOK {
		d.Unavailable, d.Sources = true, nil
	}
	var b []byte
	if r.URL.Path == "/status.json" {
		b, err = renderStatusJSON(d)
	} else {
		b, err = renderStatusHTML(d, o, h.now())
	}
	if err != nil {
		h.log.Error("render status", "error", err)
		http.Error(w, "source status is unavailable right now", http.StatusInternalServerError)
		return
	}
	serveFreshStatus(w, r, code, b, r.URL.Path != "/status.json")
}

// serveEmpty serves the page of an empty curated feed, rendered for each
// request with what the sources' states tell: it says why it is empty, which
// changes with every poll.
func (h *Handler) serveEmpty(w http.ResponseWriter, r *http.Request, set *defaultSet) {
	release, err := h.renderSlot(r.Context())
	if err != nil {
		return // the client is gone
	}
	defer release()
	v := *set.view
	v.Now = h.now()
	list, err := h.status.SourceStatus(r.Context())
	if err != nil {
		h.log.Error("list source status", "error", err) // the page says less
	} else {
		v.Empty = emptyOf(list)
	}
	b, err := renderHTML(&v, set.opts)
	if err != nil {
		h.log.Error("render curated feed", "path", r.URL.Path, "error", err)
		http.Error(w, "the curated feed is unavailable right now; try again later", http.StatusServiceUnavailable)
		return
	}
	serveFresh(w, r, b, true)
}

// serveFresh serves b, rendered for this request: never cached, HTML with
// the pages' Content-Security-Policy, else JSON.
func serveFresh(w http.ResponseWriter, r *http.Request, b []byte, html bool) {
	serveFreshStatus(w, r, http.StatusOK, b, html)
}

// serveFreshStatus is serveFresh with another status (an error page).
func serveFreshStatus(w http.ResponseWriter, r *http.Request, status int, b []byte, html bool) {
	hdr := w.Header()
	if html {
		hdr.Set("Content-Type", "text/html; charset=utf-8")
		hdr.Set("Content-Security-Policy", pageCSP)
		hdr.Set("Referrer-Policy", pageReferrerPolicy)
	} else {
		hdr.Set("Content-Type", "application/json; charset=utf-8")
	}
	hdr.Set("Content-Length", strconv.Itoa(len(b)))
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}
