package aggregate

import (
	"cmp"
	"runtime"
	"slices"
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
	ix   *story.Index
	cfg  story.Config
	now  func() time.Time
	sigs signatures

	saving    sync.Mutex // from Assign to Added
	mu        sync.Mutex
	lastPrune time.Time

	// The index is filled from the store on first use (see WithLoader): a
	// `gleaner fetch` whose round brings no new curated item, the usual cron
	// run, never pays for it.
	loadMu sync.Mutex
	loaded atomic.Bool
	load   func() ([]Item, error)
	report func(items int, took time.Duration, err error)

	// near holds the recent stored reports that were near the filter's threshold and
	// joined no story, each a story of its own, so that a later kept report of their
	// event can pull them in as mates (see Pulls). It lives in memory only: a new
	// process fills it from the store with the index (see Load). nearMu guards
	// nearSigs; pulls and saved are Assign's and Added's, under saving.
	near     *story.Index
	nearMu   sync.Mutex
	nearSigs map[int64]nearItem
	pulls    []Pull
	saved    bool // the last save's outcome, told by Pulled
}

// nearItem is what the near pool keeps of a report to look it up again.
type nearItem struct {
	sig       *story.Signature
	published time.Time
}

// NewStoryGrouper returns a grouper with the given window and threshold.
func NewStoryGrouper(c story.Config) *StoryGrouper {
	return &StoryGrouper{ix: story.NewIndex(c), cfg: c, now: time.Now, near: story.NewIndex(c), nearSigs: map[int64]nearItem{}}
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
		it := &items[i]
		if it.StoryID == 0 && it.Verdict.Near {
			g.addNear(it)
			continue
		}
		g.ix.AddSig(*it.storySig, it.ID, it.StoryID, it.Published)
	}
	g.prune()
}

// addNear puts a stored near report that joined no story into the pool.
func (g *StoryGrouper) addNear(it *Item) {
	sig := g.signature(it)
	g.nearMu.Lock()
	defer g.nearMu.Unlock()
	if _, ok := g.nearSigs[it.ID]; ok {
		return
	}
	g.near.AddSig(sig, it.ID, it.ID, it.Published)
	g.nearSigs[it.ID] = nearItem{sig: &sig, published: it.Published}
}

// Prepare computes its signature ahead of Find and Add. The poller calls it on
// its workers, in parallel, so that the writer goroutine only does look-ups.
func (g *StoryGrouper) Prepare(it *Item) {
	it.storySig = g.sigs.sign(g.ix, storyDoc(it))
}

// signatures remembers the signatures of the texts signed last: copies of one
// wire story, which many outlets carry word for word, are signed once, and share
// their features in the index. A signature reads the title and the summary
// alone, and the index's lexicon: the days a report names are kept as written
// and placed by the index with the published time it is given
// (story.TestSignReadsTextOnly; TestSignatureCache checks the cache).
type signatures struct {
	mu sync.Mutex
	m  map[[2]string]*story.Signature
}

// maxSignatures bounds the texts remembered; past it, they are forgotten at once.
const maxSignatures = 8192

