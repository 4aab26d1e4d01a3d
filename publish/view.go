package publish

import (
	"fmt"
	"html"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/sanitize"
	"github.com/gleaner/gleaner/aggregate/story"
	"github.com/gleaner/gleaner/internal/redact"
	"github.com/gleaner/gleaner/internal/textcut"
)

// epoch stands in for a date when there is none (an empty feed still needs an
// Atom <updated>): fixed, so that an unchanged feed keeps its bytes and its ETag.
var epoch = time.Unix(0, 0).UTC()

// feedView is one rendering's data, cleaned once and shared by every format: text
// is plain (sanitize.Text), content is sanitised HTML, URLs are absolute http(s) or "".
type feedView struct {
	Title, Description string
	BaseURL            string
	Filter             filter
	Lang               string    // the feed's language tag, "" when it has no items to tell
	Updated            time.Time // newest entry update, epoch for an empty feed
	Hub                string
	Entries            []entryView
	// Now is the moment of an HTML rendering, which its relative times count
	// from; zero for absolute times only (a static export).
	Now time.Time
	// Empty says why the curated feed is empty, for the page; nil when it is
	// not, or when nothing is known.
	Empty *emptyState
	// Older is the place of the last entry, from which the page links to
	// older stories.
	Older aggregate.Cursor
	// NoneOlder: the page's query looked one entry further and found none, so
	// a full page has no older one to link to (unknown for the default set).
	NoneOlder bool
	// Static: a page for a static file host (gleaner export), which has no
	// search and no pages back.
	Static bool
}

type entryView struct {
	ID        string
	Title     string
	URL       string // the original article, "" if it had no usable link
	Summary   string
	Lang      string // "ko", "en" or ""
	Body      string // the original's sanitised HTML, may be empty
	Published time.Time
	Updated   time.Time
	Author    string // the outlet's name: in a feed of many outlets, the source is the author
	Byline    string // the original's author, when it names one
	Facets    []string
	Why       string // shortened reasons the topic filter kept it
	Score     float64
	Outlet    outletView
	Also      []relatedView  // the other reports named, grouped by language (the lead's first)
	Groups    []relatedGroup // Also by language
	Reports   int            // the story's reports, the lead's among them
	More      int            // reports not named in Also
	Langs     []string       // the languages that reported it, the lead's first
	StoryURL  string         // the story page, for a story of several reports
}

type outletView struct {
	Name     string // the item's origin, else the configured name, else the feed's title, else its host
	Via      string // when Name is the origin an aggregator's item names: the aggregator's name
	Title    string // the feed's own title, else its name
	FeedURL  string
	Link     string // the feed's site
	Author   string // the outlet's page for the entry's author: the origin's link, else Link
	SourceID string // the feed's Atom id, else its feed URL (RFC 4287 section 4.2.11)
}

type relatedView struct {
	Outlet     string
	Title      string
	URL        string
	Lang       string
	Published  time.Time
	Similarity float64
}

// relatedGroup is the other reports of one language, as an entry names them:
// "Also reported by" (the lead's language) or "Also reported in English by".
type relatedGroup struct {
	Label string
	Lang  string
	Items []relatedView
}

// keptPrefix marks the reason that says in plain words why an item was kept
// (topic.Result.Reasons).
const keptPrefix = "kept: "

// Limits on what the HTML page and the content blocks show of an entry.
const (
	summaryRunes = 400
	whyRunes     = 160
	whyReasons   = 3
)

// feedTitle is the feed's title, with what a filtered feed selects after it
// ("AI policy · 한국어", "AI policy · “Senate”"), so that a reader subscribed to
// several can tell them apart.
func (v *feedView) feedTitle() string {
	if l := v.Filter.label(); l != "" {
		return v.Title + " · " + l
	}
	return v.Title
}

