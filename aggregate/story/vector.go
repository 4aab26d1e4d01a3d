package story

import (
	"cmp"
	_ "embed"
	"math"
	"slices"
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
}

// titleWeight is how much more a feature of the headline weighs than one of the lead only.
const titleWeight = 2

// nameWeight is what a word of an entry of the lexicon (엔비디아, Jensen Huang, APEC, 공급)
// weighs against other words of the text. The entry counts once more as its concept (see
// concepts.go), so its words counted in full count it twice; and the actors of a week,
// named in every report of it, then carry two reports of different events together (the
// deal and the dinner of one chief executive on one trip), where what happened should.
const nameWeight = 0.75

// newVector weighs the merged features of a shingler.
func newVector(out, anchors []feat, dense bool) vector {
	n := len(out) + len(anchors)
	v := vector{h: make([]uint64, 0, n), w: make([]float32, 0, n), shared: make([]uint64, (n+63)/64), dense: dense}
	all := mergeFeats(append(append(make([]feat, 0, n), out...), anchors...))
	var ss, sw float64
	for i, f := range all {
		w := idf(f.h)
		if f.flags&inTitle != 0 {
			w *= titleWeight
		}
		if f.flags&inName != 0 {
			w *= nameWeight
		}
		v.h = append(v.h, f.h)
		v.w = append(v.w, w)
		ss += float64(w) * float64(w)
		if f.flags&shared != 0 {
			v.shared[i/64] |= 1 << (i % 64)
			sw += float64(w) * float64(w)
		}
	}
	v.norm, v.snorm = float32(math.Sqrt(ss)), float32(math.Sqrt(sw))
	return v
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

// idfTable holds the document frequency of the features that more than one report of
// idfDocs has, in a corpus of news on the topic (idf.txt, made from testdata/topic by
// TestIDFTable); a feature it lacks is rare.
var idfTable, idfDocs = parseIDF(idfText)

//go:embed idf.txt
var idfText string

// parseIDF reads idf.txt: a first line "docs N", then a line "HASH DF" (hexadecimal,
// decimal) per feature.
func parseIDF(text string) (map[uint64]uint32, int) {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	docs, err := strconv.Atoi(strings.TrimPrefix(lines[0], "docs "))
	if err != nil {
		panic("story: idf.txt: " + err.Error())
	}
	t := make(map[uint64]uint32, len(lines)-1)
	for _, l := range lines[1:] {
		h, df, ok := strings.Cut(l, " ")
		x, err1 := strconv.ParseUint(h, 16, 64)
		n, err2 := strconv.ParseUint(df, 10, 32)
		if !ok || err1 != nil || err2 != nil {
			panic("story: idf.txt: bad line " + strconv.Quote(l))
		}
		t[x] = uint32(n)
	}
	return t, docs
}

// idf is the inverse document frequency of feature h.
func idf(h uint64) float32 {
	df := idfTable[h]
	return float32(math.Log(float64(idfDocs+1) / (float64(df) + 1)))
}

// keys returns the features the index files the item under: its maxKeys heaviest features
// and its maxSharedKeys heaviest shared ones, leaving out those too common to tell stories
// apart (minKeyIDF). Two reports of one event share some of their rarest words, or, in two
// languages, some of their rarest names and numbers.
func (v *vector) keys() []uint64 {
	idx := make([]int, 0, len(v.h))
	for i, h := range v.h {
		if idf(h) >= minKeyIDF {
			idx = append(idx, i)
		}
	}
	// Heaviest first; ties by hash, so the choice is deterministic.
	slices.SortFunc(idx, func(a, b int) int {
		return cmp.Or(cmp.Compare(v.w[b], v.w[a]), cmp.Compare(v.h[a], v.h[b]))
	})
	keys := make([]uint64, 0, maxKeys+maxSharedKeys)
	all, sh := 0, 0
	for _, i := range idx {
		take := false
		if all < maxKeys {
			all++
			take = true
		}
		if v.isShared(i) && sh < maxSharedKeys {
			sh++
			take = true
		}
		if take {
			keys = append(keys, v.h[i])
		}
	}
	return keys
}
