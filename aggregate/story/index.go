package story

import (
	"math/bits"
	"slices"
	"sync"
	"time"
)

// numHashes is the MinHash signature length. The standard error of the estimate is
// sqrt(J(1-J)/numHashes): 0.025 at J=0.2. With 128 the noise at the threshold moved whole
// stories in and out on the dev set (precision swung by 0.05 between neighbouring
// thresholds); 256 steadied it. The index keeps a byte of each value per member (see
// fingerprint), 256 bytes.
const numHashes = 256

// maxBands caps the LSH bands, each of which costs a bucket entry per member. Banding reads
// only the first maxBands*rows values of a signature; the estimate uses all of them (their
// fingerprints).
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

// Signature is what the index needs of an item: the MinHash of its features, whose leading
// values place it in the LSH buckets that find the members worth comparing; a fingerprint of
// the MinHash, a byte per value, which rules out most of those members cheaply (see
// mayReach); and the features and anchors themselves, which decide (an exact similarity
// rather than an estimate: with 256 hashes the estimate's noise of ±0.025, maximised over
// the dozens of members a lookup compares, pushed unrelated pairs over the threshold now and
// then). Sign makes one; it is never modified afterwards, so it is safe to copy and to pass
// between goroutines. The index keeps the fingerprint and the features, not the MinHash.
type Signature struct {
	mins minhash
	fp   fingerprint
	set  featureSet
}

// featureSet holds an item's sorted, distinct feature hashes followed by its sorted,
// distinct anchors, in one slice: one allocation per member, shared by the Signature and the
// index, and never modified.
type featureSet struct {
	data   []uint64
	nFeats int32
}

func (s *featureSet) feats() []uint64   { return s.data[:s.nFeats:s.nFeats] }
func (s *featureSet) anchors() []uint64 { return s.data[s.nFeats:] }

// Size is the number of distinct features the signature was made from; zero for an item
// with no text worth comparing.
func (s *Signature) Size() int { return int(s.set.nFeats) }

var shinglers = sync.Pool{New: func() any { return &shingler{out: make([]uint64, 0, maxFeatures)} }}

// Sign cleans, shingles and hashes d: the expensive part of Find and Add, which depends on d
// alone. It is pure and safe for concurrent use, so a caller can sign items on its workers and
// hand only the Signature to the goroutine that owns the index (FindSig, AddSig).
func Sign(d Doc) Signature {
	sh := shinglers.Get().(*shingler)
	sh.shingle(d)
	var sig Signature
	sig.mins = sign(sh.out)
	sig.fp = sig.mins.fingerprint()
	sig.set.data = append(append(make([]uint64, 0, len(sh.out)+len(sh.anchors)), sh.out...), sh.anchors...)
	sig.set.nFeats = int32(len(sh.out))
	shinglers.Put(sh)
	return sig
}

// sign computes the MinHash of feats. The features are already well mixed 64-bit hashes, so
// one multiply-add per pair of positions is enough to derive independent-enough
// permutations: the high half of the product gives one value, the low half (with the high
// half folded in, as its own low bits mix poorly) the other. Halving the multiplications
// made this the cheap part of Sign.
func sign(feats []uint64) minhash {
	var sig minhash
	minhashPrefix(sig[:], feats)
	return sig
}

// minhashPrefix sets out, of even length, to the first len(out) values of the MinHash of
// feats. It takes one hash function at a time over all the features, so that its two
// minima stay in registers: updating all 256 in memory for each feature in turn took twice
// as long.
func minhashPrefix(out []uint32, feats []uint64) {
	for i := range len(out) / 2 {
		a, c := seeds[i][0], seeds[i][1]
		hi, lo := ^uint32(0), ^uint32(0)
		for _, f := range feats {
			x := a*f + c
			hi = min(hi, uint32(x>>32))
			lo = min(lo, uint32(x)^uint32(x>>29))
		}
		out[2*i], out[2*i+1] = hi, lo
	}
}

// signPrefix is the first n values of sign's MinHash, which is all that banding reads: Prune
// recomputes them from a member's features to find its buckets rather than keep 256 values
// per member for the occasion.
func signPrefix(feats []uint64, n int) []uint32 {
	out := make([]uint32, 2*((n+1)/2))
	minhashPrefix(out, feats)
	return out[:n]
}

// fingerprint keeps one byte of each MinHash value, eight to a word. Where two values agree
// their bytes do, so the share of agreeing bytes is an estimate of the Jaccard similarity
// that is never below the MinHash estimate (by about (1-J)/256 above it on average, from
// chance agreements): a quarter of the memory of the values, and compared a word at a time.
type fingerprint [numHashes / 8]uint64

func (m *minhash) fingerprint() fingerprint {
	var fp fingerprint
	for i, v := range m {
		// The low byte: a minimum's high bits are mostly zero, its low ones uniform.
		fp[i/8] |= uint64(uint8(v)) << (8 * (i % 8))
	}
	return fp
}

