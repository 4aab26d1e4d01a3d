package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/story"
	"github.com/gleaner/gleaner/bench/feeds"
)

var tagRE = regexp.MustCompile(`<[^>]*>`)

// benchItem is item k of feed i of the benchmark corpus in the shape the
// pipeline stores it: plain text, the verdict with reasons like the
// classifier's, and HTML only for the curated ones.
func benchItem(c *feeds.Corpus, i, k int, firstSeen time.Time) aggregate.Item {
	g := c.Item(i, k)
	it := aggregate.Item{Key: g.GUID, GUID: g.GUID, URL: g.Link, Title: g.Title, Summary: g.Lead, Author: g.Author,
		Lang: c.Outlet(i).Lang, Published: g.Published, Updated: g.Published, FirstSeen: firstSeen, Fresh: true}
	if g.Full {
		it.BodyText = tagRE.ReplaceAllString(g.Body, " ")
	}
	if g.AIPolicy {
		it.Verdict = aggregate.Verdict{Match: true, Score: 6.5, Facets: []string{"law", "regulation"}, Reasons: []string{
			`title: "AI" ai +2.0`, `title: "정부" government +3.0`, `summary: "시행령" instrument +1.0`,
			`title: "AI" near "정부" proximity +1.5`, "rule: ai+actor (score 6.5) -> match"}}
		it.Content = g.Body
	} else {
		it.Verdict = aggregate.Verdict{Score: 0.5, Reasons: []string{`title: "AI" ai +0.5`, "rule: none holds -> no match"}}
	}
	return it
}

// cpuTime is the CPU time this process has used. On a shared machine it
// varies less than the wall time the benchmarks report.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchStore opens a store in dir with n sources.
func benchStore(b *testing.B, dir string, n int) (*Store, []aggregate.FetchState) {
	b.Helper()
	s, err := Open(context.Background(), filepath.Join(dir, "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	src := make([]aggregate.Source, n)
	for i := range src {
		src[i] = aggregate.Source{Name: "S" + strconv.Itoa(i), URL: fmt.Sprintf("https://s%d.example/feed", i), Rank: i}
	}
	_, states, err := s.SyncSources(context.Background(), src)
	if err != nil {
		b.Fatal(err)
	}
	return s, states
}

// BenchmarkSave saves poll outcomes as the poller's writer does: batches of 40
// sources with 50 items each (2,000 items, about a fifth curated), every item
// new; and the same batches again, every item already stored and unchanged
// (what most of a changed round is).
func BenchmarkSave(b *testing.B) {
	const perBatch, nsrc = 40, 1000
	c := feeds.New(nsrc, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC))
	batch := func(states []aggregate.FetchState, n int) []aggregate.Fetched {
		out := make([]aggregate.Fetched, perBatch)
		for j := range out {
			i := (n*perBatch + j) % nsrc
			poll := (n * perBatch) / nsrc
			f := aggregate.Fetched{State: states[i]}
			for k := poll * feeds.ItemsPerFeed; k < (poll+1)*feeds.ItemsPerFeed; k++ {
				f.Items = append(f.Items, benchItem(c, i, k, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)))
			}
			out[j] = f
		}
		return out
	}
	b.Run("new", func(b *testing.B) {
		s, states := benchStore(b, b.TempDir(), nsrc)
		b.ReportAllocs()
		n := 0
		var cpu time.Duration
		for b.Loop() {
			b.StopTimer()
			fs := batch(states, n)
			n++
			b.StartTimer()
			c0 := cpuTime()
			if _, _, err := s.Save(context.Background(), fs, nil); err != nil {
				b.Fatal(err)
			}
			cpu += cpuTime() - c0
		}
		items := float64(n * perBatch * feeds.ItemsPerFeed)
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/items, "ns/item")
		b.ReportMetric(float64(cpu.Nanoseconds())/items, "cpu-ns/item")
	})
	b.Run("unchanged", func(b *testing.B) {
		s, states := benchStore(b, b.TempDir(), nsrc)
		fixed := make([][]aggregate.Fetched, 25)
		for n := range fixed {
			fixed[n] = batch(states, n)
			if _, _, err := s.Save(context.Background(), fixed[n], nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportAllocs()
		n := 0
		c0 := cpuTime()
		for b.Loop() {
			if _, _, err := s.Save(context.Background(), fixed[n%len(fixed)], nil); err != nil {
				b.Fatal(err)
			}
			n++
		}
		items := float64(n * perBatch * feeds.ItemsPerFeed)
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/items, "ns/item")
		b.ReportMetric(float64((cpuTime()-c0).Nanoseconds())/items, "cpu-ns/item")
	})
}

