package story

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// Signature is what the index needs of an item: its weighted features (see vector) and the
// keys under which the index files it. Sign makes one; it is never modified afterwards, so
// it is safe to copy and to pass between goroutines.
type Signature struct {
	vec  vector
	keys []uint64
}

// Size is the number of distinct features the signature was made from; zero for an item
// with no text worth comparing.
func (s *Signature) Size() int { return len(s.vec.h) }

var shinglers = sync.Pool{New: func() any { return &shingler{out: make([]feat, 0, maxFeatures)} }}

// defaultLexicon is the built-in lexicon (aliases.txt).
var defaultLexicon = compileLexicon(BuiltinAliases())

// Sign cleans, shingles and weighs d with the built-in lexicon: the expensive part of Find
// and Add, which depends on d alone. It is pure and safe for concurrent use, so a caller can
// sign items on its workers and hand only the Signature to the goroutine that owns the
// index (FindSig, AddSig). An index with aliases of its own signs with Index.Sign.
func Sign(d Doc) Signature { return signWith(defaultLexicon, d) }

func signWith(lx *lexicon, d Doc) Signature {
	sh := shinglers.Get().(*shingler)
	sh.lex = lx
	sh.shingle(d)
	var sig Signature
	sig.vec, sig.keys = newVector(sh.out, sh.anchors, sh.letters.dense*3 >= sh.letters.latin)
	sig.vec.dates = sh.dates
	sig.vec.places = sh.places
	shinglers.Put(sh)
	return sig
}

// Bounds on the work of one Find, so that its cost has a ceiling however crowded the index
// is. Each key's bucket is read newest first and only its newest maxBucketScan entries; the
// members that share the most keys with the new item are compared, at most maxCandidates of
// them, and at most maxStoryCandidates of one story; and a story is weighed against at most
// maxStoryCompare of its members.
//
// The bound per story matters where one story has thousands of members (the benchmark's
// one-big-story farm): all 64 candidates were its members, and comparing the 16 that share
// the most keys decides as comparing 64 did. On the farm's 10,000 reports a lookup and add
// took 28-31 us of CPU before and 13-19 us after (BenchmarkFarmRound, on a shared
// host), with the same two stories; on the benchmark corpus no report joins another story (the members that
// explain some joins differ); the real sets' stories are far smaller than 16.
const (
	maxCandidates      = 64
	maxStoryCandidates = 16
	maxBucketScan      = 128
	maxStoryCompare    = 8
)

// Index holds the signatures of recent items. Each member is filed under its keys (its
// rarest features, see vector.keys), so a new item is compared only with members that share
// a key, not with every stored item; the members of each story are listed so that a new
// item is weighed against the story as a whole (see FindSig). The work of one Find is
// bounded and Prune keeps the index to the window, so the cost per item does not grow with
// the store or with the size of a story. It is safe for concurrent use.
type Index struct {
	cfg Config
	lex *lexicon

	mu       sync.Mutex
	slots    []member // members, with holes left by Prune
	free     []int32  // holes in slots, reused by Add
	live     int      // members in slots
	buckets  *buckets
	stories  map[int64]*storyMembers
	byItem   map[int64]int32            // slot of each member by item id
	pending  []int64                    // provisional ids of the last Assign's items (see Saved)
	marks    []uint32                   // per slot: visit<<8 | keys shared with that lookup
	visit    uint32                     // lookups so far, modulo maxVisit
	cands    []int32                    // scratch for Find
	tally    [1 << tallyBits]storyTally // scratch for capPerStory
	table    featTable                  // scratch for Find
	compared uint64                     // members compared by Find so far, for benchmarks
	scanned  uint64                     // bucket entries read by Find so far, for benchmarks
	capped   uint64                     // lookups that had more than maxCandidates candidates
	// hints pairs the slots of the last Assign's items with the members of other stories
	// that each one's lookup found alike enough on its own, for Bridges.
	hints []hint

	// last caches the signature of the most recent Doc signed, because production calls
	// Add with the same Doc right after Find and signing is most of the cost of either.
	last struct {
		ok  bool
		doc Doc
		sig Signature
	}
}

