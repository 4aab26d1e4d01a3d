package fetch

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestDiscover(t *testing.T) {
	page := `<!DOCTYPE html><html><head>
<base href="https://news.example.com/section/">
<link rel="alternate" type="application/rss+xml" href="rss.xml">
<link rel="alternate" type="application/atom+xml" href="/atom.xml">
<link rel="Alternate Feed" type="application/feed+json; charset=utf-8" href="//cdn.example.com/feed.json">
<link rel="alternate" type="application/rss+xml" href="rss.xml">
<link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/1">
<link rel="alternate" type="text/html" hreflang="en" href="/en/">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" type="application/rss+xml">
<link rel="stylesheet" type="application/rss+xml" href="/not-alternate.xml">
<link rel=alternate type=application/atom+xml href=unquoted.atom>
</head><body></body></html>`
	got := Discover([]byte(page), "https://news.example.com/index.html")
	want := []string{
		"https://news.example.com/section/rss.xml",
		"https://news.example.com/atom.xml",
		"https://cdn.example.com/feed.json",
		"https://news.example.com/section/unquoted.atom",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Discover = %q\nwant %q", got, want)
	}
	if got := Discover([]byte(`<html><head><title>x</title></head></html>`), "https://x/"); got != nil {
		t.Errorf("Discover on a page without feeds = %q; want nil", got)
	}
	if got := Discover([]byte("\x00\xff<link rel=alternate type=application/rss+xml href=/f"), "::bad base"); len(got) > 1 {
		t.Errorf("Discover on garbage = %q", got)
	}
}

// TestFindFeed finds the feed behind a feed URL, a permanent redirect, and
// pages that advertise feeds, working or not.
func TestFindFeed(t *testing.T) {
	rss := func(title string) string {
		return `<?xml version="1.0"?><rss version="2.0"><channel><title>` + title + `</title><link>https://x.example/</link>` +
			`<item><title>AI Basic Act passes</title><link>https://x.example/1</link></item></channel></rss>`
	}
	page := func(links ...string) string {
		var b strings.Builder
		b.WriteString("<!doctype html><html><head><title>News</title>")
		for _, l := range links {
			fmt.Fprintf(&b, `<link rel="alternate" type="application/rss+xml" href="%s">`, l)
		}
		b.WriteString("</head><body>news</body></html>")
		return b.String()
	}
	mux := http.NewServeMux()
	serve := func(path, ctype, body string) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", ctype)
			fmt.Fprint(w, body)
		})
	}
	serve("/feed.xml", "application/rss+xml", rss("Example Policy &amp; <b>Tech</b>"))
	serve("/page.html", "text/html; charset=utf-8", page("/missing.xml", "/feed.xml"))
	serve("/plain.html", "text/html", page())
	serve("/broken.html", "text/html", page("/missing.xml"))
	mux.Handle("/moved", http.RedirectHandler("/feed.xml", http.StatusMovedPermanently))
	var requests atomic.Int64
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { requests.Add(1); mux.ServeHTTP(w, r) }))
	defer site.Close()
	c := New(NewHTTPClient(5*time.Second, AddressPolicy{}), Options{Timeout: 5 * time.Second})

	for _, tc := range []struct {
		url  string
		want Discovered
		err  string
	}{
		{"/feed.xml", Discovered{URL: site.URL + "/feed.xml", Title: "Example Policy & Tech", Items: 1}, ""},
		{"/moved", Discovered{URL: site.URL + "/feed.xml", Title: "Example Policy & Tech", Items: 1}, ""},
		{"/page.html", Discovered{URL: site.URL + "/feed.xml", Title: "Example Policy & Tech", Items: 1,
			Advertised: []string{site.URL + "/missing.xml", site.URL + "/feed.xml"}, Total: 2}, ""},
		{"/plain.html", Discovered{}, "not a feed: an HTML page with no feed link"},
		{"/broken.html", Discovered{Advertised: []string{site.URL + "/missing.xml"}, Total: 1}, "none of the feeds " + site.URL + "/broken.html advertises works"},
		{"/missing.xml", Discovered{}, "404"},
	} {
		got, err := c.FindFeed(context.Background(), site.URL+tc.url)
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("FindFeed(%s): error %v, want %q", tc.url, err, tc.err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("FindFeed(%s) = %+v\nwant %+v", tc.url, got, tc.want)
		}
	}
	// A page of 3,000 feed links: the first 20 are listed, the first 5 asked,
	// and the error says so; the working 6th is not reached.
	var many []string
	for i := range 3000 {
		many = append(many, fmt.Sprintf("/missing%d.xml", i))
	}
	many[5] = "/feed.xml"
	serve("/many.html", "text/html", page(many...))
	before := requests.Load()
	got, err := c.FindFeed(context.Background(), site.URL+"/many.html")
	if err == nil || !strings.Contains(err.Error(), "none of the first 5 feeds "+site.URL+"/many.html advertises works (of 3000;") || len(got.Advertised) != 20 || got.Total != 3000 {
		t.Errorf("a page of 3,000 feed links: %v, %d listed", err, len(got.Advertised))
	}
	if n := requests.Load() - before; n != 6 {
		t.Errorf("a page of 3,000 feed links: %d requests, want the page and 5 of its feeds", n)
	}
	var fe *Error
	if _, err := c.FindFeed(context.Background(), site.URL+"/plain.html"); !errors.As(err, &fe) || fe.Kind != KindNotFeed {
		t.Errorf("a page without feeds: %v, want a %s error", err, KindNotFeed)
	}
}
