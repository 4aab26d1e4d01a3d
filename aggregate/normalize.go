package aggregate

import (
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"

	"github.com/gleaner/gleaner/aggregate/dates"
	"github.com/gleaner/gleaner/aggregate/fetch"
	"github.com/gleaner/gleaner/aggregate/sanitize"
	"github.com/gleaner/gleaner/aggregate/topic"
	"github.com/gleaner/gleaner/internal/textcut"
)

// Limits on what is kept of an item's text. The classifier reads the lead of an
// item, and the store keeps what the classifier read so that reclassify sees the
// same input.
const (
	maxSummaryRunes = 1000
	maxContentRunes = 2000
	maxTitleRunes   = 500
	maxAuthorRunes  = 200 // a byline; a feed's whole author list, or junk, is cut
	// maxStoredHTML caps a kept item's HTML body: whole articles are tens of KB;
	// a feed that inlines megabytes in one item gets its first 512 KB republished.
	maxStoredHTML = 512 << 10
)

// MaxURLLen caps an item's link and GUID, in bytes. Browsers and servers work
// with URLs of 2,048 to 8,192 bytes; a longer one is not an article's address
// but a feed's mistake or an attack on every reader of the curated feed. An item
// keeps its other fields without such a link; a longer GUID is replaced by its
// hash, so that the item's identity stays the same from poll to poll.
const MaxURLLen = 4096

// normalized is an item after normalisation, with the raw HTML body kept until
// the verdict says whether it is republished.
type normalized struct {
	Item
	bodyHTML string // raw body HTML, sanitised only if the item is kept
}

// feedBase is the URL relative links in a document resolve against.
func feedBase(f *gofeed.Feed, finalURL string) *url.URL {
	base, _ := url.Parse(finalURL)
	if f != nil && f.Link != "" {
		if l, err := url.Parse(strings.TrimSpace(f.Link)); err == nil {
			if base != nil {
				l = base.ResolveReference(l)
			}
			if l.IsAbs() {
				return l
			}
		}
	}
	return base
}

// normalize turns one parsed entry into an Item. now is the time first seen; loc
// is the source's zone for dates written without one.
func normalize(fi *gofeed.Item, base *url.URL, loc *time.Location, now time.Time) normalized {
	var n normalized
	it := &n.Item
	it.FirstSeen = now
	it.GUID = strings.TrimSpace(fi.GUID)
	overlongGUID := ""
	if len(it.GUID) > MaxURLLen {
		overlongGUID, it.GUID = it.GUID, ""
	}
	// The item's identity keeps the link as the feed gives it (keyLink); the
	// link stored and published is the article's own (origLink) when the feed
	// gives one beside a click counter's.
	keyLink := CanonicalURL(resolve(base, firstLink(fi)))
	if len(keyLink) > MaxURLLen {
		keyLink = ""
	}
	it.URL = keyLink
	if l := origLink(fi); l != "" {
		if l = CanonicalURL(l); len(l) <= MaxURLLen {
			it.URL = l
		}
	}
	it.Title = truncateRunes(sanitize.Text(fi.Title), maxTitleRunes)
	summaryHTML, body := fi.Description, fi.Content
	if body == "" {
		body = summaryHTML
	}
	if summaryHTML == "" {
		summaryHTML = body
	}
	it.Summary = leadText(summaryHTML, maxSummaryRunes)
	if body != fi.Description {
		n.BodyText = leadText(body, maxContentRunes)
	}
	n.bodyHTML = body
	if len(fi.Authors) > 0 && fi.Authors[0] != nil {
		it.Author = truncateRunes(sanitize.Text(firstNonEmpty(fi.Authors[0].Name, fi.Authors[0].Email)), maxAuthorRunes)
	}
	it.Published = itemDate(fi.Published, fi.PublishedParsed, loc)
	it.Updated = itemDate(fi.Updated, fi.UpdatedParsed, loc)
	if it.Published.IsZero() {
		it.Published = it.Updated
	}
	// No usable date, or one in the future: the time gleaner first saw it is the
	// honest answer, and it keeps a wrong clock from pinning an item to the top.
	if it.Published.IsZero() || it.Published.After(now) {
		it.Published, it.Undated = now, true
	}
	if it.Updated.IsZero() || it.Updated.After(now) || it.Updated.Before(it.Published) {
		it.Updated = it.Published
	}
	if overlongGUID != "" {
		it.Key = hashKey("guid\x00"+overlongGUID, time.Time{})
	} else {
		it.Key = itemKey(it.GUID, keyLink, it.Title, fi)
	}
	return n
}