// storyMembers lists a story's members in the index: its first maxStoryCompare/2 (they
// include its lead) and a ring of its newest. A story is compared with these, however many
// members it has.
type storyMembers struct {
	first  []int32
	recent []int32 // ring of at most maxStoryCompare/2
	next   int     // where the next recent member goes
	count  int     // members in the index
}

func (s *storyMembers) add(pos int32) {
	s.count++
	if len(s.first) < maxStoryCompare/2 {
		s.first = append(s.first, pos)
		return
	}
	if len(s.recent) < maxStoryCompare/2 {
		s.recent = append(s.recent, pos)
		return
	}
	s.recent[s.next] = pos
	s.next = (s.next + 1) % len(s.recent)
}

func (s *storyMembers) remove(pos int32) {
	s.count--
	s.first = slices.DeleteFunc(s.first, func(p int32) bool { return p == pos })
	if i := slices.Index(s.recent, pos); i >= 0 {
		s.recent = slices.Delete(s.recent, i, i+1)
		s.next = 0
	}
}

// maxVisit bounds the lookup counter kept in the top 24 bits of a mark; the low 8 count the
// keys a member shares with the lookup.
const maxVisit = 1 << 24

// member is what the index keeps of one item.
type member struct {
	vec       vector
	days      eventDays // vec's dates resolved against published
	keys      []uint64
	itemID    int64
	storyID   int64
	published int64 // Unix nanoseconds
	live      bool
}

// NewIndex returns an empty index that signs with the built-in lexicon and c.Aliases. c
// should have passed Validate; thresholds outside (0,1] are clamped into it.
func NewIndex(c Config) *Index {
	for _, t := range []*float64{&c.Threshold, &c.CrossThreshold} {
		if !(*t > 0) {
			*t = 0.01
		}
		*t = min(*t, 1)
	}
	lex := defaultLexicon
	if len(c.Aliases) > 0 {
		lex = compileLexicon(BuiltinAliases(), c.Aliases)
	}
	return &Index{cfg: c, lex: lex, buckets: newBuckets(1), stories: map[int64]*storyMembers{}, byItem: map[int64]int32{}}
}

// Sign is the package's Sign with the index's lexicon.
func (ix *Index) Sign(d Doc) Signature { return signWith(ix.lex, d) }

func (ix *Index) signature(d Doc) Signature {
	ix.mu.Lock()
	if ix.last.ok && sameDoc(ix.last.doc, d) {
		s := ix.last.sig
		ix.mu.Unlock()
		return s
	}
	ix.mu.Unlock()
	// Signing runs outside the lock so concurrent callers do not queue behind it.
	s := ix.Sign(d)
	ix.mu.Lock()
	ix.last.ok, ix.last.doc, ix.last.sig = true, d, s
	ix.mu.Unlock()
	return s
}

func sameDoc(a, b Doc) bool {
	return a.ID == b.ID && a.Title == b.Title && a.Summary == b.Summary
}

// Find is FindSig of d's signature. It signs d (or reuses the signature of the Doc it was last
// given, as production calls Add with the same Doc right after Find).
func (ix *Index) Find(d Doc) (Match, bool) {
	return ix.FindSig(ix.signature(d), d.Published)
}

// FindSig returns the story a new item signed as sig, published at published, belongs to,
// if any. A story qualifies when the item is close enough to one of its members (a score of
// at least 1, see pair) and close to the story as a whole: its mean score over the
// members compared (at most maxStoryCompare, each counted up to 2) is at least storyShare.
// Of those, the one with the highest mean, weighed with rankPrior members at storyShare,
// wins; ties go to the story of the earlier member, so the answer does not depend on map
// iteration order. A story can thus not grow
// by chaining, one member like the last and unlike the first. Its work is bounded whatever
// the size of the index or of a story.
func (ix *Index) FindSig(sig Signature, published time.Time) (Match, bool) {
	return ix.findSig(sig, published, nil)
}

// pull is a member close enough to a lookup's item to pull it in (r >= 1), with its story.
type pull struct {
	story int64
	pos   int32
	r     float64
	sim   float64
}

