package aggregate

import (
	"sync"
	"time"

	"github.com/gleaner/gleaner/aggregate/story"
)

// StoryGrouper is the Grouper that joins near-duplicate reports of one story
// from different outlets, over an in-memory index of the items of the last
// story window. The index is rebuilt from the store at start-up (Add each
// recent curated item) and pruned as time passes.
type StoryGrouper struct {
	ix     *story.Index
	window time.Duration
	now    func() time.Time

	mu        sync.Mutex
	lastPrune time.Time
}

// NewStoryGrouper returns a grouper with the given window and threshold.
func NewStoryGrouper(c story.Config) *StoryGrouper {
	return &StoryGrouper{ix: story.NewIndex(c), window: c.Window, now: time.Now}
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

// Prepare computes it's signature ahead of Find and Add. The poller calls it on
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
	m, ok := g.ix.FindSig(g.signature(it), it.Published)
	if !ok {
		return 0, 0, false
	}
	return m.StoryID, m.Similarity, true
}

// Add indexes a stored item as a member of storyID.
func (g *StoryGrouper) Add(it *Item, storyID int64) {
	g.ix.AddSig(g.signature(it), it.ID, storyID, it.Published)
	g.prune()
}

// Len is the number of indexed items.
func (g *StoryGrouper) Len() int { return g.ix.Len() }

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
		// Items are at most this old when first seen and still fresh enough to
		// group; a day of slack keeps late arrivals' partners.
		g.ix.Prune(now.Add(-g.window - 24*time.Hour))
	}
}
