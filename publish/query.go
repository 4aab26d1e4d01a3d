package publish

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/sanitize"
)

// filter is a feed's query: which entries a rendering holds. The zero Lang,
// Facet, Text and Before mean all; Limit is always set (Options.MaxItems when
// not asked).
type filter struct {
	Lang   string
	Facet  string
	Text   string           // a search: words separated by single spaces
	Before aggregate.Cursor // a page back: the entries after this place
	Limit  int
}

// Limits of a search (?q=): the words of a query, and the entries a page of
// results holds.
const (
	maxQueryRunes = 100
	maxQueryWords = 8
	searchLimit   = 50
)

// facetPattern is what a facet name may look like: facets come from the topic
// profile, which publish does not know, so only the shape is checked here.
var facetPattern = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}_.-]{0,63}$`)

// errBadQuery marks a query a client got wrong (answered with 400).
var errBadQuery = errors.New("publish: bad query")

// parseFilter reads lang, category, q, before and limit from a raw query.
// Other parameters are ignored (readers add cache busters); an empty value
// means "not given"; a limit above MaxLimit (searchLimit for a search) is
// capped rather than refused.
func parseFilter(raw string, o Options) (filter, error) {
	f := filter{Limit: o.MaxItems}
	if raw == "" {
		return f, nil
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return f, badQuery("malformed query string")
	}
	get := func(k string) (string, error) {
		vs := q[k]
		if len(vs) > 1 {
			return "", badQuery(k + " is given more than once")
		}
		if len(vs) == 0 {
			return "", nil
		}
		return strings.TrimSpace(vs[0]), nil
	}
	lang, err := get("lang")
	if err != nil {
		return f, err
	}
	if f.Lang, err = parseLang(lang); err != nil {
		return f, err
	}
	facet, err := get("category")
	if err != nil {
		return f, err
	}
	if f.Facet, err = parseFacet(facet, o); err != nil {
		return f, err
	}
	limit, err := get("limit")
	if err != nil {
		return f, err
	}
	if limit != "" {
		n, err := strconv.Atoi(limit)
		if errors.Is(err, strconv.ErrRange) && limit[0] != '-' {
			n, err = o.MaxLimit, nil // a whole number past any cap is the cap
		}
		if err != nil || n < 1 {
			return f, badQuery("limit must be a whole number of at least 1")
		}
		f.Limit = min(n, o.MaxLimit)
	}
	text, err := get("q")
	if err != nil {
		return f, err
	}
	if f.Text, err = searchText(text); err != nil {
		return f, err
	}
	if f.Text != "" {
		f.Limit = min(f.Limit, searchLimit)
	}
	before, err := get("before")
	if err != nil {
		return f, err
	}
	if before != "" {
		if f.Before, err = parseCursor(before, o.Location); err != nil {
			return f, err
		}
	}
	return f, nil
}

// parseLang reads lang=: ko or en, case aside; "" for all.
func parseLang(lang string) (string, error) {
	switch lang = strings.ToLower(lang); lang {
	case "", "ko", "en":
		return lang, nil
	}
	return "", badQuery("lang must be ko or en")
}

// parseFacet reads category=: a facet of the topic profile, case aside (as lang:
// ?category=Regulation is regulation), spelt as the profile spells it, since the
// store compares exactly; any facet name where the profile's are not known.
func parseFacet(facet string, o Options) (string, error) {
	if facet == "" {
		return "", nil
	}
	if !facetPattern.MatchString(facet) {
		return "", badQuery("category must be a facet name: letters, digits, '-', '_' or '.', at most 64")
	}
	if o.Facets == nil {
		return facet, nil
	}
	i := slices.IndexFunc(o.Facets, func(name string) bool { return strings.EqualFold(name, facet) })
	if i < 0 {
		return "", badQuery(fmt.Sprintf("unknown category %q: the categories are %s", facet, strings.Join(o.Facets, ", ")))
	}
	return o.Facets[i], nil
}

// searchText is a search as the store takes it: plain text, its words
// separated by single spaces, within maxQueryRunes and maxQueryWords.
func searchText(raw string) (string, error) {
	if utf8.RuneCountInString(raw) > maxQueryRunes {
		return "", badQuery(fmt.Sprintf("q must be at most %d characters", maxQueryRunes))
	}
	words := strings.Fields(sanitize.Line(raw))
	if len(words) > maxQueryWords {
		return "", badQuery(fmt.Sprintf("q must be at most %d words", maxQueryWords))
	}
	return strings.Join(words, " "), nil
}

// parseCursor reads before=: a place in the feed as the page's link to older
// stories writes it (UNIX-STORY, the Unix time of a story and its id), or a
// day (2026-05-03: the stories published before it began, in loc).
func parseCursor(s string, loc *time.Location) (aggregate.Cursor, error) {
	if day, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		if day.Unix() <= 0 {
			// A place before 1970 could not be written back into the page's own links.
			return aggregate.Cursor{}, badQuery("before must be a day from 1970-01-02 on (2026-05-03) or a place the page gave (1777777777-123)")
		}
		return aggregate.Cursor{Published: day}, nil
	}
	secs, id, _ := strings.Cut(s, "-")
	n, err := strconv.ParseInt(secs, 10, 64)
	if err != nil || n <= 0 || n > maxCursorTime {
		return aggregate.Cursor{}, badQuery("before must be a day (2026-05-03) or a place the page gave (1777777777-123)")
	}
	c := aggregate.Cursor{Published: time.Unix(n, 0).UTC()}
	if id != "" {
		if c.StoryID, err = strconv.ParseInt(id, 10, 64); err != nil || c.StoryID <= 0 {
			return aggregate.Cursor{}, badQuery("before must be a day (2026-05-03) or a place the page gave (1777777777-123)")
		}
	}
	return c, nil
}

// maxCursorTime is the last second of year 9999.
const maxCursorTime = 253402300799

// encodeCursor writes c as parseCursor reads it.
func encodeCursor(c aggregate.Cursor) string {
	s := strconv.FormatInt(c.Published.Unix(), 10)
	if c.StoryID > 0 {
		s += "-" + strconv.FormatInt(c.StoryID, 10)
	}
	return s
}

func badQuery(msg string) error { return &queryError{msg} }

type queryError struct{ msg string }

func (e *queryError) Error() string { return e.msg }
func (e *queryError) Unwrap() error { return errBadQuery }

// encode is the filter's canonical query string ("" for the default rendering), so
// that equal filters share one cache slot and self links are stable.
func (f filter) encode(o Options) string {
	var parts []string
	if f.Lang != "" {
		parts = append(parts, "lang="+f.Lang)
	}
	if f.Facet != "" {
		parts = append(parts, "category="+url.QueryEscape(f.Facet))
	}
	if f.Text != "" {
		parts = append(parts, "q="+url.QueryEscape(f.Text))
	}
	if !f.Before.Published.IsZero() {
		parts = append(parts, "before="+encodeCursor(f.Before))
	}
	if f.Limit != f.defaultLimit(o) {
		parts = append(parts, "limit="+strconv.Itoa(f.Limit))
	}
	return strings.Join(parts, "&")
}

// defaultLimit is the entries a rendering of f holds when limit= is not given.
func (f filter) defaultLimit(o Options) int {
	if f.Text != "" {
		return min(o.MaxItems, searchLimit)
	}
	return o.MaxItems
}

// page is the URL of the web page that shows f: the search page for a search.
// langLabels are the languages a reader may filter by, as the page names them
// ("" is all of them).
var langLabels = []struct{ lang, label string }{{"", "All"}, {"ko", "한국어"}, {"en", "English"}}

// label says what f selects, for the page's heading and a filtered feed's
// title ("한국어 · regulation · “반도체”"); "" for the whole feed.
func (f filter) label() string {
	var label []string
	for _, l := range langLabels {
		if l.lang != "" && f.Lang == l.lang {
			label = append(label, l.label)
		}
	}
	if f.Facet != "" {
		label = append(label, f.Facet)
	}
	if f.Text != "" {
		label = append(label, "“"+f.Text+"”")
	}
	return strings.Join(label, " · ")
}

func (f filter) page(o Options) string {
	if f.Text != "" {
		return f.url(o, "search")
	}
	return f.url(o, "")
}

// url returns the URL of document name (relative to BaseURL, "" for the page)
// carrying the filter.
func (f filter) url(o Options, name string) string {
	s := o.BaseURL + name
	if q := f.encode(o); q != "" {
		s += "?" + q
	}
	return s
}
