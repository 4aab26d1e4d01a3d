package main

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/sanitize"
	"github.com/gleaner/gleaner/aggregate/topic"
	"github.com/gleaner/gleaner/bench/feeds"
	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/internal/app"
	"github.com/gleaner/gleaner/publish"
	"github.com/gleaner/gleaner/store"
)

// scaleWindow is how far back the filled history reaches: 1,000 sources of
// 1,000 items each over 30 days is 33 items a day per outlet, and within the
// default retention of unmatched items (30 days), so none would be deleted.
const scaleWindow = 30 * 24 * time.Hour

// scaleChild fills a new database with n items from the corpus through
// store.Save in poll-sized batches (what gleaner's writer does), then measures
// rebuilding the curated feed and the file's size.
func scaleChild(ctx context.Context, args childArgs) error {
	st, err := store.Open(ctx, args.db)
	if err != nil {
		return err
	}
	nsrc := args.feeds
	perSource := max(1, args.items/nsrc)
	end := time.Now().UTC().Truncate(time.Second)
	corpus := feeds.New(nsrc, end)
	corpus.SetItemRate(int(int64(nsrc*perSource) * int64(time.Hour) / int64(scaleWindow)))
	src := make([]aggregate.Source, nsrc)
	for i := range src {
		o := corpus.Outlet(i)
		src[i] = aggregate.Source{Name: o.Name, URL: fmt.Sprintf("https://feeds.example/%d/%s", i, o.Format), Interval: 15 * time.Minute, Rank: i}
	}
	src, states, err := st.SyncSources(ctx, src)
	if err != nil {
		return err
	}
	c, err := topic.Compile(topic.Default())
	if err != nil {
		return err
	}
	// The story grouper as gleaner runs it (signatures made on the workers),
	// on the fill's simulated clock, so that it prunes as the days pass.
	var simNow atomic.Int64
	defaults := config.Defaults()
	g := aggregate.NewStoryGrouper(app.StoryConfig(&defaults)).WithClock(func() time.Time { return time.Unix(simNow.Load(), 0) })

	// Items are produced a poll at a time (50 items of one source), in time
	// order across sources, by workers; one writer saves them in batches.
	type job struct{ poll, src int }
	polls := (perSource + feeds.ItemsPerFeed - 1) / feeds.ItemsPerFeed
	step := scaleWindow / time.Duration(perSource)
	start := end.Add(-scaleWindow)
	jobs := make(chan job, 64)
	results := make(chan aggregate.Fetched, 64)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for j := range jobs {
				f := aggregate.Fetched{State: states[j.src]}
				for k := j.poll * feeds.ItemsPerFeed; k < min((j.poll+1)*feeds.ItemsPerFeed, perSource); k++ {
					pub := start.Add(time.Duration(k)*step + time.Duration(j.src)*step/time.Duration(nsrc))
					it := scaleItem(c, corpus, j.src, k, pub)
					if it.Verdict.Match && it.Fresh {
						g.Prepare(&it)
					}
					f.Items = append(f.Items, it)
				}
				results <- f
			}
		})
	}
	go func() {
		for p := range polls {
			for s := range nsrc {
				jobs <- job{p, s}
			}
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	var stopProfile func()
	if args.profile != "" {
		if stopProfile, err = startProfile(args.profile, "scale-fill"); err != nil {
			return err
		}
	}
	t0 := time.Now()
	var res scaleResult
	var batch []aggregate.Fetched
	items := 0
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		last := batch[len(batch)-1].Items
		if len(last) > 0 {
			simNow.Store(last[len(last)-1].FirstSeen.Unix())
		}
		stats, _, err := st.Save(ctx, batch, g)
		if err != nil {
			return err
		}
		for _, s := range stats {
			res.Items += int64(s.New)
			res.Curated += int64(s.Kept)
		}
		if res.Items/100000 != (res.Items-int64(items))/100000 {
			fmt.Fprintf(os.Stderr, "# scale: %d items stored, %.0f/s\n", res.Items, float64(res.Items)/time.Since(t0).Seconds())
		}
		batch, items = batch[:0], 0
		return nil
	}
	for f := range results {
		batch = append(batch, f)
		items += len(f.Items)
		if items >= 2000 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	res.FillSeconds = time.Since(t0).Seconds()
	if stopProfile != nil {
		stopProfile()
	}
	if err := st.Close(); err != nil {
		return err
	}
	fi, err := os.Stat(args.db)
	if err != nil {
		return err
	}
	res.DBBytes = fi.Size()

	// Measure on a freshly opened store, as after a restart.
	st, err = store.Open(ctx, args.db)
	if err != nil {
		return err
	}
	defer st.Close()
	res.Stories, res.Visible, err = countStories(ctx, args.db)
	if err != nil {
		return err
	}
	opts := app.PublishOptions(&defaults)
	q := aggregate.Query{Limit: opts.MaxItems}
	var rebuild, curated []float64
	if args.profile != "" {
		stop, err := startProfile(args.profile, "scale-rebuild")
		if err != nil {
			return err
		}
		defer stop()
	}
	for range 25 {
		t := time.Now()
		entries, err := st.Curated(ctx, q)
		if err != nil {
			return err
		}
		curated = append(curated, time.Since(t).Seconds())
		res.Entries = len(entries)
		h := publish.New(opts, st, st, nil)
		t = time.Now()
		if _, err := h.Refresh(ctx); err != nil {
			return err
		}
		rebuild = append(rebuild, time.Since(t).Seconds())
	}
	slices.Sort(rebuild)
	slices.Sort(curated)
	res.RebuildMedian, res.RebuildMax, res.CuratedMedian = rebuild[len(rebuild)/2], rebuild[len(rebuild)-1], curated[len(curated)/2]
	answer(res)
	return nil
}

// countStories counts the stories and the visible ones, reading the file
// directly: the store has no query for it.
func countStories(ctx context.Context, path string) (stories, visible int64, err error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, 0, err
	}
	defer db.Close()
	err = db.QueryRowContext(ctx, "SELECT count(*), coalesce(sum(visible), 0) FROM stories").Scan(&stories, &visible)
	return stories, visible, err
}