// BenchmarkCurated1M lists the curated feed (100 entries) from a database of
// GLEANER_BENCH_DB, a file made by `gleaner-bench -keep DIR` (DIR/scale.db):
// filling a million items takes minutes, so it is not done here.
func BenchmarkCurated1M(b *testing.B) {
	path := os.Getenv("GLEANER_BENCH_DB")
	if path == "" {
		b.Skip("set GLEANER_BENCH_DB to a database made by gleaner-bench -keep DIR (DIR/scale.db)")
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ReportAllocs()
	for b.Loop() {
		entries, err := s.Curated(context.Background(), aggregate.Query{Limit: 100})
		if err != nil || len(entries) != 100 {
			b.Fatalf("%d entries, %v", len(entries), err)
		}
	}
}

// BenchmarkFindItems1M finds items by link, as gleaner label does, in a database
// of a million items: the link of an item the filter left out is found by
// reading the items table (only curated items are indexed by link).
func BenchmarkFindItems1M(b *testing.B) {
	path := os.Getenv("GLEANER_BENCH_DB")
	if path == "" {
		b.Skip("set GLEANER_BENCH_DB to a database made by gleaner-bench -keep DIR (DIR/scale.db)")
	}
	ctx := context.Background()
	s, err := OpenReadOnly(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct{ name, where string }{
		{"curated", "story_id != 0"},
		{"left out", "story_id = 0 AND match = 0"},
	} {
		var link string
		if err := s.r.QueryRowContext(ctx, "SELECT url FROM items WHERE "+tc.where+" AND url != '' ORDER BY id DESC LIMIT 1").Scan(&link); err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if ids, err := s.FindItems(ctx, link); err != nil || len(ids) == 0 {
					b.Fatalf("%v %v", ids, err)
				}
			}
		})
	}
}

// oneStory is a Grouper that puts every item into one story: the first one
// saved starts it.
type oneStory struct{ id int64 }

func (g *oneStory) Assign(needs []aggregate.StoryNeed) {
	for i := range needs {
		if g.id != 0 {
			needs[i].Choice = story.Choice{Story: g.id, Similarity: 0.5}
		} else {
			needs[i].Choice = story.Choice{Group: 1, Similarity: 1}
		}
	}
}

func (g *oneStory) Added(needs []aggregate.StoryNeed) {
	for _, n := range needs {
		if g.id == 0 {
			g.id = n.Item.StoryID
		}
	}
}

// storyOf fills a new store with one story of size members from 1,000
// sources, in two languages, each published a second after the one before,
// and returns the store, the grouper that joins it and the sources' states.
func storyOf(b *testing.B, size int) (*Store, *oneStory, []aggregate.FetchState) {
	b.Helper()
	s, states := benchStore(b, b.TempDir(), 1000)
	g := &oneStory{}
	base := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
	for start := 0; start < size; start += 2000 {
		var batch []aggregate.Fetched
		for i := start; i < min(size, start+2000); i++ {
			if i%50 == 0 || len(batch) == 0 {
				batch = append(batch, aggregate.Fetched{State: states[(i/50)%len(states)]})
			}
			f := &batch[len(batch)-1]
			f.Items = append(f.Items, joinItem(i, base))
		}
		if _, _, err := s.Save(context.Background(), batch, g); err != nil {
			b.Fatal(err)
		}
	}
	return s, g, states
}

