package publish

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"github.com/gleaner/gleaner/aggregate/sanitize"
	"html/template"
	"net/http"
	"strings"
	"unicode"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/internal/textcut"
)

//go:embed templates
var templateFS embed.FS

// pageCSS is the one stylesheet, inlined in a <style> element that the
// Content-Security-Policy admits by its hash: no 'unsafe-inline', no script at all.
var pageCSS = func() string {
	b, err := templateFS.ReadFile("templates/style.css")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

var styleHash = func() string {
	sum := sha256.Sum256([]byte(pageCSS))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

// pageCSP is sent as a header with every HTML page. metaCSP repeats it inside the
// page for the static export, where no header can be set; frame-ancestors is left
// out there because browsers ignore it (and complain) in a <meta> element.
var (
	metaCSP = "default-src 'none'; style-src " + styleHash + "; base-uri 'none'; form-action 'self'"
	pageCSP = metaCSP + "; frame-ancestors 'none'"
	// pageReferrerPolicy is sent with every HTML page, beside pageCSP.
	pageReferrerPolicy = "strict-origin-when-cross-origin"
)

// templateFuncs are the functions every template may call. date, ago, due and zone
// depend on the rendering's clock and facetURL on its filter: execute sets
// them, these stand in so that the templates parse.
var templateFuncs = template.FuncMap{
	"date":     func(any) string { return "" },
	"ago":      func(any) string { return "" },
	"due":      func(any) string { return "" },
	"zone":     func() string { return "" },
	"facetURL": func(string) string { return "" },
	"unset":    func(v any) bool { return timeOf(v).IsZero() }, // a time that never happened (nil or zero)
	"iso": func(v any) string {
		if t := timeOf(v); !t.IsZero() {
			return rfc3339(t)
		}
		return ""
	},
	"langName": func(s string) string {
		switch s {
		case "ko":
			return "한국어"
		case "en":
			return "English"
		}
		return s
	},
	"koreanName":  koreanName,
	"moreLine":    moreLine,
	"reportsLine": reportsLine,
}

// koreanName tells a name written mostly in Hangul (디지털정책신문), which the
// English page marks lang="ko" so that a screen reader reads it in Korean.
func koreanName(s string) bool {
	var hangul, letters int
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if unicode.Is(unicode.Hangul, r) {
				hangul++
			}
		}
	}
	return hangul > 0 && 2*hangul >= letters
}

var (
	pageTemplate   = parseTemplate("page.html")
	statusTemplate = parseTemplate("status.html")
	errorTemplate  = parseTemplate("error.html")
)

// searchBox is the search form's content (common.html's "searchbox"): the
// words, and the filters and page size it keeps (0: the default). The form
// posts to "search", relative: to the page's own origin (form-action 'self'),
// which is not base_url's when the page is opened by another name (localhost,
// a LAN address, a proxy).
type searchBox struct {
	Query, Lang, Facet string
	Limit              int
}

// errorPage is what a reader's browser gets for a page it asked wrongly or that
// is not there: the message in the page's own look, a way back to every story
// and, after a search it could not take, the search box with the words given.
type errorPage struct {
	CSS                               template.CSS
	MetaCSP                           string
	FeedTitle, Heading, Message, Home string
	Box                               *searchBox // after a search
}

// renderError writes the error page for status with msg to w.
func renderError(w http.ResponseWriter, r *http.Request, o Options, status int, msg string) {
	heading := "Not found"
	if status == http.StatusBadRequest {
		heading = "This page cannot be shown"
	}
	p := errorPage{CSS: template.CSS(pageCSS), MetaCSP: metaCSP, FeedTitle: sanitize.Text(o.Title), Heading: heading, Message: msg, Home: o.BaseURL}
	if r.URL.Path == "/search" {
		// The words as given, and the filters the box keeps (as the page's
		// does) where they are ones the page knows.
		q := r.URL.Query()
		p.Box = &searchBox{Query: textcut.Prefix(q.Get("q"), 400)}
		p.Box.Lang, _ = parseLang(strings.TrimSpace(q.Get("lang")))
		p.Box.Facet, _ = parseFacet(strings.TrimSpace(q.Get("category")), o)
	}
	var b bytes.Buffer
	if err := errorTemplate.Execute(&b, p); err != nil {
		http.Error(w, msg, status)
		return
	}
	serveFreshStatus(w, r, status, b.Bytes(), true)
}

