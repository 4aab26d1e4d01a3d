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
	if err != nil {
		return f, err
	}
	src, _ := feed.(*rss.Feed)
	if src == nil || len(src.Items) != len(f.Items) {
		return f, nil
	}
	for i, it := range src.Items {
		if it != nil && it.Source != nil {
			setOrigin(f.Items[i], it.Source.Title, it.Source.URL)
		}
	}
	return f, nil
}

// originAtom is gofeed's Atom translation, keeping each entry's <source>.
type originAtom struct{ gofeed.DefaultAtomTranslator }

func (t *originAtom) Translate(feed any) (*gofeed.Feed, error) {
	f, err := t.DefaultAtomTranslator.Translate(feed)
	if err != nil {
		return f, err
	}
	src, _ := feed.(*atom.Feed)
	if src == nil || len(src.Entries) != len(f.Items) {
		return f, nil
	}
	for i, e := range src.Entries {
		if e == nil || e.Source == nil {
			continue
		}
		setOrigin(f.Items[i], e.Source.Title, atomSourceLink(e.Source))
	}
	return f, nil
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
