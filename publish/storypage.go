package publish

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"html/template"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/sanitize"
	"github.com/gleaner/gleaner/internal/redact"
)

// A story page (/story/ID, /story/ID.json) lists every report of a story: an
// entry of the curated feed names only the first few (Options.MaxRelated) and
// links to it.

// storyView is a story page's data, cleaned as feedView is: text is plain, URLs
// are absolute http(s) or "".
type storyView struct {
	ID        int64             `json:"id"`
	URL       string            `json:"url"`
	EntryID   string            `json:"entry_id"`
	Title     string            `json:"title"`
	TitleLang string            `json:"-"` // the lead's language, for the page's heading
	Updated   time.Time         `json:"updated"`
	Languages []string          `json:"languages"`
	Reports   int               `json:"reports"`
	Members   []storyMemberView `json:"members"`
}

type storyMemberView struct {
	Outlet     string     `json:"outlet"`
	Via        string     `json:"via,omitempty"` // the aggregator's feed an outlet's report came through
	FeedURL    string     `json:"feed_url,omitempty"`
	Title      string     `json:"title"`
	URL        string     `json:"url,omitempty"`
	Language   string     `json:"language,omitempty"`
	Published  *time.Time `json:"date_published,omitempty"`
	Lead       bool       `json:"lead,omitempty"`
	Similarity float64    `json:"similarity"`
}

func buildStory(o Options, st *aggregate.Story) *storyView {
	v := &storyView{ID: st.ID, URL: storyURL(o, st.ID), EntryID: st.EntryID, Updated: utc(st.Updated),
		Reports: max(st.Reports, len(st.Members)), Members: make([]storyMemberView, 0, len(st.Members)), Languages: []string{}}
	seen := map[string]bool{}
	for _, m := range st.Members {
		if u := relatedURL(m.Related); u != "" && seen[u] && !m.Lead {
			v.Reports-- // the same article from a second feed: one report
			continue
		}
		seen[relatedURL(m.Related)] = true
		out := outletOf(m.Outlet)
		mv := storyMemberView{
			Outlet:     out.Name,
			Via:        out.Via,
			FeedURL:    out.FeedURL,
			Title:      relatedTitle(m.Related),
			URL:        relatedURL(m.Related),
			Language:   langTag(m.Lang),
			Published:  timePtr(m.Published),
			Lead:       m.Lead,
			Similarity: m.Similarity,
		}
		if mv.Title == "" {
			mv.Title = mv.Outlet
		}
		if m.Lead || v.Title == "" {
			v.Title, v.TitleLang = mv.Title, mv.Language
		}
		if m.Lead {
			v.EntryID = redact.Scrub(v.EntryID, redact.Secrets(m.Outlet.FeedURL))
		}
		v.Members = append(v.Members, mv)
	}
	for _, l := range st.Langs {
		if l = langTag(l); l != "" {
			v.Languages = append(v.Languages, l)
		}
	}
	if v.Title == "" {
		v.Title = "Story " + strconv.FormatInt(st.ID, 10)
	}
	return v
}

func renderStoryJSON(v *storyView) ([]byte, error) { return indentJSON(v) }

var storyTemplate = parseTemplate("story.html")

func renderStoryHTML(v *storyView, o Options) ([]byte, error) {
	d := struct {
		*storyView
		CSS                template.CSS
		MetaCSP            string
		FeedTitle, HomeURL string
		JSONURL            string
	}{storyView: v, CSS: template.CSS(pageCSS), MetaCSP: metaCSP, FeedTitle: sanitize.Text(o.Title), HomeURL: o.BaseURL,
		JSONURL: v.URL + ".json"}
	// Absolute times: the page is kept until the story changes.
	return execute(storyTemplate, clock{loc: o.Location}, d, nil)
}

// Story pages in both forms.
const (
	storyHTML = iota
	storyJSON
	nStoryForms
)

var storyTypes = [nStoryForms]string{"text/html; charset=utf-8", "application/json; charset=utf-8"}

// storyDocs are the renderings of one story page. version is what they were
// made from (see storyVersion); gen, the Refresh they were made after.
type storyDocs struct {
	version string
	gen     uint64
	docs    [nStoryForms]*doc
	size    int
}

// maxStoryBytes bounds the memory of the story pages kept rendered: a story of
// thousands of reports makes a page of a megabyte or more.
const maxStoryBytes = 32 << 20

// errNoStory marks a story that does not exist or is not published.
var errNoStory = errors.New("publish: no such story")

// storyVersion identifies what a story page shows, as much as an entry tells:
// who leads, how many reports, when it last changed.
func storyVersion(lead int64, reports int, updated time.Time) string {
	return fmt.Sprintf("%d/%d/%d", lead, reports, updated.Unix())
}