// findSig is FindSig, appending to pulled, when not nil, the members alike enough to sig
// on their own.
func (ix *Index) findSig(sig Signature, published time.Time, pulled *[]pull) (Match, bool) {
	pr := newProbe(&sig.vec, published)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.table.fill(&sig.vec)
	pr.table = &ix.table
	cands := ix.candidates(&sig)

	// The members close enough to pull the item in, by story.
	var pulls []pull
	for _, pos := range cands {
		ix.compared++
		m := &ix.slots[pos]
		r, sim, _ := ix.pair(&pr, m)
		if r >= 1 {
			p := pull{m.storyID, pos, r, sim}
			pulls = append(pulls, p)
			if pulled != nil {
				*pulled = append(*pulled, p)
			}
		}
	}
	var best Match
	found := false
	bestPub := int64(0)
	bestRank := 0.0
	for k, p := range pulls {
		if slices.ContainsFunc(pulls[:k], func(q pull) bool { return q.story == p.story }) {
			continue // weighed already
		}
		mean, n, ok := ix.storyScore(&pr, p.story)
		if !ok || mean < storyShare {
			continue
		}
		rank := (mean*float64(n) + storyShare*rankPrior) / float64(n+rankPrior)
		// The story's closest member among the candidates explains the match.
		for _, q := range pulls[k:] {
			if q.story == p.story && q.r > p.r {
				p = q
			}
		}
		m := &ix.slots[p.pos]
		if !found || rank > bestRank || (rank == bestRank && (m.published < bestPub || m.published == bestPub && m.itemID < best.ItemID)) {
			best = Match{StoryID: p.story, ItemID: m.itemID, Similarity: p.sim, Score: mean, Cross: m.vec.dense != sig.vec.dense}
			bestPub = m.published
			bestRank = rank
			found = true
		}
	}
	return best, found
}

// CandidateItems returns the ids of the members that share a key with sig (at most
// maxCandidates of them, as a lookup compares): what a lookup for sig would weigh.
func (ix *Index) CandidateItems(sig Signature) []int64 {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	cands := ix.candidates(&sig)
	out := make([]int64, 0, len(cands))
	for _, pos := range cands {
		out = append(out, ix.slots[pos].itemID)
	}
	return out
}

// candidates returns the members that share a key with sig, at most maxCandidates of them:
// those that share the most keys, in their order of discovery within each count. It
// returns a scratch slice owned by the index.
func (ix *Index) candidates(sig *Signature) []int32 {
	ix.visit++
	if ix.visit == maxVisit { // wrapped: forget old marks rather than misread them
		clear(ix.marks)
		ix.tally = [1 << tallyBits]storyTally{}
		ix.visit = 1
	}
	cands := ix.cands[:0]
	marks, visit := ix.marks, ix.visit<<8
	var one [1]int32
	for _, key := range sig.keys {
		list := ix.buckets.get(0, key, &one)
		list = list[max(0, len(list)-maxBucketScan):]
		ix.scanned += uint64(len(list))
		for k := len(list) - 1; k >= 0; k-- {
			pos := list[k]
			mark := marks[pos]
			if mark&^0xff != visit {
				mark = visit
				cands = append(cands, pos)
			}
			if mark&0xff < 0xff {
				mark++
			}
			marks[pos] = mark
		}
	}
	ix.cands = cands
	if len(cands) > maxCandidates {
		ix.capped++
		cands = ix.mostHits(cands)
	}
	return ix.capPerStory(cands)
}

// storyTally counts one story's candidates in one lookup (see capPerStory).
type storyTally struct {
	story int64
	visit uint32
	n     int32
}

// tallyBits sizes capPerStory's table: twice the candidates a lookup can have.
const tallyBits = 7

