package story

import (
	"slices"
	"sync"
	"time"
)

// numHashes is the MinHash signature length. The standard error of the estimate is
// sqrt(J(1-J)/numHashes): about 0.035 at J=0.2, small next to the gap between rewrites and
// near-misses on the dev set, while a signature stays 512 bytes.
const numHashes = 128

// seeds holds the multipliers and offsets of the numHashes hash functions. They are fixed:
// the index is rebuilt from the store on every start and must give the same answers, so
// nothing here may depend on a per-process random seed (hash/maphash would).
var seeds = func() (s [numHashes][2]uint64) {
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

// signature is the MinHash of a feature set: for each hash function the minimum over the
// features. Two signatures agree in a position with probability equal to the Jaccard
// similarity of the sets. The features are already well mixed 64-bit hashes, so a
// multiply-add per function, keeping the high 32 bits, is enough to derive independent-enough
// permutations cheaply.
type signature [numHashes]uint32

func sign(feats []uint64) signature {
	var sig signature
	for i := range sig {
		sig[i] = ^uint32(0)
	}
	for _, f := range feats {
		for i := range sig {
			h := uint32((seeds[i][0]*f + seeds[i][1]) >> 32)
			if h < sig[i] {
				sig[i] = h
			}
		}
	}
	return sig
}

// estimate is the fraction of positions in which a and b agree.
func estimate(a, b *signature) float64 {
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
// most selective split that still finds a pair at the threshold almost surely, so LSH loses
// (almost) nothing the exact comparison would keep, while unrelated items rarely share a
// bucket and the work per lookup does not grow with the index.
type banding struct{ bands, rows int }

func chooseBanding(threshold float64) banding {
	best := banding{bands: numHashes, rows: 1}
	for rows := 1; rows <= numHashes; rows++ {
		bands := numHashes / rows
		if pCandidate(threshold, bands, rows) < 0.99 {
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
func bandKey(sig *signature, band, rows int) uint64 {
	h := uint64(band+1) * 0x9e3779b97f4a7c15
	for _, v := range sig[band*rows : (band+1)*rows] {
		h = fmix64(h ^ uint64(v))
	}
	return h
}

// Index holds the MinHash signatures of recent items, keyed by LSH band, so that a new item
// is compared only with the members that share a band with it, not with every stored item.
// It is safe for concurrent use.
type Index struct {
	cfg  Config
	band banding

	mu      sync.Mutex
	members []member
	buckets map[uint64][]int32 // band key -> positions in members
	seen    []uint32           // per member: the lookup that last visited it
	visit   uint32

	// last caches the signature of the most recent Find, because production calls
	// Add with the same Doc right after Find and the signature is most of the cost.
	last struct {
		ok  bool
		doc Doc
		sig signature
	}
}

type member struct {
	sig       signature
	itemID    int64
	storyID   int64
	published int64 // Unix nanoseconds
}

// NewIndex returns an empty index. c should have passed Validate; a non-positive threshold
// is treated as the smallest useful one.
func NewIndex(c Config) *Index {
	t := c.Threshold
	if !(t > 0) {
		t = 1.0 / numHashes
	}
	return &Index{cfg: c, band: chooseBanding(min(t, 1)), buckets: make(map[uint64][]int32)}
}

func (ix *Index) signature(d Doc) signature {
	ix.mu.Lock()
	if ix.last.ok && sameDoc(ix.last.doc, d) {
		s := ix.last.sig
		ix.mu.Unlock()
		return s
	}
	ix.mu.Unlock()
	// Hashing runs outside the lock so concurrent callers do not queue behind it.
	s := sign(features(d))
	ix.mu.Lock()
	ix.last.ok, ix.last.doc, ix.last.sig = true, d, s
	ix.mu.Unlock()
	return s
}

func sameDoc(a, b Doc) bool {
	return a.ID == b.ID && a.Title == b.Title && a.Summary == b.Summary
}

// Find returns the story of the most similar member published within Window of d.Published
// whose estimated similarity is at least Threshold. Ties go to the earlier item, so the
// answer does not depend on map iteration order.
func (ix *Index) Find(d Doc) (Match, bool) {
	sig := ix.signature(d)
	at := d.Published.UnixNano()
	win := int64(ix.cfg.Window)

	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.visit++
	if ix.visit == 0 { // wrapped: forget old marks rather than misread them
		clear(ix.seen)
		ix.visit = 1
	}
	var best Match
	found := false
	bestPub := int64(0)
	for b := range ix.band.bands {
		for _, pos := range ix.buckets[bandKey(&sig, b, ix.band.rows)] {
			if ix.seen[pos] == ix.visit {
				continue
			}
			ix.seen[pos] = ix.visit
			m := &ix.members[pos]
			if dt := m.published - at; dt > win || -dt > win {
				continue
			}
			s := estimate(&sig, &m.sig)
			if s < ix.cfg.Threshold {
				continue
			}
			if !found || s > best.Similarity ||
				(s == best.Similarity && (m.published < bestPub || m.published == bestPub && m.itemID < best.ItemID)) {
				best = Match{StoryID: m.storyID, ItemID: m.itemID, Similarity: s}
				bestPub = m.published
				found = true
			}
		}
	}
	return best, found
}

// Add records d as a member of story storyID.
func (ix *Index) Add(d Doc, storyID int64) {
	sig := ix.signature(d)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.insert(member{sig: sig, itemID: d.ID, storyID: storyID, published: d.Published.UnixNano()})
}

func (ix *Index) insert(m member) {
	pos := int32(len(ix.members))
	ix.members = append(ix.members, m)
	ix.seen = append(ix.seen, 0)
	for b := range ix.band.bands {
		k := bandKey(&ix.members[pos].sig, b, ix.band.rows)
		ix.buckets[k] = append(ix.buckets[k], pos)
	}
}

// Prune drops members published before `before`. It rebuilds the buckets, which costs time
// linear in the index; it is meant to run now and then (with now-Window), not per item.
func (ix *Index) Prune(before time.Time) {
	cut := before.UnixNano()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	old := ix.members
	if !slices.ContainsFunc(old, func(m member) bool { return m.published < cut }) {
		return
	}
	ix.members = make([]member, 0, len(old))
	ix.seen = make([]uint32, 0, len(old))
	ix.buckets = make(map[uint64][]int32, len(ix.buckets))
	ix.visit = 0
	for _, m := range old {
		if m.published >= cut {
			ix.insert(m)
		}
	}
}

// Len is the number of members in the index.
func (ix *Index) Len() int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return len(ix.members)
}
