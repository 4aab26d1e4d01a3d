package story

import (
	_ "embed"
	"math"
	"strconv"
	"strings"
)

// vector is an item's features weighed for comparison: its sorted, distinct feature hashes
// (text, concepts and numbers together), a weight for each, which of them are shared with
// the other language, and the norms of the whole and of the shared part. A feature weighs
// its rarity (idf), times titleWeight if the headline has it: the headline says what the
// event is, the lead's later words drift into background; times nameWeight if it is a word
// of an entry of the lexicon. It also holds the dates the item names (see dateRefs). It is never
// modified once made.
type vector struct {
	h      []uint64
	w      []float32
	shared []uint64 // bit i: h[i] is shared (see the flag)
	norm   float32  // of all the weights
	snorm  float32  // of the shared weights
	dense  bool     // written in a dense script (Korean)
	dates  dateRefs // the dates it names, as written
	places placeSet // the places its headline names, by the country they lie within
}

// titleWeight is how much more a feature of the headline weighs than one of the lead only.
const titleWeight = 2

// nameWeight is what a word of an entry of the lexicon (엔비디아, Jensen Huang, APEC, 공급)
// weighs against other words of the text. The entry counts once more as its concept (see
// concepts.go), so its words counted in full count it twice; and the actors of a week,
// named in every report of it, then carry two reports of different events together (the
// deal and the dinner of one chief executive on one trip), where what happened should.
const nameWeight = 0.75

// newVector weighs the features of a shingler, out and anchors (each sorted and distinct),
// and picks the keys the index files it under (see pickKeys). The vector's slices and the
// keys share one allocation.
func newVector(out, anchors []feat, dense bool) (vector, []uint64) {
	n := len(out) + len(anchors)
	words := (n + 63) / 64
	buf := make([]uint64, n+words+maxKeys+maxSharedKeys)
	v := vector{h: buf[:0:n], w: make([]float32, 0, n), shared: buf[n : n+words : n+words], dense: dense}
	var ss, sw float64
	var top keyPicker
	for i, j := 0, 0; i < len(out) || j < len(anchors); {
		var f feat
		switch {
		case j == len(anchors) || i < len(out) && out[i].h < anchors[j].h:
			f = out[i]
			i++
		case i == len(out) || anchors[j].h < out[i].h:
			f = anchors[j]
			j++
		default: // the same hash in both: one feature with the flags of both
			f = feat{out[i].h, out[i].flags | anchors[j].flags}
			i++
			j++
		}
		k := len(v.h)
		idfW := idf(f.h)
		w := idfW
		if f.flags&inTitle != 0 {
			w *= titleWeight
		}
		if f.flags&inName != 0 {
			w *= nameWeight
		}
		v.h = append(v.h, f.h)
		v.w = append(v.w, w)
		ss += float64(w) * float64(w)
		isShared := f.flags&shared != 0
		if isShared {
			v.shared[k/64] |= 1 << (k % 64)
			sw += float64(w) * float64(w)
		}
		if idfW >= minKeyIDF {
			top.offer(w, f.h, isShared)
		}
	}
	v.norm, v.snorm = float32(math.Sqrt(ss)), float32(math.Sqrt(sw))
	return v, top.keys(buf[n+words : n+words])
}

func (v *vector) isShared(i int) bool { return v.shared[i/64]&(1<<(i%64)) != 0 }

// cosines returns the cosine similarity of a and b over all their features, and over their
// shared features only: the first compares two reports in one language, the second a
// Korean and an English one, which can share nothing else.
func cosines(a, b *vector) (all, cross float64) {
	var dot, sdot float64
	for i, j := 0, 0; i < len(a.h) && j < len(b.h); {
		switch {
		case a.h[i] < b.h[j]:
			i++
		case a.h[i] > b.h[j]:
			j++
		default:
			p := float64(a.w[i]) * float64(b.w[j])
			dot += p
			if a.isShared(i) && b.isShared(j) {
				sdot += p
			}
			i++
			j++
		}
	}
	if a.norm > 0 && b.norm > 0 {
		all = dot / (float64(a.norm) * float64(b.norm))
	}
	if a.snorm > 0 && b.snorm > 0 {
		cross = sdot / (float64(a.snorm) * float64(b.snorm))
	}
	return all, cross
}

// idfWeights holds the inverse document frequency of the features that more than one
// report of a corpus of news on the topic has (idf.txt, made from testdata/topic by
// TestIDFTable); a feature it lacks is rare and weighs rareIDF.
var idfWeights, rareIDF = parseIDF(idfText)

