package publish

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// filter is a feed's query: which entries a rendering holds. The zero Lang and
// Facet mean all; Limit is always set (Options.MaxItems when not asked).
type filter struct {
	Lang  string
	Facet string
	Limit int
}

// facetPattern is what a facet name may look like: facets come from the topic
// profile, which publish does not know, so only the shape is checked here.
var facetPattern = regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}_.-]{0,63}$`)

// errBadQuery marks a query a client got wrong (answered with 400).
var errBadQuery = errors.New("publish: bad query")

// parseFilter reads lang, category and limit from a raw query. Other parameters
// are ignored (readers add cache busters); an empty value means "not given"; a
// limit above MaxLimit is capped rather than refused.
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
	switch lang = strings.ToLower(lang); lang {
	case "", "ko", "en":
		f.Lang = lang
	default:
		return f, badQuery("lang must be ko or en")
	}
	facet, err := get("category")
	if err != nil {
		return f, err
	}
	if facet != "" {
		if !facetPattern.MatchString(facet) {
			return f, badQuery("category must be a facet name: letters, digits, '-', '_' or '.', at most 64")
		}
		if o.Facets != nil && !slices.Contains(o.Facets, facet) {
			return f, badQuery(fmt.Sprintf("unknown category %q: the categories are %s", facet, strings.Join(o.Facets, ", ")))
		}
		f.Facet = facet // as the topic profile spells it; the store compares exactly
	}
	limit, err := get("limit")
	if err != nil {
		return f, err
	}
	if limit != "" {
		n, err := strconv.Atoi(limit)
		if err != nil || n < 1 {
			return f, badQuery("limit must be a whole number of at least 1")
		}
		f.Limit = min(n, o.MaxLimit)
	}
	return f, nil
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
	if f.Limit != o.MaxItems {
		parts = append(parts, "limit="+strconv.Itoa(f.Limit))
	}
	return strings.Join(parts, "&")
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