func buildView(o Options, f filter, entries []aggregate.Entry) *feedView {
	o = o.withDefaults()
	v := &feedView{
		Title:       sanitize.Text(o.Title),
		Description: sanitize.Text(o.Description),
		BaseURL:     o.BaseURL,
		Filter:      f,
		Hub:         o.Hub,
		Updated:     epoch,
		Entries:     make([]entryView, 0, len(entries)),
	}
	counts := map[string]int{}
	for i := range entries {
		v.Older = entries[i].Cursor
		e := entryOf(o, &entries[i])
		if e.Updated.After(v.Updated) {
			v.Updated = e.Updated
		}
		counts[e.Lang]++
		v.Entries = append(v.Entries, e)
	}
	switch {
	case f.Lang != "":
		v.Lang = f.Lang
	case o.Language != "":
		v.Lang = o.Language
	case counts["ko"] > 0 && counts["ko"] >= counts["en"]:
		v.Lang = "ko"
	case counts["en"] > 0:
		v.Lang = "en"
	}
	return v
}

func entryOf(o Options, en *aggregate.Entry) entryView {
	it := &en.Item
	e := entryView{
		ID:     en.ID,
		Title:  sanitize.Text(it.Title),
		URL:    httpURL(it.URL),
		Lang:   langTag(it.Lang),
		Body:   bodies.body(it.Content, it.URL),
		Score:  it.Verdict.Score,
		Outlet: outletOf(en.Outlet),
	}
	if e.ID == "" {
		// The store computes ids; should one be missing, derive the same stable id
		// rather than let a random one make readers show the entry again.
		e.ID = aggregate.EntryID(en.Outlet.FeedURL, *it)
	}
	// A feed that is asked with a token may repeat it in its items: their links,
	// ids, bodies, and text ("manage this alert at ...?token=..."), scrubbed below.
	secrets := redact.Secrets(en.Outlet.FeedURL)
	if secrets != nil {
		e.ID, e.URL, e.Body = redact.Scrub(e.ID, secrets), redact.Scrub(e.URL, secrets), redact.Scrub(e.Body, secrets)
	}
	e.URL = escapeNonURI(e.URL) // after the scrub, which finds secrets as written
	e.Summary = shorten(sanitize.Text(it.Summary), summaryRunes)
	if e.Summary == "" {
		e.Summary = shorten(sanitize.Text(e.Body), summaryRunes)
	}
	if e.Title == "" {
		e.Title = untitled(e.Summary)
	}
	if e.Title == "" {
		e.Title = e.Outlet.Name
	}
	if e.Summary == "" {
		e.Summary = e.Title
	}

	e.Published = utc(it.Published)
	if e.Published.IsZero() {
		// An item without a date is published, as far as anyone can tell, when
		// gleaner first saw it.
		e.Published = utc(it.FirstSeen)
	}
	e.Updated = latest(utc(en.Updated), utc(it.Updated), e.Published)
	if e.Updated.IsZero() {
		e.Updated = epoch
	}
	if e.Published.IsZero() {
		e.Published = e.Updated
	}

	e.Author = e.Outlet.Credit()
	if a := sanitize.Text(it.Author); a != e.Outlet.Name && a != e.Author && a != e.Outlet.Title {
		e.Byline = a
	}
	facets := en.Facets // the story's, by which ?category= finds it
	if facets == nil {
		facets = it.Verdict.Facets
	}
	for _, f := range facets {
		// Facets are the topic profile's names; anything else would make a
		// category a reader cannot ask for with ?category=.
		if f = sanitize.Text(f); facetPattern.MatchString(f) && !slices.Contains(e.Facets, f) {
			e.Facets = append(e.Facets, f)
		}
	}
	e.Why = why(it.Verdict.Reasons)
	if secrets != nil {
		e.Title, e.Summary, e.Byline, e.Why = redact.Scrub(e.Title, secrets), redact.Scrub(e.Summary, secrets),
			redact.Scrub(e.Byline, secrets), redact.Scrub(e.Why, secrets)
	}

	seen := map[string]bool{e.URL: true}
	copies := 0 // reports of an article already named: one article, two feeds
	for _, r := range en.Also {
		u := relatedURL(r)
		if u != "" && seen[u] {
			copies++
		}
		if u == "" || seen[u] {
			continue
		}
		seen[u] = true
		a := relatedView{
			Outlet:     outletOf(r.Outlet).Credit(),
			Title:      relatedTitle(r),
			URL:        u,
			Lang:       langTag(r.Lang),
			Published:  utc(r.Published),
			Similarity: r.Similarity,
		}
		e.Also = append(e.Also, a)
		g := slices.IndexFunc(e.Groups, func(g relatedGroup) bool { return g.Lang == a.Lang })
		if g < 0 {
			g = len(e.Groups)
			e.Groups = append(e.Groups, relatedGroup{Lang: a.Lang, Label: alsoLabel(e.Lang, a.Lang)})
		}
		e.Groups[g].Items = append(e.Groups[g].Items, a)
	}
	// Stories listed before the store counted reports, or fixtures, may not say.
	// An article two of the sources carry (a publisher's feed of everything and
	// its feed of one section) is one report: it was counted twice, and "and
	// 1 more report" led to the story page listing the lead's own link again.
	e.Reports = max(en.Reports, 1+len(en.Also)) - copies
	e.More = max(0, e.Reports-1-len(e.Also))
	for _, l := range story.Languages(it.Lang, en.Langs) {
		if l = langTag(l); l != "" && !slices.Contains(e.Langs, l) {
			e.Langs = append(e.Langs, l)
		}
	}
	if e.Reports > 1 && it.StoryID > 0 {
		e.StoryURL = storyURL(o, it.StoryID)
	}
	return e
}