// joinItem is report i of the benchmark's story, published i seconds after base,
// but for report 1, published with report 0, the lead.
func joinItem(i int, base time.Time) aggregate.Item {
	lang := "ko"
	if i%3 == 0 {
		lang = "en"
	}
	key := fmt.Sprintf("report-%d", i)
	published := base.Add(time.Duration(i) * time.Second)
	if i == 1 {
		published = base // tied with the lead: the sources' ranks decide
	}
	return aggregate.Item{Key: key, GUID: key, URL: "https://news.example/" + key, Title: "AI basic act: report " + strconv.Itoa(i),
		Summary: "The National Assembly passed the AI basic act.", Lang: lang, Published: published,
		FirstSeen: base.Add(time.Hour), Fresh: true,
		Verdict: aggregate.Verdict{Match: true, Score: 6, Facets: []string{"law"}, Reasons: []string{"title: AI basic act"}}}
}

// BenchmarkJoin saves one new report of a story of 10, 1,000 and 10,000
// members, as a poll that brings one does: a join must cost the same however
// many members the story has (the story is brought up to date from its row and
// the members tied with its lead, never from all of them; its lead has one such
// tie, which the sources' ranks decide). curated lists the curated feed with
// that story in it, as a Refresh does.
func BenchmarkJoin(b *testing.B) {
	for _, size := range []int{10, 1000, 10000} {
		b.Run(fmt.Sprintf("size=%d", size), func(b *testing.B) {
			s, g, states := storyOf(b, size)
			base := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
			n := size
			c0 := cpuTime()
			for b.Loop() {
				batch := []aggregate.Fetched{{State: states[n%len(states)], Items: []aggregate.Item{joinItem(n, base)}}}
				if _, _, err := s.Save(context.Background(), batch, g); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric(float64((cpuTime()-c0).Nanoseconds())/float64(n-size), "cpu-ns/join")
			var members int
			if err := s.r.QueryRow("SELECT members FROM stories WHERE id = ?", g.id).Scan(&members); err != nil || members != n {
				b.Fatalf("the story has %d members (%v), want %d", members, err, n)
			}
		})
	}
	for _, size := range []int{10, 1000, 10000} {
		b.Run(fmt.Sprintf("curated/size=%d", size), func(b *testing.B) {
			s, _, _ := storyOf(b, size)
			for b.Loop() {
				entries, err := s.Curated(context.Background(), aggregate.Query{Limit: 100, MaxRelated: 10})
				if err != nil || len(entries) != 1 || len(entries[0].Also) != min(10, size-1) || entries[0].Reports != size {
					b.Fatalf("curated: %v, %+v", err, entries)
				}
			}
		})
	}
}

// BenchmarkSearch searches a database of 50,000 items of the benchmark corpus
// (about 10,000 curated), a page of 50 results at most: words of three or
// more characters (the trigram index), Korean and English; common words of
// two, read story by story from the newest until a page is full; and a word
// of two that no story has, which reads them all.
func BenchmarkSearch(b *testing.B) {
	const perBatch, nsrc = 40, 1000
	c := feeds.New(nsrc, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC))
	s, states := benchStore(b, b.TempDir(), nsrc)
	for n := range 25 {
		batch := make([]aggregate.Fetched, perBatch)
		for j := range batch {
			i := (n*perBatch + j) % nsrc
			batch[j] = aggregate.Fetched{State: states[i]}
			for k := range feeds.ItemsPerFeed {
				batch[j].Items = append(batch[j].Items, benchItem(c, i, k, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)))
			}
		}
		if _, _, err := s.Save(context.Background(), batch, nil); err != nil {
			b.Fatal(err)
		}
	}
	for _, q := range []string{"인공지능", "반도체 지원", "export", "정부", "AI", "qz"} {
		b.Run(q, func(b *testing.B) {
			found := 0
			for b.Loop() {
				entries, err := s.Curated(context.Background(), aggregate.Query{Match: q, Limit: 50, MaxRelated: 10})
				if err != nil {
					b.Fatal(err)
				}
				found = len(entries)
			}
			b.ReportMetric(float64(found), "results")
		})
	}
}