// Caps on stored text, as aggregate's normalisation applies them.
const (
	maxTitleRunes   = 500
	maxSummaryRunes = 1000
	maxContentRunes = 2000
)

// scaleItem builds item k of source i as gleaner's normalisation would store
// it: plain-text title and summary, the body's text beyond the summary, the
// canonical link, the verdict, and the HTML body for the items kept (stored as
// received; publish sanitises it when rendering).
func scaleItem(c *topic.Classifier, corpus *feeds.Corpus, i, k int, published time.Time) aggregate.Item {
	g := corpus.ItemAt(i, k, published)
	description, content := g.Body, ""
	if g.Full {
		description, content = "<p>"+html.EscapeString(g.Lead)+"</p>", g.Body
	}
	it := aggregate.Item{
		Key:       g.GUID,
		URL:       aggregate.CanonicalURL(g.Link),
		Title:     capRunes(sanitize.Text(g.Title), maxTitleRunes),
		Summary:   capRunes(sanitize.Text(description), maxSummaryRunes),
		Author:    g.Author,
		Published: published,
		Updated:   published,
		FirstSeen: published.Add(10 * time.Minute),
		Fresh:     true,
	}
	if g.Permalink || corpus.Outlet(i).Format == feeds.Atom {
		it.GUID = g.GUID
	}
	if content != "" {
		it.BodyText = capRunes(sanitize.Text(content), maxContentRunes)
	}
	it.Lang = topic.DetectLang(it.Title + " " + it.Summary)
	r := c.Classify(topic.Doc{Title: it.Title, Summary: it.Summary, Content: it.BodyText})
	it.Verdict = aggregate.Verdict{Match: r.Match, Score: r.Score, Reasons: r.Reasons, Facets: r.Facets}
	if r.Match {
		it.Content = firstNonEmpty(content, description)
	}
	return it
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func capRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
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