// capPerStory keeps, of each story with more than maxStoryCandidates candidates, the
// maxStoryCandidates that share the most keys (the first found among equals); every other
// candidate stays, in its order.
func (ix *Index) capPerStory(cands []int32) []int32 {
	const k = maxStoryCandidates
	if len(cands) <= k {
		return cands
	}
	// Count the candidates of each story in a small open-addressed table, whose entries of
	// earlier lookups are told apart by the lookup's visit number (so it needs no clearing).
	visit := ix.visit
	var over [maxCandidates / (k + 1)]int64
	nover := 0
	for _, pos := range cands {
		id := ix.slots[pos].storyID
		j := uint64(id) * 0x9e3779b97f4a7c15 >> (64 - tallyBits)
		for t := &ix.tally[j]; t.visit == visit && t.story != id; t = &ix.tally[j] {
			j = (j + 1) & (1<<tallyBits - 1)
		}
		t := &ix.tally[j]
		if t.visit != visit {
			*t = storyTally{story: id, visit: visit}
		}
		t.n++
		if t.n == k+1 && nover < len(over) {
			over[nover] = id
			nover++
		}
	}
	for _, story := range over[:nover] {
		cands = ix.keepStoryHits(cands, k, story)
	}
	return cands
}

// storyScore is the mean score of pr against the story's listed members published close
// enough to it to group (see timeWeight), each counted up to 2 so that one copy cannot
// carry a story, and how many were compared; ok is false when there are none. Where
// members in pr's own language are close enough, the mean is over those alone: two
// reports in one language share all their words, a Korean and an English report only
// names and numbers, so the other language's members would only dilute the evidence (on real-dev, same-language
// recall 0.756 -> 0.761 and Korean-English 0.619 -> 0.631, with no pair more merged
// wrongly). A story of the other language alone is compared on what the two can share.
func (ix *Index) storyScore(pr *probe, story int64) (mean float64, n int, ok bool) {
	s := ix.stories[story]
	if s == nil {
		return 0, 0, false
	}
	var sum [2]float64 // by whether the member is in pr's language
	var count [2]int
	for _, list := range [2][]int32{s.first, s.recent} {
		for _, pos := range list {
			m := &ix.slots[pos]
			r, _, in := ix.pair(pr, m)
			if !in {
				continue
			}
			k := 0
			if m.vec.dense == pr.vec.dense {
				k = 1
			}
			sum[k] += min(r, 2)
			count[k]++
		}
	}
	k := 1
	if count[1] == 0 {
		k = 0
	}
	if count[k] == 0 {
		return 0, 0, false
	}
	return sum[k] / float64(count[k]), count[k], true
}

// mostHits keeps the maxCandidates candidates that share the most keys with the lookup, in
// their order of discovery within each count, so the choice is deterministic. It reorders
// cands in place.
func (ix *Index) mostHits(cands []int32) []int32 {
	var count [256]int
	for _, pos := range cands {
		count[uint8(ix.marks[pos])]++
	}
	floor, room := hitFloor(&count, maxCandidates)
	out := cands[:0]
	atFloor := 0
	for _, pos := range cands {
		h := int(uint8(ix.marks[pos]))
		if h > floor || (h == floor && atFloor < room) {
			if h == floor {
				atFloor++
			}
			out = append(out, pos)
		}
	}
	return out
}

// hitFloor finds, for candidates counted by hits, the smallest hit count that still fits
// keep of them: every candidate above it is kept, and room of those at it.
func hitFloor(count *[256]int, keep int) (floor, room int) {
	floor, room = 255, keep
	for ; floor > 0 && count[floor] <= room; floor-- {
		room -= count[floor]
	}
	return floor, room
}

// keepStoryHits keeps, of story's candidates, the keep that share the most keys with the
// lookup (the first found among equals), and every other candidate; the order stays. It
// filters cands in place.
func (ix *Index) keepStoryHits(cands []int32, keep int, story int64) []int32 {
	var count [256]int
	for _, pos := range cands {
		if ix.slots[pos].storyID == story {
			count[uint8(ix.marks[pos])]++
		}
	}
	floor, room := hitFloor(&count, keep)
	out := cands[:0]
	atFloor := 0
	for _, pos := range cands {
		h := int(uint8(ix.marks[pos]))
		if ix.slots[pos].storyID != story || h > floor || (h == floor && atFloor < room) {
			if ix.slots[pos].storyID == story && h == floor {
				atFloor++
			}
			out = append(out, pos)
		}
	}
	return out
}

