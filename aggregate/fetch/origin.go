package fetch

import (
	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	"github.com/mmcdole/gofeed/rss"
)

// An aggregator's feed (Google News, a planet, a topic bundle) carries other
// outlets' items and names each item's outlet: RSS 2.0 in the item's
// <source url="...">Name</source>, Atom in the entry's <source> (the original
// feed's title and links). gofeed reads both but its universal Item drops them,
// so the translators below keep them in the item's Custom map, under keys no
// XML element can have (a name cannot start with a space).
const (
	originKey     = " origin"
	originLinkKey = " origin-link"
)

// Origin is the outlet an item names as its original, and that outlet's link
// (a site or a feed); both "" when the item names none.
func Origin(fi *gofeed.Item) (name, link string) {
	if fi == nil || fi.Custom == nil {
		return "", ""
	}
	return fi.Custom[originKey], fi.Custom[originLinkKey]
}

// originRSS is gofeed's RSS translation, keeping each item's <source>.
type originRSS struct{ gofeed.DefaultRSSTranslator }

func (t *originRSS) Translate(feed any) (*gofeed.Feed, error) {
	f, err := t.DefaultRSSTranslator.Translate(feed)
	if src, _ := feed.(*rss.Feed); err == nil && src != nil {
		setOrigins(f, len(src.Items), func(i int) (string, string) {
			if it := src.Items[i]; it != nil && it.Source != nil {
				return it.Source.Title, it.Source.URL
			}
			return "", ""
		})
	}
	return f, err
}

// originAtom is gofeed's Atom translation, keeping each entry's <source>.
type originAtom struct{ gofeed.DefaultAtomTranslator }

func (t *originAtom) Translate(feed any) (*gofeed.Feed, error) {
	f, err := t.DefaultAtomTranslator.Translate(feed)
	if src, _ := feed.(*atom.Feed); err == nil && src != nil {
		plainAtomContent(f, src)
		setOrigins(f, len(src.Entries), func(i int) (string, string) {
			if e := src.Entries[i]; e != nil && e.Source != nil {
				return e.Source.Title, atomSourceLink(e.Source)
			}
			return "", ""
		})
	}
	return f, err
}

// setOrigins sets the origin of each of f's n items from source(i), the format's item
// i; it does nothing when the translation did not keep one item per source item.
func setOrigins(f *gofeed.Feed, n int, source func(i int) (name, link string)) {
	if f == nil || len(f.Items) != n {
		return
	}
	for i := range n {
		name, link := source(i)
		setOrigin(f.Items[i], name, link)
	}
}

// atomSourceLink is the original feed's site (its alternate link), else the
// feed itself (self), else its id when that is a link.
func atomSourceLink(s *atom.Source) string {
	var self string
	for _, l := range s.Links {
		if l == nil || l.Href == "" {
			continue
		}
		switch l.Rel {
		case "", "alternate":
			return l.Href
		case "self":
			if self == "" {
				self = l.Href
			}
		}
	}
	return self
}

func setOrigin(it *gofeed.Item, name, link string) {
	if it == nil || name == "" && link == "" {
		return
	}
	// gofeed shares the format's Custom map with the translated item: copy it
	// so that the parsed document is left as it was.
	m := make(map[string]string, len(it.Custom)+2)
	for k, v := range it.Custom {
		m[k] = v
	}
	m[originKey], m[originLinkKey] = name, link
	it.Custom = m
}