// alsoLabel introduces an entry's other reports of language lang.
func alsoLabel(lead, lang string) string {
	if lang == lead || lang == "" {
		return "Also reported by"
	}
	return "Also reported in " + langEnglish(lang) + " by"
}

// langEnglish names a language tag in English.
func langEnglish(tag string) string {
	switch tag {
	case "ko":
		return "Korean"
	case "en":
		return "English"
	}
	return tag
}

// languages names tags in English: "Korean", "Korean and English".
func languages(tags []string) string {
	names := make([]string, len(tags))
	for i, t := range tags {
		names[i] = langEnglish(t)
	}
	switch n := len(names); n {
	case 0:
		return ""
	case 1:
		return names[0]
	default:
		return strings.Join(names[:n-1], ", ") + " and " + names[n-1]
	}
}

// reportsLine says how many reports a story has and in which languages.
func reportsLine(reports int, langs []string) string {
	s := plural(reports, "report")
	if l := languages(langs); l != "" {
		s += " in " + l
	}
	return s
}

// moreLine is the text of an entry's link to its story page: more reports not
// named, of reports in all.
func moreLine(more, reports int) string {
	if more > 0 {
		noun := " more reports"
		if more == 1 {
			noun = " more report"
		}
		return "and " + strconv.Itoa(more) + noun
	}
	return "all " + plural(reports, "report")
}

// plural is n and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n != 1 {
		noun += "s"
	}
	return strconv.Itoa(n) + " " + noun
}

// storyURL is the address of story id's page.
func storyURL(o Options, id int64) string {
	return o.BaseURL + "story/" + strconv.FormatInt(id, 10)
}

// relatedURL is the published link of another outlet's report, cleaned of
// that outlet's secrets (see outletOf).
func relatedURL(r aggregate.Related) string {
	return escapeNonURI(redact.Scrub(httpURL(r.URL), redact.Secrets(r.Outlet.FeedURL)))
}