func (s *signatures) sign(ix *story.Index, d story.Doc) *story.Signature {
	key := [2]string{d.Title, d.Summary}
	s.mu.Lock()
	sig, ok := s.m[key]
	s.mu.Unlock()
	if ok {
		return sig
	}
	v := ix.Sign(d)
	s.mu.Lock()
	if s.m == nil || len(s.m) >= maxSignatures {
		s.m = make(map[[2]string]*story.Signature)
	}
	s.m[key] = &v
	s.mu.Unlock()
	return &v
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

// Assign decides the story each need joins (story.Index.Assign): the stored or
// earlier same-URL story, else that of the story the item is close to among the
// indexed items and the needs decided before it, else a new one. The needs are
// decided in order of publication and indexed under provisional ids until Added.
func (g *StoryGrouper) Assign(needs []StoryNeed) {
	// The index keeps one save's provisional members at a time: a second save
	// (a reclassification beside the poller's) waits for the first's Added.
	g.saving.Lock()
	g.ready()
	ps := make([]story.Pending, len(needs))
	for i := range needs {
		it := needs[i].Item
		ps[i] = story.Pending{Sig: g.signature(it), Published: it.Published, URL: it.URL, URLStory: needs[i].URLStory,
			JoinOnly: needs[i].Mate}
	}
	for i, c := range g.ix.Assign(ps) {
		needs[i].Choice = c
	}
}

// Pulls decides which reports of the near pool join the stories of needs' kept items, as
// Assign decided them: those that share a key with one of them and that FindSig, run as
// if they were saved now (against the index with this save's items in it), places in a
// story, as it would have placed them had the kept report come first. It is called
// between Assign and Added, whose saving lock it relies on; Added reads what the store
// set in the returned pulls.
func (g *StoryGrouper) Pulls(needs []StoryNeed) []Pull {
	g.pulls = g.pullNear(needs)
	return g.pulls
}

func (g *StoryGrouper) pullNear(needs []StoryNeed) []Pull {
	g.nearMu.Lock()
	defer g.nearMu.Unlock()
	if g.cfg.NoMates || len(g.nearSigs) == 0 {
		return nil
	}
	seen := map[int64]bool{}
	var ids []int64
	for i := range needs {
		if needs[i].Mate {
			continue
		}
		for _, id := range g.near.CandidateItems(g.signature(needs[i].Item)) {
			if _, ok := g.nearSigs[id]; ok && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	slices.SortFunc(ids, func(a, b int64) int {
		return cmp.Or(g.nearSigs[a].published.Compare(g.nearSigs[b].published), cmp.Compare(a, b))
	})
	var pulls []Pull
	for _, id := range ids {
		n := g.nearSigs[id]
		if m, found := g.ix.FindSig(*n.sig, n.published); found && m.StoryID != 0 {
			pulls = append(pulls, Pull{ItemID: id, Choice: story.Choose(story.Choice{}, 0, m, true, 0)})
		}
	}
	return pulls
}

// Pulled tells the grouper whether the save of the last Assign was committed.
func (g *StoryGrouper) Pulled(saved bool) { g.saved = saved }

// Added gives the needs' items, indexed by Assign, the ids and stories they were
// saved under, and drops those that were not saved.
func (g *StoryGrouper) Added(needs []StoryNeed) {
	defer g.saving.Unlock()
	g.ready()
	ids, stories := make([]int64, len(needs)), make([]int64, len(needs))
	for i := range needs {
		ids[i], stories[i] = needs[i].Item.ID, needs[i].Item.StoryID
	}
	g.ix.Saved(ids, stories)
	// Pulled reports join the index as members of their stories and leave the pool; mates
	// that found no story wait in it for a kept report of their event.
	g.nearMu.Lock()
	for _, p := range g.pulls {
		if n, ok := g.nearSigs[p.ItemID]; ok && g.saved && p.StoryID != 0 {
			g.ix.AddSig(*n.sig, p.ItemID, p.StoryID, n.published)
			g.near.Move(p.ItemID, 0, 0)
			delete(g.nearSigs, p.ItemID)
		}
	}
	g.nearMu.Unlock()
	g.pulls = nil
	if g.saved && !g.cfg.NoMates {
		for i := range needs {
			it := needs[i].Item
			if needs[i].Mate && it.ID > 0 && it.StoryID == 0 && !it.Verdict.Match {
				g.addNear(it)
			}
		}
	}
	g.saved = false
	g.prune()
}

// The daemon's grouper pulls story mates and merges stories (the store checks for both).
var (
	_ Puller  = (*StoryGrouper)(nil)
	_ Bridger = (*StoryGrouper)(nil)
)

// Bridges returns the merges the last save's items call for (story.Index.Bridges), and
// holds the grouper until Merged, so that no save joins a story being merged.
func (g *StoryGrouper) Bridges() []story.Merge {
	g.saving.Lock()
	g.ready()
	return g.ix.Bridges()
}

// Merged applies the merges the store made to the index and releases the grouper.
func (g *StoryGrouper) Merged(merges []story.Merge) {
	defer g.saving.Unlock()
	for _, m := range merges {
		g.ix.MergeStories(m.Keep, m.Drop)
	}
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
	if !due {
		return
	}
	h := g.cfg.Horizon(now)
	g.ix.Prune(h)
	g.near.Prune(h)
	g.nearMu.Lock()
	defer g.nearMu.Unlock()
	for id, n := range g.nearSigs {
		if n.published.Before(h) {
			delete(g.nearSigs, id)
		}
	}
}
