package aggregate

import (
	"bytes"
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/gleaner/gleaner/aggregate/fetch"
	"github.com/gleaner/gleaner/aggregate/topic"
	"github.com/gleaner/gleaner/bench/feeds"
)

// parsedCorpus parses n feeds of the benchmark corpus once.
func parsedCorpus(tb testing.TB, n int) ([]*gofeed.Feed, int) {
	tb.Helper()
	c := feeds.New(n, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC))
	p := gofeed.NewParser()
	out := make([]*gofeed.Feed, n)
	size := 0
	for i := range n {
		body, _ := c.Render(i, 0)
		size += len(body)
		f, err := p.Parse(bytes.NewReader(body))
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = f
	}
	return out, size
}

// BenchmarkNormalize is normalize alone over the items of 40 corpus feeds
// (Korean and English, leads and whole articles), reported per item.
func BenchmarkNormalize(b *testing.B) {
	fs, _ := parsedCorpus(b, 40)
	base, _ := url.Parse("https://news.example/")
	now := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
	items := 0
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range fs {
			for _, fi := range f.Items {
				normalize(fi, base, time.UTC, now)
				items++
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(items), "ns/item")
}

// parsedFetcher hands the poller a feed parsed beforehand, so that a benchmark
// of the poller's per-item work does not include gofeed.
type parsedFetcher struct{ feed *gofeed.Feed }

func (f parsedFetcher) Fetch(context.Context, fetch.Request) (*fetch.Response, error) {
	return nil, nil
}
func (f parsedFetcher) Parse([]byte, string, string) (*gofeed.Feed, error) { return f.feed, nil }

// BenchmarkParseItems is what a worker's ingest does to a parsed feed besides
// gofeed, without a story grouper: normalise, detect the language, classify,
// keep the HTML of the items kept, per item.
func BenchmarkParseItems(b *testing.B) {
	fs, _ := parsedCorpus(b, 40)
	c, err := topic.Compile(topic.Default())
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
	resp := &fetch.Response{FinalURL: "https://news.example/rss"}
	items := 0
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range fs {
			p := NewPoller(nil, parsedFetcher{f}, c, PollerOptions{MaxAge: 14 * 24 * time.Hour, Now: func() time.Time { return now }})
			var st FetchState
			var gap time.Duration
			out, err := p.ingest(resp, Source{Timezone: time.UTC}, &st, now, &gap)
			if err != nil || len(out) != len(f.Items) {
				b.Fatalf("%d of %d items, %v", len(out), len(f.Items), err)
			}
			items += len(out)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(items), "ns/item")
}

// BenchmarkClassifyRealFeeds classifies the items of the shared corpus's real English and
// Korean feeds (../shared/corpus/real: general news, blogs, a weather feed), normalised as
// the poller does, per item: the mix a daemon sees, in which most items name no AI term.
func BenchmarkClassifyRealFeeds(b *testing.B) {
	feeds := realFeeds(b, "[ek][no]-*.xml")
	if len(feeds) == 0 {
		b.Skip("../shared/corpus/real not found: no real feeds to classify")
	}
	base, _ := url.Parse("https://news.example/")
	now := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
	var docs []topic.Doc
	for _, feed := range feeds {
		for _, fi := range feed.Items {
			n := normalize(fi, base, time.UTC, now)
			docs = append(docs, topic.Doc{Title: n.Title, Summary: n.Summary, Content: n.BodyText})
		}
	}
	c, err := topic.Compile(topic.Default())
	if err != nil {
		b.Fatal(err)
	}
	kept := 0
	for _, d := range docs {
		if c.Classify(d).Match {
			kept++
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			c.Classify(d)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(docs)), "ns/item")
	b.ReportMetric(float64(len(docs)), "items")
	b.ReportMetric(float64(kept), "kept")
}