// Add is AddSig of d's signature, reusing the one Find just computed for the same Doc.
func (ix *Index) Add(d Doc, storyID int64) {
	ix.AddSig(ix.signature(d), d.ID, storyID, d.Published)
}

// AddSig records the item itemID, published at published and signed as sig, as a member of
// story storyID.
func (ix *Index) AddSig(sig Signature, itemID, storyID int64, published time.Time) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	m := member{vec: sig.vec, days: sig.vec.dates.days(published), keys: sig.keys, itemID: itemID, storyID: storyID, published: published.UnixNano(), live: true}
	var pos int32
	if n := len(ix.free); n > 0 {
		pos = ix.free[n-1]
		ix.free = ix.free[:n-1]
		ix.slots[pos] = m
		ix.marks[pos] = 0
	} else {
		pos = int32(len(ix.slots))
		ix.slots = append(ix.slots, m)
		ix.marks = append(ix.marks, 0)
	}
	ix.live++
	for _, key := range sig.keys {
		ix.buckets.add(0, key, pos)
	}
	ix.join(pos, storyID)
	ix.byItem[itemID] = pos
}

func (ix *Index) join(pos int32, storyID int64) {
	s := ix.stories[storyID]
	if s == nil {
		s = &storyMembers{}
		ix.stories[storyID] = s
	}
	s.add(pos)
}

func (ix *Index) leave(pos int32, storyID int64) {
	if s := ix.stories[storyID]; s != nil {
		s.remove(pos)
		if s.count == 0 {
			delete(ix.stories, storyID)
		}
	}
}

// Move makes the member itemID the member newID of story storyID, or drops it when storyID
// is 0. The grouper indexes the items of a save as they are decided, under provisional
// ids, and moves them to the ids the store gave them once they are saved (see Assign).
func (ix *Index) Move(itemID, newID, storyID int64) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	pos, ok := ix.byItem[itemID]
	if !ok {
		return
	}
	m := &ix.slots[pos]
	delete(ix.byItem, itemID)
	if storyID == 0 {
		ix.drop([]int32{pos})
		return
	}
	if m.storyID != storyID {
		ix.leave(pos, m.storyID)
		m.storyID = storyID
		ix.join(pos, storyID)
	}
	m.itemID = newID
	ix.byItem[newID] = pos
}

// Prune drops members published before `before`. It scans every member, so it is meant to
// run now and then (with now-Window), not per item.
func (ix *Index) Prune(before time.Time) {
	cut := before.UnixNano()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var dropped []int32
	for pos := range ix.slots {
		if m := &ix.slots[pos]; m.live && m.published < cut {
			dropped = append(dropped, int32(pos))
		}
	}
	ix.drop(dropped)
}

// drop removes the members at the slots given; each bucket they are in is filtered once
// however many of them it holds.
func (ix *Index) drop(dropped []int32) {
	if len(dropped) == 0 {
		return
	}
	var keys []uint64
	for _, pos := range dropped {
		m := &ix.slots[pos]
		m.live = false // still in its buckets; filtered out below
		keys = append(keys, m.keys...)
		ix.leave(pos, m.storyID)
		if ix.byItem[m.itemID] == pos {
			delete(ix.byItem, m.itemID)
		}
	}
	slices.Sort(keys)
	live := func(pos int32) bool { return ix.slots[pos].live }
	for _, key := range slices.Compact(keys) {
		ix.buckets.filter(0, key, live)
	}
	for _, pos := range dropped {
		ix.slots[pos] = member{}
		ix.free = append(ix.free, pos)
		ix.live--
	}
}

// Len is the number of members in the index.
func (ix *Index) Len() int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.live
}

// sortByPublished orders items for grouping: by publication time, then as given.
func sortByPublished[T any](s []T, published func(*T) time.Time) []int {
	order := make([]int, len(s))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(published(&s[a]).UnixNano(), published(&s[b]).UnixNano()) })
	return order
}

var trimFrom = 3

// rankPrior is how many members at storyShare a story's mean is weighed with when stories
// that qualify are ranked (see FindSig): a story of one report that a new item happens to
// be close to should not outrank one whose many reports the item agrees with nearly as
// well. It does not change which stories qualify.
const rankPrior = 3