//go:embed idf.txt
var idfText string

// parseIDF reads idf.txt: a first line "docs N", then a line "HASH DF" (hexadecimal,
// decimal) per feature, and returns each feature's inverse document frequency, and that of
// a feature no report has.
func parseIDF(text string) (*idfTable, float32) {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	docs, err := strconv.Atoi(strings.TrimPrefix(lines[0], "docs "))
	if err != nil {
		panic("story: idf.txt: " + err.Error())
	}
	weight := func(df uint64) float32 { return float32(math.Log(float64(docs+1) / (float64(df) + 1))) }
	t := newIDFTable(len(lines) - 1)
	for _, l := range lines[1:] {
		h, df, ok := strings.Cut(l, " ")
		x, err1 := strconv.ParseUint(h, 16, 64)
		n, err2 := strconv.ParseUint(df, 10, 32)
		if !ok || err1 != nil || err2 != nil || x == 0 {
			panic("story: idf.txt: bad line " + strconv.Quote(l))
		}
		t.put(x, weight(n))
	}
	return t, weight(0)
}

// idfTable maps feature hashes to weights, open addressing on the hash's own bits (they
// are well mixed), at most a quarter full: every feature of every item is looked up, and a
// Go map's hashing and probing cost several times as much.
type idfTable struct {
	h    []uint64 // 0: empty
	w    []float32
	mask uint64
}

func newIDFTable(n int) *idfTable {
	size := 16
	for size < 4*n {
		size *= 2
	}
	return &idfTable{h: make([]uint64, size), w: make([]float32, size), mask: uint64(size - 1)}
}

func (t *idfTable) put(h uint64, w float32) {
	k := h & t.mask
	for t.h[k] != 0 && t.h[k] != h {
		k = (k + 1) & t.mask
	}
	t.h[k], t.w[k] = h, w
}

func (t *idfTable) get(h uint64) (float32, bool) {
	for k := h & t.mask; t.h[k] != 0; k = (k + 1) & t.mask {
		if t.h[k] == h {
			return t.w[k], true
		}
	}
	return 0, false
}

// idf is the inverse document frequency of feature h.
func idf(h uint64) float32 {
	if w, ok := idfWeights.get(h); ok {
		return w
	}
	return rareIDF
}

// keyPicker picks the features the index files an item under: its maxKeys heaviest
// features and its maxSharedKeys heaviest shared ones, leaving out those too common to tell
// stories apart (minKeyIDF). Two reports of one event share some of their rarest words,
// or, in two languages, some of their rarest names and numbers. Heaviest comes first, ties
// by hash, so the choice is deterministic. It keeps the best of each kind as features are
// offered, rather than sorting them all.
type keyPicker struct {
	all    [maxKeys]keyCand
	shared [maxSharedKeys]keyCand
	nAll   int
	nSh    int
}

type keyCand struct {
	w float32
	h uint64
}

// before orders key candidates: heavier first, then by hash.
func (a keyCand) before(b keyCand) bool { return a.w > b.w || a.w == b.w && a.h < b.h }

func (p *keyPicker) offer(w float32, h uint64, shared bool) {
	c := keyCand{w, h}
	p.nAll = insertTop(p.all[:], p.nAll, c)
	if shared {
		p.nSh = insertTop(p.shared[:], p.nSh, c)
	}
}

// insertTop inserts c into top[:n], kept in order and at most len(top) long, and returns
// its new length.
func insertTop(top []keyCand, n int, c keyCand) int {
	if n == len(top) && !c.before(top[n-1]) {
		return n
	}
	k := min(n, len(top)-1)
	for k > 0 && c.before(top[k-1]) {
		top[k] = top[k-1]
		k--
	}
	top[k] = c
	return min(n+1, len(top))
}

// keys appends the picked features to dst, heaviest first, each once.
func (p *keyPicker) keys(dst []uint64) []uint64 {
	a, b := p.all[:p.nAll], p.shared[:p.nSh]
	for len(a) > 0 || len(b) > 0 {
		switch {
		case len(b) == 0 || len(a) > 0 && a[0].before(b[0]):
			dst = append(dst, a[0].h)
			a = a[1:]
		case len(a) == 0 || b[0].before(a[0]):
			dst = append(dst, b[0].h)
			b = b[1:]
		default: // the same feature in both
			dst = append(dst, a[0].h)
			a, b = a[1:], b[1:]
		}
	}
	return dst
}