// estimate is the share of positions in which the fingerprints a and b agree: at least the
// share of MinHash values that agree.
func estimate(a, b *fingerprint) float64 {
	const low7 = 0x7f7f7f7f7f7f7f7f
	n := 0
	for i := range a {
		x := a[i] ^ b[i]
		// The top bit of each byte of z is set where that byte of x is zero (no carries
		// cross bytes: each sum is at most 0xfe).
		z := ^((x&low7 + low7) | x | low7)
		n += bits.OnesCount64(z)
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

// bandKey identifies one band's values within its band: the value itself for single-row
// bands (the default), a hash of the values otherwise.
func bandKey(vals []uint32) uint64 {
	if len(vals) == 1 {
		return uint64(vals[0])
	}
	h := uint64(0x9e3779b97f4a7c15)
	for _, v := range vals {
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

// Index holds the signatures of recent items, keyed by LSH band, so that a new item is
// compared only with the members that share a band with it, not with every stored item.
// The work of one Find is bounded (see maxCandidates) and Prune keeps the index to the
// window, so the cost per item does not grow with the store. It is safe for concurrent use.
type Index struct {
	cfg  Config
	band banding

	mu       sync.Mutex
	slots    []member // members, with holes left by Prune
	free     []int32  // holes in slots, reused by Add
	live     int      // members in slots
	buckets  *buckets
	marks    []uint32 // per slot: visit<<8 | bands shared with that lookup
	visit    uint32   // lookups so far, modulo maxVisit
	cands    []int32  // scratch for Find
	compared uint64   // members compared by Find so far, for benchmarks
	scanned  uint64   // bucket entries read by Find so far, for benchmarks
	capped   uint64   // lookups that had more than maxCandidates candidates

	// last caches the signature of the most recent Doc signed, because production calls
	// Add with the same Doc right after Find and signing is most of the cost of either.
	last struct {
		ok  bool
		doc Doc
		sig Signature
	}
}

// maxVisit bounds the lookup counter kept in the top 24 bits of a mark; the low 8 count the
// bands a member shares with the lookup, at most maxBands.
const maxVisit = 1 << 24

// member is what the index keeps of one item: what decides (the fingerprint, the features
// and anchors) and what a Match reports, but not the MinHash: its banded prefix is
// recomputed from the features on the rare occasion Prune needs it.
type member struct {
	fp        fingerprint
	set       featureSet
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
	band := chooseBanding(candidateShare * c.Threshold)
	return &Index{cfg: c, band: band, buckets: newBuckets(band.bands)}
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
	if ix.visit == maxVisit { // wrapped: forget old marks rather than misread them
		clear(ix.marks)
		ix.visit = 1
	}
	cands := ix.cands[:0]
	rows := ix.band.rows
	marks, visit := ix.marks, ix.visit<<8
	var one [1]int32
	for b := range ix.band.bands {
		list := ix.buckets.get(b, bandKey(sig.mins[b*rows:(b+1)*rows]), &one)
		list = list[max(0, len(list)-maxBucketScan):]
		ix.scanned += uint64(len(list))
		for k := len(list) - 1; k >= 0; k-- {
			pos := list[k]
			mark := marks[pos]
			if mark&^0xff != visit {
				mark = visit
				cands = append(cands, pos)
			}
			marks[pos] = mark + 1
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
	feats := sig.set.feats()
	for _, pos := range cands {
		ix.compared++
		m := &ix.slots[pos]
		gap := m.published - at
		if gap > win || -gap > win {
			continue
		}
		w := ix.timeWeight(gap)
		if !mayReach(estimate(&sig.fp, &m.fp), len(feats), int(m.set.nFeats), ix.cfg.Threshold/w) {
			continue
		}
		e := compare(&sig.set, &m.set)
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
		count[uint8(ix.marks[pos])]++
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

// Add is AddSig of d's signature, reusing the one Find just computed for the same Doc.
func (ix *Index) Add(d Doc, storyID int64) {
	ix.AddSig(ix.signature(d), d.ID, storyID, d.Published)
}

// AddSig records the item itemID, published at published and signed as sig, as a member of
// story storyID.
func (ix *Index) AddSig(sig Signature, itemID, storyID int64, published time.Time) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	m := member{fp: sig.fp, set: sig.set, itemID: itemID, storyID: storyID, published: published.UnixNano(), live: true}
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
	rows := ix.band.rows
	for b := range ix.band.bands {
		ix.buckets.add(b, bandKey(sig.mins[b*rows:(b+1)*rows]), pos)
	}
}

// Prune drops members published before `before`. It scans every member, so it is meant to
// run now and then (with now-Window), not per item. The buckets of the dropped members are
// found by recomputing their banded MinHash values, and each is filtered once however many
// of them it holds.
func (ix *Index) Prune(before time.Time) {
	cut := before.UnixNano()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var dropped []int32
	for pos := range ix.slots {
		m := &ix.slots[pos]
		if m.live && m.published < cut {
			m.live = false // still in its buckets; filtered out below
			dropped = append(dropped, int32(pos))
		}
	}
	if len(dropped) == 0 {
		return
	}
	// The buckets that hold a dropped member, each once: a crowded bucket holds many.
	rows := ix.band.rows
	touched := make([][]uint64, ix.band.bands)
	for _, pos := range dropped {
		vals := signPrefix(ix.slots[pos].set.feats(), ix.band.bands*rows)
		for b := range touched {
			touched[b] = append(touched[b], bandKey(vals[b*rows:(b+1)*rows]))
		}
	}
	live := func(pos int32) bool { return ix.slots[pos].live }
	for b, keys := range touched {
		slices.Sort(keys)
		for _, key := range slices.Compact(keys) {
			ix.buckets.filter(b, key, live)
		}
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