// itemKey is the item's identity within its source: its GUID, else its link,
// else a hash of its title and the date the feed gave (not the time first seen,
// which would differ on every poll).
func itemKey(guid, link, title string, fi *gofeed.Item) string {
	if guid != "" {
		return guid
	}
	if link != "" {
		return link
	}
	var d time.Time
	if fi.PublishedParsed != nil {
		d = *fi.PublishedParsed
	} else if fi.UpdatedParsed != nil {
		d = *fi.UpdatedParsed
	}
	return hashKey(title+"\x00"+fi.Published, d)
}

// itemDate parses the feed's own date string first, since gofeed reads zone names
// such as KST as UTC and does not know Korean date forms; gofeed's value is the
// fallback.
func itemDate(raw string, parsed *time.Time, loc *time.Location) time.Time {
	if raw != "" {
		if t, _, ok := dates.Parse(raw, loc); ok {
			return t.UTC()
		}
	}
	if parsed != nil && !parsed.IsZero() && parsed.Year() > 1970 {
		return parsed.UTC()
	}
	return time.Time{}
}

func firstLink(fi *gofeed.Item) string {
	if l := strings.TrimSpace(fi.Link); l != "" {
		return l
	}
	for _, l := range fi.Links {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	// An RSS guid that is a permalink is the item's link.
	if strings.HasPrefix(fi.GUID, "http://") || strings.HasPrefix(fi.GUID, "https://") {
		return fi.GUID
	}
	return ""
}

// origLink is the article's own address that FeedBurner (and feeds made like
// its) give beside a redirect through their click counter: <feedburner:origLink>,
// absolute http(s) only; "" when there is none. The redirect
// (feedproxy.google.com/~r/..., a click.phdo?i=...) dies with the service, and
// hides that two sources link one article.
func origLink(fi *gofeed.Item) string {
	for prefix, ns := range fi.Extensions {
		if !strings.EqualFold(prefix, "feedburner") {
			continue // another namespace's origLink: not FeedBurner's (and one answer, not map order's)
		}
		for name, exts := range ns {
			if !strings.EqualFold(name, "origLink") {
				continue
			}
			for _, e := range exts {
				v := strings.TrimSpace(e.Value)
				if u, err := url.Parse(v); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
					return v
				}
			}
		}
	}
	return ""
}

func resolve(base *url.URL, ref string) string {
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return ""
	}
	return u.String()
}

// trackingParams are query parameters that identify a campaign, not an article.
var trackingParams = map[string]bool{"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "yclid": true,
	"mc_cid": true, "mc_eid": true, "igshid": true, "_ga": true, "ref_src": true}

