package story

import (
	"slices"
	"sync"
	"time"
)

// numHashes is the MinHash signature length. The standard error of the estimate is
// sqrt(J(1-J)/numHashes): 0.025 at J=0.2. With 128 the noise at the threshold moved whole
// stories in and out on the dev set (precision swung by 0.05 between neighbouring
// thresholds); 256 steadied it for 1 KiB per member.
const numHashes = 256

// maxBands caps the LSH bands, each of which costs a bucket entry per member. Banding reads
// only the first maxBands*rows values of a signature; the estimate uses all of them.
const maxBands = 64

// seeds holds the multipliers and offsets of the numHashes/2 hash functions, each of which
// gives two MinHash values. They are fixed: the index is rebuilt from the store on every
// start and must give the same answers, so nothing here may depend on a per-process random
// seed (hash/maphash would).
var seeds = func() (s [numHashes / 2][2]uint64) {
	x := uint64(0x6a09e667f3bcc908) // any fixed constant; this one is sqrt(2)'s fraction
	next := func() uint64 {         // splitmix64
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		return z ^ z>>31
	}
	for i := range s {
		s[i] = [2]uint64{next() | 1, next()}
	}
	return s
}()

// minhash is the MinHash of a feature set: for each hash function the minimum over the
// features. Two minhashes agree in a position with probability equal to the Jaccard
// similarity of the sets.
type minhash [numHashes]uint32

// Signature is what the index keeps of an item: the MinHash of its features, which finds the
// members worth comparing (LSH), the features themselves, which decide (an exact similarity
// rather than an estimate: with 256 hashes the estimate's noise of ±0.025, maximised over
// the dozens of members a lookup compares, pushed unrelated pairs over the threshold now and
// then), and its anchors, the numbers it mentions. Sign makes one; it is never modified
// afterwards, so it is safe to copy and to pass between goroutines.
type Signature struct {
	mins     minhash
	feats    []uint64 // sorted, distinct feature hashes
	nAnchors int32
	anchors  [maxAnchors]uint64 // sorted, distinct; the first nAnchors are valid
}

// Size is the number of distinct features the signature was made from; zero for an item
// with no text worth comparing.
func (s *Signature) Size() int { return len(s.feats) }

var shinglers = sync.Pool{New: func() any { return &shingler{out: make([]uint64, 0, maxFeatures)} }}

// Sign cleans, shingles and hashes d: the expensive part of Find and Add, which depends on d
// alone. It is pure and safe for concurrent use, so a caller can sign items on its workers and
// hand only the Signature to the goroutine that owns the index (FindSig, AddSig).
func Sign(d Doc) Signature {
	sh := shinglers.Get().(*shingler)
	sh.shingle(d)
	var sig Signature
	sig.mins = sign(sh.out)
	sig.feats = slices.Clone(sh.out)
	sig.nAnchors = int32(copy(sig.anchors[:], sh.anchors))
	shinglers.Put(sh)
	return sig
}

// sign computes the MinHash of feats. The features are already well mixed 64-bit hashes, so
// one multiply-add per pair of positions is enough to derive independent-enough
// permutations: the high half of the product gives one value, the low half (with the high
// half folded in, as its own low bits mix poorly) the other. Halving the multiplications,
// with fixed-size arrays the compiler can check once, made this the cheap part of Sign.
func sign(feats []uint64) minhash {
	var sig minhash
	for i := range sig {
		sig[i] = ^uint32(0)
	}
	for _, f := range feats {
		for i := range seeds {
			x := seeds[i][0]*f + seeds[i][1]
			hi := uint32(x >> 32)
			lo := uint32(x) ^ uint32(x>>29)
			if hi < sig[2*i] {
				sig[2*i] = hi
			}
			if lo < sig[2*i+1] {
				sig[2*i+1] = lo
			}
		}
	}
	return sig
}

// estimate is the fraction of positions in which a and b agree.
func estimate(a, b *minhash) float64 {
	n := 0
	for i := range a {
		if a[i] == b[i] {
			n++
		}
	}
	return float64(n) / numHashes
}

// banding splits a signature into bands of rows; two items become candidates when all rows of
// any band agree, which happens with probability 1-(1-J^rows)^bands. chooseBanding picks the
// most selective split that still makes a pair at the threshold a candidate nine times in
// ten. Grouping is single-link, so an item needs only its best partner in a story to be
// found, and that partner is usually well above the threshold, where the probability is
// near one (0.98 at J=0.25 with the default threshold). More selective bands keep unrelated
// items of the same topic, which share a little vocabulary, out of each other's buckets.
type banding struct{ bands, rows int }