// parseTemplate parses templates/name with the shared definitions of
// templates/common.html.
func parseTemplate(name string) *template.Template {
	return template.Must(template.New(name).Funcs(templateFuncs).ParseFS(templateFS, "templates/"+name, "templates/common.html"))
}

type pageData struct {
	*feedView
	CSS                               template.CSS
	MetaCSP                           string
	PageLang                          string
	FilterLabel                       string
	AtomURL, RSSURL, JSONURL, OPMLURL string
	StatusURL                         string
	LangLinks                         []navLink
	Facet                             string
	ClearFacet                        string
	HasEntries                        bool
	// Filtered: the page shows a selection (a language, a category, a
	// search, a page back), and ClearAll is the page without it; EmptyLine
	// says that nothing matched it.
	Filtered  bool
	ClearAll  string
	EmptyLine string
	Query     string    // the search shown
	Box       searchBox // the search form
	// OlderURL pages back from the last entry, when the page is full;
	// NewestURL goes back to the newest, from a page back.
	OlderURL, NewestURL string
}

type navLink struct {
	Label, Href string
	Current     bool
}

func renderHTML(v *feedView, o Options) ([]byte, error) {
	f := v.Filter
	d := pageData{
		feedView:   v,
		CSS:        template.CSS(pageCSS),
		MetaCSP:    metaCSP,
		PageLang:   "en",
		AtomURL:    f.url(o, "feed.atom"),
		RSSURL:     f.url(o, "feed.rss"),
		JSONURL:    f.url(o, "feed.json"),
		OPMLURL:    o.BaseURL + "sources.opml",
		StatusURL:  o.BaseURL + "status",
		Facet:      f.Facet,
		HasEntries: len(v.Entries) > 0,
		Filtered:   f.Lang != "" || f.Facet != "" || f.Text != "" || !f.Before.Published.IsZero(),
		ClearAll:   o.BaseURL,
		Query:      f.Text,
		Box:        searchBox{Query: f.Text, Lang: f.Lang, Facet: f.Facet},
	}
	if f.Limit != f.defaultLimit(o) {
		d.Box.Limit = f.Limit
	}
	if !v.Static {
		if len(v.Entries) >= f.Limit && !v.Older.Published.IsZero() && !v.NoneOlder {
			g := f
			g.Before = v.Older
			d.OlderURL = g.page(o)
		}
		if !f.Before.Published.IsZero() {
			g := f
			g.Before = aggregate.Cursor{}
			d.NewestURL = g.page(o)
		}
	}
	for _, l := range langLabels {
		g := f
		g.Lang = l.lang
		d.LangLinks = append(d.LangLinks, navLink{Label: l.label, Href: g.page(o), Current: f.Lang == l.lang})
	}
	if f.Facet != "" {
		g := f
		g.Facet = ""
		d.ClearFacet = g.page(o)
	}
	d.FilterLabel = f.label()
	before := clock{loc: o.Location}.date(f.Before.Published)
	switch {
	case d.FilterLabel == "":
		d.EmptyLine = "No stories published before " + before + "."
	case f.Before.Published.IsZero():
		d.EmptyLine = "No stories match " + d.FilterLabel + "."
	default:
		d.EmptyLine = "No stories published before " + before + " match " + d.FilterLabel + "."
	}

	return execute(pageTemplate, clock{loc: o.Location, now: v.Now}, d, template.FuncMap{"facetURL": func(facet string) string {
		g := f
		g.Facet = facet
		g.Before = aggregate.Cursor{}
		return g.page(o)
	}})
}