// CanonicalURL is the form in which article links are stored and compared:
// tracking parameters (utm_*, fbclid, gclid, ...), the fragment and any user
// name or password removed, scheme and host lower-cased, default ports dropped.
// A link republished as https://trusted.example@evil.example/ reads as the
// first host and goes to the second; an article needs no credentials.
func CanonicalURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	u.Fragment, u.User = "", nil
	u.Scheme = strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Host)
	if (u.Scheme == "http" && strings.HasSuffix(host, ":80")) || (u.Scheme == "https" && strings.HasSuffix(host, ":443")) {
		host = host[:strings.LastIndexByte(host, ':')]
	}
	u.Host = host
	if u.RawQuery != "" {
		q := u.Query()
		changed := false
		for k := range q {
			lk := strings.ToLower(k)
			if strings.HasPrefix(lk, "utm_") || trackingParams[lk] {
				q.Del(k)
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String()
}

// leadText is the plain text of an HTML fragment, capped at maxRunes runes.
// Feeds that carry whole articles would otherwise be stripped in full to keep
// their first paragraphs, so a long fragment is first converted only up to a tag
// boundary far enough in to yield more text than is kept; the result is the
// same as converting it all (a cut before '<' splits no tag or entity).
func leadText(html string, maxRunes int) string {
	if limit := maxRunes * 8; len(html) > limit {
		if cut := strings.LastIndexByte(html[:limit], '<'); cut > 0 {
			if t := sanitize.Text(html[:cut]); utf8.RuneCountInString(t) > maxRunes {
				return truncateRunes(t, maxRunes)
			}
		}
	}
	return truncateRunes(sanitize.Text(html), maxRunes)
}

// capHTML cuts an HTML fragment longer than n bytes before the last '<' within
// them, so that no tag or entity is split (the sanitiser closes what stays open).
func capHTML(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if cut := strings.LastIndexByte(s[:n], '<'); cut > 0 {
		return s[:cut]
	}
	return textcut.Prefix(s, n)
}

func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return strings.TrimSpace(s[:pos]) + "…"
		}
		i++
	}
	return s
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// ClassifyText classifies text as the pipeline does: the fields are cleaned to
// plain text and capped the same way before the classifier reads them. It also
// returns the detected language.
func ClassifyText(c Classifier, title, summary, content string) (Verdict, string) {
	title = truncateRunes(sanitize.Text(title), maxTitleRunes)
	summary = leadText(summary, maxSummaryRunes)
	content = leadText(content, maxContentRunes)
	r := c.Classify(topic.Doc{Title: title, Summary: summary, Content: content})
	return verdict(r), topic.DetectLang(title + " " + summary)
}

// maxOriginRunes caps the name of the outlet an item names as its original.
const maxOriginRunes = 120

// applyOrigin notes the outlet an aggregator's item names as its original
// (fetch.Origin: Google News's <source>, an Atom entry's <source>) and takes
// that name off the end of the title, where aggregators repeat it ("Headline -
// Reuters"), so that the classifier and the story grouper read the headline
// alone. An origin that is the feed's own outlet is not kept: The Washington
// Post's feeds name "The Washington Post" in every item, and own lists the
// source's configured name and the feed's title. A description that only links
// the headline and names the outlet (Google News's) is dropped: readers get the
// headline once, and the classifier reads such an item as having no lead either
// way (topic's repeatsTitle).
func applyOrigin(n *normalized, fi *gofeed.Item, base *url.URL, own ...string) {
	it := &n.Item
	name, link := fetch.Origin(fi)
	name = truncateRunes(sanitize.Text(name), maxOriginRunes)
	if name == "" {
		return
	}
	it.Title = trimOutletSuffix(it.Title, name)
	key := foldName(name)
	if key == "" {
		return
	}
	if t, sum := foldName(it.Title), foldName(it.Summary); t != "" && (sum == t || sum == t+key) && foldName(n.BodyText) == "" {
		it.Summary, n.bodyHTML = "", ""
	}
	for _, o := range own {
		if strings.Contains(foldName(o), key) {
			return
		}
	}
	it.Origin = name
	if u := CanonicalURL(resolve(base, strings.TrimSpace(link))); len(u) <= MaxURLLen {
		it.OriginURL = u
	}
}

// trimOutletSuffix removes " - name" (or " – ", " — ", " | ") from the end of
// title, when something is left before it.
func trimOutletSuffix(title, name string) string {
	for _, sep := range []string{" - ", " – ", " — ", " | "} {
		tail := sep + name
		if len(title) > len(tail) && strings.EqualFold(title[len(title)-len(tail):], tail) {
			if rest := strings.TrimSpace(title[:len(title)-len(tail)]); rest != "" {
				return rest
			}
		}
	}
	return title
}

// foldName is a name reduced to its lower-case letters and digits, for
// comparing outlets' names written with different spacing and punctuation.
func foldName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}
