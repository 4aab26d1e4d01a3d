package aggregate

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gleaner/gleaner/aggregate/story"
)

// StoryGrouper is the Grouper that joins near-duplicate reports of one story
// from different outlets, over an in-memory index of the items of the last
// story window. The index is rebuilt from the store's recent curated items
// (Load, on first use with WithLoader) and pruned as time passes.
type StoryGrouper struct {
	ix  *story.Index
	cfg story.Config
	now func() time.Time

	mu        sync.Mutex
	lastPrune time.Time

	// The index is filled from the store on first use (see WithLoader): a
	// `gleaner fetch` whose round brings no new curated item, the usual cron
	// run, never pays for it.
	loadMu sync.Mutex
	loaded atomic.Bool
	load   func() ([]Item, error)
	report func(items int, took time.Duration, err error)
}

// NewStoryGrouper returns a grouper with the given window and threshold.
func NewStoryGrouper(c story.Config) *StoryGrouper {
	return &StoryGrouper{ix: story.NewIndex(c), cfg: c, now: time.Now}
}

func storyDoc(it *Item) story.Doc {
	return story.Doc{ID: it.ID, Title: it.Title, Summary: it.Summary, Published: it.Published}
}

// WithClock makes g prune by now instead of the wall clock (tests with a fake
// clock) and returns g.
func (g *StoryGrouper) WithClock(now func() time.Time) *StoryGrouper {
	g.now = now
	return g
}

// WithLoader makes g fill its index on first use (Find, Add or Len) with the
// items load returns, as Load does. report (if not nil) is told how each
// attempt went: the items indexed and the time taken, or the error. After a
// failure the call goes on with the index as it is, and the next use tries again.
func (g *StoryGrouper) WithLoader(load func() ([]Item, error), report func(items int, took time.Duration, err error)) *StoryGrouper {
	g.load, g.report = load, report
	return g
}

// ready runs the loader once it is due.
func (g *StoryGrouper) ready() {
	if g.load == nil || g.loaded.Load() {
		return
	}
	g.loadMu.Lock()
	defer g.loadMu.Unlock()
	if g.loaded.Load() {
		return
	}
	start := time.Now()
	items, err := g.load()
	if err == nil {
		g.Load(items)
		g.loaded.Store(true)
	}
	if g.report != nil {
		g.report(len(items), time.Since(start), err)
	}
}

// Load indexes stored members, each as a member of its StoryID: their
// signatures are computed on every core, then added in order.
func (g *StoryGrouper) Load(items []Item) {
	var wg sync.WaitGroup
	workers := max(1, min(runtime.GOMAXPROCS(0), len(items)/64))
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(items); i += workers {
				if items[i].storySig == nil {
					g.Prepare(&items[i])
				}
			}
		}()
	}
	wg.Wait()
	for i := range items {
		g.ix.AddSig(*items[i].storySig, items[i].ID, items[i].StoryID, items[i].Published)
	}
	g.prune()
}

// Prepare computes its signature ahead of Find and Add. The poller calls it on
// its workers, in parallel, so that the writer goroutine only does look-ups.
func (g *StoryGrouper) Prepare(it *Item) {
	sig := story.Sign(storyDoc(it))
	it.storySig = &sig
}

func (g *StoryGrouper) signature(it *Item) story.Signature {
	if it.storySig == nil {
		g.Prepare(it)
	}
	return *it.storySig
}

// Find returns the story of the most similar recent item, if similar enough.
func (g *StoryGrouper) Find(it *Item) (int64, float64, bool) {
	g.ready()
	m, ok := g.ix.FindSig(g.signature(it), it.Published)
	if !ok {
		return 0, 0, false
	}
	return m.StoryID, m.Similarity, true
}

// Add indexes a stored item as a member of storyID.
func (g *StoryGrouper) Add(it *Item, storyID int64) {
	g.ready()
	g.ix.AddSig(g.signature(it), it.ID, storyID, it.Published)
	g.prune()
}

// Assign decides, in order, the story each need joins (story.Choose): the stored or
// earlier same-URL story, else that of the most similar item in the index or among the
// needs before it, else a new one. The items of one save are not in the index yet (they
// are added once saved, see Added), so the earlier needs are looked up in an index of
// their own, with their new stories labelled by story.StoryGroup.
func (g *StoryGrouper) Assign(needs []StoryNeed) {
	g.ready()
	var batch *story.Index
	if len(needs) > 1 {
		batch = story.NewIndex(g.cfg)
	}
	byURL := make(map[string]story.Choice)
	groups := 0
	for i := range needs {
		n := &needs[i]
		it := n.Item
		var m story.Match
		found := false
		sameURL, dup := byURL[it.URL]
		sig := g.signature(it)
		if n.URLStory == 0 && !dup {
			m, found = g.ix.FindSig(sig, it.Published)
			if batch != nil {
				// On equal scores the stored member wins: it is the older.
				if bm, ok := batch.FindSig(sig, it.Published); ok && (!found || bm.Score > m.Score) {
					m, found = bm, true
				}
			}
		}
		n.Choice = story.Choose(sameURL, n.URLStory, m, found, groups+1)
		if n.Choice.Story == 0 && n.Choice.Group > groups {
			groups = n.Choice.Group
		}
		if it.URL != "" && !dup {
			byURL[it.URL] = n.Choice
		}
		if batch != nil {
			// Ids above any stored item's: these are saved after every one of them.
			batch.AddSig(sig, math.MaxInt64-int64(len(needs)-i), story.StoryGroup(n.Choice), it.Published)
		}
	}
}

// Added indexes the needs' items that were saved into a story.
func (g *StoryGrouper) Added(needs []StoryNeed) {
	g.ready()
	for i := range needs {
		if it := needs[i].Item; it.StoryID != 0 {
			g.ix.AddSig(g.signature(it), it.ID, it.StoryID, it.Published)
		}
	}
	g.prune()
}

// Len is the number of indexed items.
func (g *StoryGrouper) Len() int {
	g.ready()
	return g.ix.Len()
}

// prune drops items too old to group with anything new, at most once a minute.
func (g *StoryGrouper) prune() {
	now := g.now()
	g.mu.Lock()
	due := now.Sub(g.lastPrune) > time.Minute
	if due {
		g.lastPrune = now
	}
	g.mu.Unlock()
	if due {
		g.ix.Prune(g.cfg.Horizon(now))
	}
}