// relatedTitle is the published title of another outlet's report, cleaned of
// that outlet's secrets.
func relatedTitle(r aggregate.Related) string {
	t := sanitize.Text(r.Title)
	if t == "" {
		t = untitled(sanitize.Text(r.Summary)) // as its own entry is titled
	}
	return redact.Scrub(t, redact.Secrets(r.Outlet.FeedURL))
}

// untitled is the title of a report that has none, from its lead: the feeds,
// the page and the story page name it alike.
func untitled(lead string) string { return shorten(lead, 80) }

// Credit is the outlet's name as feeds give it: with the feed it came through
// when the name is an item's <source>. That is the feed's word for it, so the
// feed is named with it, as on the page ("via"), and a source cannot pass its
// items off as another outlet's in readers.
func (v outletView) Credit() string {
	if v.Via == "" {
		return v.Name
	}
	return v.Name + " (via " + v.Via + ")"
}

// maxDefaultNameBytes bounds the feed title that names a source the config does
// not name (outletOf): 80 Latin letters, about 26 Hangul syllables.
const maxDefaultNameBytes = 80

// outletOf is an outlet as published. The feed URL is the configured one and
// may carry credentials or an API key: only its redacted form is published, and
// the feed's own id and site link, which some feeds build from the URL they
// were asked for, are cleaned of its secrets too.
func outletOf(o aggregate.Outlet) outletView {
	secrets := redact.Secrets(o.FeedURL)
	v := outletView{
		Name:    redact.Scrub(sanitize.Text(o.Name), secrets),
		Title:   redact.Scrub(sanitize.Text(o.Title), secrets),
		FeedURL: escapeNonURI(redact.URL(httpURL(o.FeedURL))),
		Link:    escapeNonURI(redact.Scrub(redact.URL(httpURL(o.Link)), secrets)),
	}
	if v.Name == "" {
		v.Name = v.Title
	}
	if v.Title != "" {
		// A source the config does not name is named by its URL's host (see
		// config): readers are shown the feed's own title too, which tells
		// outlets on one host apart, with the host, which the feed cannot
		// choose ("Reuters (evil.example)"); the title cut to a name's length.
		u, err := url.Parse(o.FeedURL)
		if title := strings.TrimSpace(textcut.Prefix(v.Title, maxDefaultNameBytes)); err == nil && u.Host != "" &&
			strings.EqualFold(v.Name, u.Host) && !strings.EqualFold(title, u.Host) && strings.IndexFunc(title, isLetterOrDigit) >= 0 {
			v.Name = title + " (" + v.Name + ")"
		}
	}
	if v.Name == "" {
		if u, err := url.Parse(o.FeedURL); err == nil && u.Host != "" {
			v.Name = u.Host
		} else {
			v.Name = "unknown source"
		}
	}
	if v.Title == "" {
		v.Title = v.Name
	}
	v.SourceID = redact.Scrub(redact.URL(strings.TrimSpace(o.FeedID)), secrets)
	if v.SourceID == "" || len(v.SourceID) > aggregate.MaxURLLen || strings.ContainsAny(v.SourceID, " \t\r\n<>\"") {
		v.SourceID = v.FeedURL
	}
	v.Author = v.Link
	// An aggregator's item (Google News) is the report of the outlet it names;
	// the feed it came through stays the entry's source.
	if origin := redact.Scrub(sanitize.Text(o.Origin), secrets); origin != "" {
		v.Via, v.Name = v.Name, origin
		v.Author = escapeNonURI(redact.Scrub(redact.URL(httpURL(o.OriginLink)), secrets))
	}
	return v
}