func chooseBanding(threshold float64) banding {
	best := banding{bands: maxBands, rows: 1}
	for rows := 2; rows <= numHashes; rows++ {
		bands := min(numHashes/rows, maxBands)
		if pCandidate(threshold, bands, rows) < 0.9 {
			break
		}
		best = banding{bands: bands, rows: rows}
	}
	return best
}

func pCandidate(j float64, bands, rows int) float64 {
	p := 1.0
	for range rows {
		p *= j
	}
	miss := 1.0
	for range bands {
		miss *= 1 - p
	}
	return 1 - miss
}

// bandKey hashes one band of a signature together with the band's number, so all bands can
// share one map.
func bandKey(sig *minhash, band, rows int) uint64 {
	h := uint64(band+1) * 0x9e3779b97f4a7c15
	for _, v := range sig[band*rows : (band+1)*rows] {
		h = fmix64(h ^ uint64(v))
	}
	return h
}

// Bounds on the work of one Find, so that its cost has a ceiling however crowded the index
// is. Unrelated items on the same topic share some vocabulary and so, now and then, a band:
// on generated traffic about one member in nine lands in a bucket with a new item. While
// there are at most maxCandidates such members all are compared; past that, the ones that
// share the most bands are compared first (sharing two or more bands is rare for unrelated
// items and likely for rewrites), so the cap costs the least recall it can. Each bucket is
// read newest first and only its newest maxBucketScan entries. 64 candidates decide every
// pair of the dev, holdout, fresh and real sets exactly as 256 did, and cut the lookups of
// a cold benchmark round by half (FindSig 1.38 s -> 0.64 s of CPU for 9,635 curated items).
const (
	maxCandidates = 64
	maxBucketScan = 64
)

// Index holds the MinHash signatures of recent items, keyed by LSH band, so that a new item
// is compared only with the members that share a band with it, not with every stored item.
// The work of one Find is bounded (see maxCandidates) and Prune keeps the index to the
// window, so the cost per item does not grow with the store. It is safe for concurrent use.
type Index struct {
	cfg  Config
	band banding

	mu       sync.Mutex
	slots    []member           // members, with holes left by Prune
	free     []int32            // holes in slots, reused by Add
	live     int                // members in slots
	buckets  map[uint64][]int32 // band key -> slots, oldest first
	seen     []uint32           // per slot: the lookup that last visited it
	hits     []uint8            // per slot: bands shared with the current lookup, valid when seen
	visit    uint32
	cands    []int32 // scratch for Find
	compared uint64  // members compared by Find so far, for benchmarks
	scanned  uint64  // bucket entries read by Find so far, for benchmarks
	capped   uint64  // lookups that had more than maxCandidates candidates

	// last caches the signature of the most recent Doc signed, because production calls
	// Add with the same Doc right after Find and signing is most of the cost of either.
	last struct {
		ok  bool
		doc Doc
		sig Signature
	}
}

type member struct {
	sig       Signature
	itemID    int64
	storyID   int64
	published int64 // Unix nanoseconds
	live      bool
}

// candidateShare is the Jaccard similarity, as a share of the threshold, at which a pair must
// still become a candidate nine times in ten (see chooseBanding). A short item beside a long
// one can reach the threshold through its overlap while its similarity is half the
// threshold; banding for the threshold itself lost those, and since the decision is made on
// the exact similarity the extra candidates cost time (bounded by maxCandidates), not
// precision.
const candidateShare = 0.6

// NewIndex returns an empty index. c should have passed Validate; a threshold outside (0,1]
// is clamped into it.
func NewIndex(c Config) *Index {
	t := c.Threshold
	if !(t > 0) {
		t = 1.0 / numHashes
	}
	c.Threshold = min(t, 1)
	return &Index{cfg: c, band: chooseBanding(candidateShare * c.Threshold), buckets: make(map[uint64][]int32)}
}

