package publish

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"strings"
	"time"
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
	metaCSP = "default-src 'none'; style-src " + styleHash + "; base-uri 'none'; form-action 'none'"
	pageCSP = metaCSP + "; frame-ancestors 'none'"
)

// timeOf is a time or a pointer to one (status times are nil when unknown).
func timeOf(v any) time.Time {
	switch v := v.(type) {
	case time.Time:
		return v
	case *time.Time:
		if v != nil {
			return *v
		}
	}
	return time.Time{}
}

var templateFuncs = template.FuncMap{
	"date": func(v any) string {
		if t := timeOf(v); !t.IsZero() {
			return t.UTC().Format("2006-01-02 15:04 UTC")
		}
		return "—"
	},
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
	"moreLine":    moreLine,
	"reportsLine": reportsLine,
	// facetURL is replaced per rendering; declared here so the template parses.
	"facetURL": func(string) string { return "" },
}

var (
	pageTemplate   = template.Must(template.New("page.html").Funcs(templateFuncs).ParseFS(templateFS, "templates/page.html"))
	statusTemplate = template.Must(template.New("status.html").Funcs(templateFuncs).ParseFS(templateFS, "templates/status.html"))
)

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
	}
	if v.Lang == "ko" && f.Lang == "ko" {
		d.PageLang = "ko"
	}
	var label []string
	for _, l := range []struct{ lang, label string }{{"", "All"}, {"ko", "한국어"}, {"en", "English"}} {
		g := f
		g.Lang = l.lang
		d.LangLinks = append(d.LangLinks, navLink{Label: l.label, Href: g.url(o, ""), Current: f.Lang == l.lang})
		if l.lang != "" && f.Lang == l.lang {
			label = append(label, l.label)
		}
	}
	if f.Facet != "" {
		g := f
		g.Facet = ""
		d.ClearFacet = g.url(o, "")
		label = append(label, f.Facet)
	}
	d.FilterLabel = strings.Join(label, " · ")

	t, err := pageTemplate.Clone()
	if err != nil {
		return nil, err
	}
	t.Funcs(template.FuncMap{"facetURL": func(facet string) string {
		g := f
		g.Facet = facet
		return g.url(o, "")
	}})
	var buf bytes.Buffer
	if err := t.Execute(&buf, d); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