// why turns the filter's reasons into one short line for readers: the
// curator's reason alone when a curator labelled the item, else the plain
// summary the filter puts first ("kept: government (과기정통부) · AI
// (초거대AI)") when there is one, else the first few reasons and how many
// more there were.
func why(reasons []string) string {
	if len(reasons) > 0 && aggregate.IsCuratorReason(reasons[0]) {
		return shorten(sanitize.Line(reasons[0]), whyRunes)
	}
	if len(reasons) > 0 {
		if plain, ok := strings.CutPrefix(reasons[0], keptPrefix); ok {
			return shorten(sanitize.Line(plain), whyRunes)
		}
	}
	var parts []string
	for _, r := range reasons {
		if r = sanitize.Line(r); r != "" {
			parts = append(parts, r)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	s := strings.Join(parts[:min(len(parts), whyReasons)], "; ")
	if n := len(parts) - whyReasons; n > 0 {
		s += " (+" + strconv.Itoa(n) + " more)"
	}
	return shorten(s, whyRunes)
}

// shorten cuts s to at most n runes, at a space when one is near the end, and
// marks the cut with an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	cut := 0
	for i := range s {
		if n == 0 {
			cut = i
			break
		}
		n--
	}
	t := s[:cut]
	if sp := strings.LastIndexByte(t, ' '); sp > len(t)*3/4 {
		t = t[:sp]
	}
	return strings.TrimRight(t, " ,.;:") + "…"
}

// contentHTML is the HTML body every feed format carries for an entry: the
// original's sanitised content (or its summary), why it was kept, and the other
// outlets that reported the story. Everything not already sanitised is escaped here.
func contentHTML(e *entryView) string {
	var b strings.Builder
	if e.Body != "" {
		b.WriteString(e.Body)
	} else {
		b.WriteString("<p>" + html.EscapeString(e.Summary) + "</p>")
	}
	if e.Why != "" {
		b.WriteString("\n<p><small>Why it was kept: " + html.EscapeString(e.Why) + "</small></p>")
	}
	if e.Reports > 1 {
		b.WriteString("\n<p>" + html.EscapeString(reportsLine(e.Reports, e.Langs)) + ".</p>")
	}
	// One line per language, outlets only, as the page shows them: a story of many
	// reports names ten in every format, and their titles are in the related
	// links (Atom), the JSON Feed's extension and the story page.
	for _, g := range e.Groups {
		b.WriteString("\n<p>" + html.EscapeString(g.Label) + ": ")
		for i, a := range g.Items {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("<a href=\"" + html.EscapeString(a.URL) + "\" rel=\"" + sanitize.LinkRel + "\">" + html.EscapeString(a.Outlet) + "</a>")
		}
		b.WriteString("</p>")
	}
	if e.StoryURL != "" {
		b.WriteString("\n<p><a href=\"" + html.EscapeString(e.StoryURL) + "\" rel=\"" + sanitize.LinkRel + "\">" +
			html.EscapeString(moreLine(e.More, e.Reports)) + "</a></p>")
	}
	return b.String()
}

// httpURL returns s when it is an absolute http(s) URL of at most
// aggregate.MaxURLLen bytes, else "": the formats link only to web pages,
// whatever the store holds.
func httpURL(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > aggregate.MaxURLLen {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return ""
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return s // as written, for the scrub of secrets; escapeNonURI after it
	}
	return ""
}

// escapeNonURI percent-encodes the ASCII bytes no URI or IRI may hold (RFC 3986,
// 3987): spaces, controls, and " < > \ ^ ` { | }, which a source's link may carry
// in its query ("?x=<y>") and Atom and RSS would publish as they are.
func escapeNonURI(s string) string {
	bad := func(c byte) bool { return c <= ' ' || c == 0x7f || strings.IndexByte("\"<>\\^`{|}", c) >= 0 }
	if !strings.ContainsFunc(s, func(r rune) bool { return r < utf8.RuneSelf && bad(byte(r)) }) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; bad(c) {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func langTag(s string) string {
	switch s = strings.ToLower(strings.TrimSpace(s)); s {
	case "ko", "en":
		return s
	}
	return ""
}

// utc drops the location and the sub-second part: every format writes whole
// seconds, and the same instant must render the same bytes wherever it came from.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Second)
}

func latest(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