func (ix *Index) signature(d Doc) Signature {
	ix.mu.Lock()
	if ix.last.ok && sameDoc(ix.last.doc, d) {
		s := ix.last.sig
		ix.mu.Unlock()
		return s
	}
	ix.mu.Unlock()
	// Hashing runs outside the lock so concurrent callers do not queue behind it.
	s := Sign(d)
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

// FindSig returns the story of the member with the best score (see Match) among members
// published within Window of published, if that score is at least Threshold. Ties go to the
// earlier item, so the answer does not depend on map iteration order. Its work is bounded
// (see maxCandidates) whatever the size of the index.
func (ix *Index) FindSig(sig Signature, published time.Time) (Match, bool) {
	at := published.UnixNano()
	win := int64(ix.cfg.Window)

	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.visit++
	if ix.visit == 0 { // wrapped: forget old marks rather than misread them
		clear(ix.seen)
		ix.visit = 1
	}
	cands := ix.cands[:0]
	for b := range ix.band.bands {
		list := ix.buckets[bandKey(&sig.mins, b, ix.band.rows)]
		for k := len(list) - 1; k >= 0 && k >= len(list)-maxBucketScan; k-- {
			pos := list[k]
			ix.scanned++
			if ix.seen[pos] != ix.visit {
				ix.seen[pos] = ix.visit
				ix.hits[pos] = 0
				cands = append(cands, pos)
			}
			ix.hits[pos]++
		}
	}
	ix.cands = cands
	if len(cands) > maxCandidates {
		ix.capped++
		cands = ix.mostHits(cands)
	}

	var best Match
	found := false
	bestPub := int64(0)
	for _, pos := range cands {
		ix.compared++
		m := &ix.slots[pos]
		gap := m.published - at
		if gap > win || -gap > win {
			continue
		}
		w := ix.timeWeight(gap)
		if !mayReach(&sig, &m.sig, ix.cfg.Threshold/w) {
			continue
		}
		e := compare(&sig, &m.sig)
		sc := e.score * w
		if sc < ix.cfg.Threshold {
			continue
		}
		if !found || sc > best.Score ||
			(sc == best.Score && (m.published < bestPub || m.published == bestPub && m.itemID < best.ItemID)) {
			best = Match{StoryID: m.storyID, ItemID: m.itemID, Similarity: e.similarity, Overlap: e.overlap, Anchors: e.anchors, Score: sc}
			bestPub = m.published
			found = true
		}
	}
	return best, found
}

// mostHits keeps the maxCandidates candidates that share the most bands with the lookup, in
// their order of discovery within each count, so the choice is deterministic. It reorders
// cands in place.
func (ix *Index) mostHits(cands []int32) []int32 {
	var count [256]int
	for _, pos := range cands {
		count[ix.hits[pos]]++
	}
	// Find the smallest hit count that still fits, then take every candidate above it and
	// as many at it as there is room for.
	floor, room := 255, maxCandidates
	for ; floor > 0 && count[floor] <= room; floor-- {
		room -= count[floor]
	}
	out := cands[:0]
	atFloor := 0
	for _, pos := range cands {
		h := int(ix.hits[pos])
		if h > floor || (h == floor && atFloor < room) {
			if h == floor {
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
	m := member{sig: sig, itemID: itemID, storyID: storyID, published: published.UnixNano(), live: true}
	var pos int32
	if n := len(ix.free); n > 0 {
		pos = ix.free[n-1]
		ix.free = ix.free[:n-1]
		ix.slots[pos] = m
		ix.seen[pos] = 0
	} else {
		pos = int32(len(ix.slots))
		ix.slots = append(ix.slots, m)
		ix.seen = append(ix.seen, 0)
		ix.hits = append(ix.hits, 0)
	}
	ix.live++
	for b := range ix.band.bands {
		k := bandKey(&ix.slots[pos].sig.mins, b, ix.band.rows)
		ix.buckets[k] = append(ix.buckets[k], pos)
	}
}

// Prune drops members published before `before`. It scans every member, so it is meant to
// run now and then (with now-Window), not per item; the buckets of the dropped members are
// edited in place.
func (ix *Index) Prune(before time.Time) {
	cut := before.UnixNano()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for pos := range ix.slots {
		m := &ix.slots[pos]
		if !m.live || m.published >= cut {
			continue
		}
		for b := range ix.band.bands {
			k := bandKey(&m.sig.mins, b, ix.band.rows)
			list := ix.buckets[k]
			if i := slices.Index(list, int32(pos)); i >= 0 {
				list = slices.Delete(list, i, i+1)
			}
			if len(list) == 0 {
				delete(ix.buckets, k)
			} else {
				ix.buckets[k] = list
			}
		}
		*m = member{}
		ix.free = append(ix.free, int32(pos))
		ix.live--
	}
}

// Len is the number of members in the index.
func (ix *Index) Len() int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.live
}