// storyDocument returns story id's page in form f: kept from an earlier
// rendering while the store cannot have changed it (no Refresh since, or the
// curated feed's entry for it says it is the same), else read and rendered.
func (h *Handler) storyDocument(ctx context.Context, id int64, f int) (*doc, error) {
	h.mu.Lock()
	sd, gen, o := h.stories[id], h.storyGen, h.opts
	h.mu.Unlock()
	var current string
	if set := h.defaults.Load(); set != nil {
		current = set.versions[id]
	}
	if sd != nil && (sd.gen == gen || current != "" && sd.version == current) {
		return sd.docs[f], nil
	}
	release, err := h.renderSlot(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), variantTimeout)
	defer cancel()
	st, ok, err := h.lister.Story(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("publish: story %d: %w", id, err)
	}
	if !ok {
		return nil, errNoStory
	}
	if st.ID != id {
		return nil, movedStory(st.ID)
	}
	v := buildStory(o, &st)
	next := &storyDocs{gen: gen}
	for _, m := range st.Members {
		if m.Lead {
			// The store's count, as the feed's entry gives it (Refresh), not the
			// page's, which counts an article two feeds carried once.
			next.version = storyVersion(m.ItemID, max(st.Reports, len(st.Members)), st.Updated)
		}
	}
	hdr := feedHeaders(o)
	// /story/ID answers with either form, by Accept.
	hdr["Vary"] = []string{"Accept"}
	for form := range nStoryForms {
		var b []byte
		if form == storyHTML {
			b, err = renderStoryHTML(v, o)
		} else {
			b, err = renderStoryJSON(v)
		}
		if err != nil {
			return nil, fmt.Errorf("publish: render story %d: %w", id, err)
		}
		var prev *validator
		if sd != nil {
			prev = sd.docs[form].validator()
		}
		extra := hdr
		if form == storyHTML {
			extra = withHeaders(hdr, "Content-Security-Policy", pageCSP, "Referrer-Policy", pageReferrerPolicy)
		}
		next.docs[form] = newDoc(b, storyTypes[form], h.lastModFloor(st.Updated, prev), prev, h.now(), extra, gzip.DefaultCompression)
		next.size += len(next.docs[form].body) + len(next.docs[form].gz)
	}
	h.keepStory(id, next)
	return next.docs[f], nil
}

// keepStory keeps sd for later requests, within maxStoryBytes.
func (h *Handler) keepStory(id int64, sd *storyDocs) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.dropStory(id)
	if sd.size > maxStoryBytes/4 {
		return // served, not kept: it would crowd out every other page
	}
	for other, o := range h.stories {
		if h.storyBytes+sd.size <= maxStoryBytes {
			break
		}
		h.storyBytes -= o.size
		delete(h.stories, other)
	}
	h.stories[id] = sd
	h.storyBytes += sd.size
}

// dropStory forgets the kept pages of story id. h.mu is held.
func (h *Handler) dropStory(id int64) {
	if old := h.stories[id]; old != nil {
		h.storyBytes -= old.size
		delete(h.stories, id)
	}
}

// movedStory is the story a requested one was merged into.
type movedStory int64

func (m movedStory) Error() string { return "story merged into " + strconv.FormatInt(int64(m), 10) }

// storyPath reads /story/ID and /story/ID.json.
func storyPath(p string) (id int64, json, ok bool) {
	rest, ok := strings.CutPrefix(p, "/story/")
	if !ok {
		return 0, false, false
	}
	rest, json = strings.CutSuffix(rest, ".json")
	if rest == "" || len(rest) > 18 || strings.TrimLeft(rest, "0123456789") != "" || rest[0] == '0' {
		return 0, false, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, json, err == nil
}

// wantsJSON reads an Accept header that asks for JSON rather than a page.
func wantsJSON(accept []string) bool {
	page, js, _ := acceptQualities(accept)
	return js > 0 && js > page
}

// acceptQualities reads the quality an Accept header gives an HTML page, JSON
// and plain text.
func acceptQualities(accept []string) (page, js, text float64) {
	for _, h := range accept {
		for _, part := range strings.Split(h, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			q := 1.0
			if v, ok := params["q"]; ok {
				if q, err = strconv.ParseFloat(v, 64); err != nil || q < 0 || q > 1 {
					continue
				}
			}
			switch mt {
			case "application/json":
				js = max(js, q)
			case "text/html":
				page = max(page, q)
			case "text/plain":
				text = max(text, q)
			}
		}
	}
	return page, js, text
}

// wantsPage reports whether a client's Accept header asks for an HTML page
// (a browser's does) before JSON and plain text, rather than anything else or
// nothing.
func wantsPage(accept []string) bool {
	page, js, text := acceptQualities(accept)
	return page > 0 && page >= js && page >= text
}

// serveStory serves a story page: HTML, or JSON for /story/ID.json or an
// Accept header that asks for JSON.
func (h *Handler) serveStory(w http.ResponseWriter, r *http.Request) {
	id, asJSON, ok := storyPath(r.URL.Path)
	f := storyHTML
	// By the name's ending, also where it names no story (/story/abc.json).
	if strings.HasSuffix(r.URL.Path, ".json") || wantsJSON(r.Header["Accept"]) {
		f = storyJSON
	}
	// Whether it is a page or JSON turns on Accept, found or not.
	w.Header().Add("Vary", "Accept")
	if !ok {
		if f == storyHTML {
			renderError(w, r, h.options(), http.StatusNotFound, "There is no story page at this address: story pages are /story/ followed by a number.")
			return
		}
		http.NotFound(w, r)
		return
	}
	d, err := h.storyDocument(r.Context(), id, f)
	var moved movedStory
	switch {
	case errors.As(err, &moved):
		// Merged into another story of the same event: its page,
		// by a reference relative to this one, right behind a proxy's path prefix too.
		to := strconv.FormatInt(int64(moved), 10)
		if asJSON {
			to += ".json"
		}
		w.Header().Set("Location", to)
		w.WriteHeader(http.StatusMovedPermanently)
	case errors.Is(err, errNoStory) && f == storyHTML:
		renderError(w, r, h.options(), http.StatusNotFound,
			fmt.Sprintf("Story %d is not in the curated feed: it may have left it, or the address is wrong.", id))
	case errors.Is(err, errNoStory):
		http.Error(w, "no such story in the curated feed", http.StatusNotFound)
	case err != nil:
		h.log.Error("render story page", "story", id, "error", err)
		http.Error(w, "the story page is unavailable right now; try again later", http.StatusServiceUnavailable)
	default:
		d.serve(w, r)
	}
}
