package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"github.com/gleaner/gleaner/aggregate/sanitize"
)

// Discovered is the feed a URL leads to (see Client.FindFeed).
type Discovered struct {
	URL   string // the feed: the URL asked for, where it permanently moved, or one a page advertises
	Title string // the feed's own title, as plain text
	Items int    // items the feed lists now
	// Advertised lists the feeds the URL advertises, in order, when it is an
	// HTML page (the first maxAdvertised); FindFeed fills it also when none of
	// them works.
	Advertised []string
	Total      int // the feeds the page advertises, Advertised's and those past it
}

// FindFeed fetches raw and returns the feed to poll: raw itself (or where it
// permanently moved) when it is a feed, else the first working feed an HTML
// page advertises.
func (c *Client) FindFeed(ctx context.Context, raw string) (Discovered, error) {
	try := func(u string) (d Discovered, page []byte, base string, err error) {
		resp, err := c.Fetch(ctx, Request{URL: u})
		if err != nil {
			return d, nil, "", err
		}
		d.URL = u
		if resp.PermanentURL != "" {
			d.URL = resp.PermanentURL
		}
		feed, err := c.Parse(resp.Body, resp.ContentType, resp.FinalURL)
		if err != nil {
			return d, resp.Body, resp.FinalURL, err
		}
		d.Title, d.Items = strings.TrimSpace(sanitize.Text(feed.Title)), len(feed.Items)
		return d, nil, "", nil
	}
	d, page, base, err := try(raw)
	if err == nil {
		return d, nil
	}
	var fe *Error
	if page == nil || !errors.As(err, &fe) || fe.Kind != KindNotFeed {
		return Discovered{}, err
	}
	links, total := discoverPage(page, "text/html", base)
	if len(links) == 0 {
		return Discovered{}, fmt.Errorf("%s: %w", raw, err)
	}
	var errs []error
	for _, l := range links[:min(len(links), maxTried)] {
		d, _, _, err := try(l)
		if err == nil {
			d.Advertised, d.Total = links, total
			return d, nil
		}
		errs = append(errs, err)
	}
	if total > maxTried {
		return Discovered{Advertised: links, Total: total}, fmt.Errorf("none of the first %d feeds %s advertises works (of %d; add one by its own URL): %w",
			maxTried, raw, total, errors.Join(errs...))
	}
	return Discovered{Advertised: links, Total: total}, fmt.Errorf("none of the feeds %s advertises works: %w", raw, errors.Join(errs...))
}

// Bounds on what FindFeed does with a page: real ones advertise a feed or a
// few (the posts, the comments, a category), and each is tried in turn, up to
// the client's timeout. A page of 3,000 links made `gleaner sources add` ask
// 3,000 URLs, any host, for two minutes (ten hanging ones: ten timeouts).
const (
	maxAdvertised = 20 // links Discover lists
	maxTried      = 5  // of those, the ones FindFeed fetches
)

// feedTypes are the link types that advertise a feed. application/json is left
// out: pages use it for API endpoints (WordPress's wp-json) and oEmbed.
var feedTypes = map[string]bool{
	"application/rss+xml":   true,
	"application/atom+xml":  true,
	"application/feed+json": true,
}

// Discover lists the feed URLs an HTML page advertises with
// <link rel="alternate" type="application/rss+xml|atom+xml|feed+json" href="…">,
// absolute (resolved against the page's <base href> and base), without
// duplicates, in document order, the first maxAdvertised. The page's charset
// is read as browsers do (BOM, <meta charset>, else UTF-8 or windows-1252).
func Discover(page []byte, base string) []string {
	links, _ := discoverPage(page, "text/html", base)
	return links
}

// discoverPage is Discover with the page's HTTP Content-Type, whose charset
// comes before the page's own <meta charset>.
func discoverPage(page []byte, contentType, base string) (links []string, total int) {
	r, err := charset.NewReader(bytes.NewReader(page), contentType)
	if err != nil {
		r = bytes.NewReader(page)
	}
	baseURL, _ := url.Parse(base)
	z := html.NewTokenizer(r)
	seen := map[string]bool{}
	for {
		switch z.Next() {
		case html.ErrorToken:
			return links, total
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if !hasAttr {
				continue
			}
			attrs := map[string]string{}
			for {
				k, v, more := z.TagAttr()
				if _, dup := attrs[string(k)]; !dup {
					attrs[string(k)] = string(v)
				}
				if !more {
					break
				}
			}
			switch string(name) {
			case "base":
				if h := strings.TrimSpace(attrs["href"]); h != "" {
					if ref, err := url.Parse(h); err == nil {
						if baseURL != nil {
							baseURL = baseURL.ResolveReference(ref)
						} else {
							baseURL = ref
						}
					}
				}
			case "link":
				if u := feedLink(attrs, baseURL); u != "" && !seen[u] {
					seen[u] = true
					if len(links) < maxAdvertised {
						links = append(links, u)
					}
					total++
				}
			}
		}
	}
}

// feedLink returns the absolute feed URL a <link> element advertises, or "".
func feedLink(attrs map[string]string, base *url.URL) string {
	alternate := false
	for _, rel := range strings.Fields(strings.ToLower(attrs["rel"])) {
		if rel == "alternate" {
			alternate = true
		}
	}
	if !alternate {
		return ""
	}
	mt, _, err := mime.ParseMediaType(attrs["type"])
	if err != nil || !feedTypes[mt] {
		return ""
	}
	href := strings.TrimSpace(attrs["href"])
	if href == "" {
		return ""
	}
	ref, err := url.Parse(href)
	if err != nil {
		return ""
	}
	if base != nil {
		ref = base.ResolveReference(ref)
	}
	if ref.Scheme != "http" && ref.Scheme != "https" {
		return ""
	}
	return ref.String()
}
