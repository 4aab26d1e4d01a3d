package publish

import (
	"time"

	"github.com/gorilla/feeds"
)

// The JSON Feed document extends gorilla/feeds' JSONFeed: its items are dropped
// when empty (1.1 requires the key) and items have no language. An _gleaner
// extension object (the spec's way to extend) carries facets and the story's
// other outlets for clients that want them as data.

const jsonFeedVersion = "https://jsonfeed.org/version/1.1"

type jsonFeed struct {
	feeds.JSONFeed
	Items []*jsonItem `json:"items"`
}

type jsonItem struct {
	feeds.JSONItem
	Language string       `json:"language,omitempty"`
	Gleaner  *jsonGleaner `json:"_gleaner,omitempty"`
}

type jsonGleaner struct {
	About   string        `json:"about"`
	Outlet  string        `json:"outlet"`
	FeedURL string        `json:"feed_url,omitempty"`
	Why     string        `json:"why,omitempty"`
	Also    []jsonRelated `json:"also_reported_by,omitempty"`
	// For a story of several reports: how many, in which languages, how many
	// Also leaves out, and the page that lists them all.
	Reports   int      `json:"reports,omitempty"`
	Languages []string `json:"languages,omitempty"`
	More      int      `json:"more_reports,omitempty"`
	StoryURL  string   `json:"story_url,omitempty"`
}

type jsonRelated struct {
	Outlet    string     `json:"outlet"`
	Title     string     `json:"title,omitempty"`
	URL       string     `json:"url"`
	Language  string     `json:"language,omitempty"`
	Published *time.Time `json:"date_published,omitempty"`
}

func renderJSON(v *feedView, o Options) ([]byte, error) {
	author := &feeds.JSONAuthor{Name: v.Title, Url: o.BaseURL}
	f := &jsonFeed{
		JSONFeed: feeds.JSONFeed{
			Version:     jsonFeedVersion,
			Title:       v.feedTitle(),
			Description: v.Description,
			HomePageUrl: v.Filter.url(o, ""),
			FeedUrl:     v.Filter.url(o, "feed.json"),
			Language:    v.Lang,
			Authors:     []*feeds.JSONAuthor{author},
			Author:      author, // JSON Feed 1.0 readers
		},
		Items: make([]*jsonItem, 0, len(v.Entries)),
	}
	if v.Hub != "" {
		f.Hubs = []*feeds.JSONHub{{Type: "WebSub", Url: v.Hub}}
	}
	for i := range v.Entries {
		f.Items = append(f.Items, jsonItemOf(&v.Entries[i]))
	}
	return indentJSON(f)
}

func jsonItemOf(e *entryView) *jsonItem {
	it := &jsonItem{
		JSONItem: feeds.JSONItem{
			Id:          e.ID,
			Url:         e.URL,
			Title:       e.Title,
			ContentHTML: contentHTML(e),
			Summary:     e.Summary,
			Tags:        e.Facets,
		},
		Language: e.Lang,
		Gleaner: &jsonGleaner{
			About:   "https://github.com/gleaner/gleaner",
			Outlet:  e.Outlet.Credit(),
			FeedURL: e.Outlet.FeedURL,
			Why:     e.Why,
		},
	}
	if !e.Published.IsZero() {
		p := e.Published
		it.PublishedDate = &p
	}
	u := e.Updated
	it.ModifiedDate = &u
	it.Author = &feeds.JSONAuthor{Name: e.Author, Url: e.Outlet.Author}
	it.Authors = []*feeds.JSONAuthor{it.Author}
	if e.Byline != "" {
		it.Authors = append(it.Authors, &feeds.JSONAuthor{Name: e.Byline})
	}
	for _, r := range e.Also {
		jr := jsonRelated{Outlet: r.Outlet, Title: r.Title, URL: r.URL, Language: r.Lang}
		if !r.Published.IsZero() {
			p := r.Published
			jr.Published = &p
		}
		it.Gleaner.Also = append(it.Gleaner.Also, jr)
	}
	if e.Reports > 1 {
		it.Gleaner.Reports, it.Gleaner.Languages, it.Gleaner.More, it.Gleaner.StoryURL = e.Reports, e.Langs, e.More, e.StoryURL
	}
	return it
}
