package story

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// testSignatures signs the items of the earlier sets and of the benchmark corpus: texts in
// both languages, short and long.
func testSignatures(t *testing.T) []Signature {
	var docs []Doc
	for _, set := range []string{"dev.jsonl", "real-dev.jsonl"} {
		for i, it := range readSet(t, set) {
			docs = append(docs, labeledDoc(it, i))
		}
	}
	feed, _ := feedDocs(300)
	docs = append(docs, feed...)
	sigs := make([]Signature, len(docs))
	for i, d := range docs {
		sigs[i] = Sign(d)
	}
	return sigs
}

// TestTableMatchesMerge: a lookup's table gives each similarity to the bit that merging the
// two feature lists (cosines) gives, for pairs in one language and in two.
func TestTableMatchesMerge(t *testing.T) {
	sigs := testSignatures(t)
	rng := rand.New(rand.NewPCG(3, 4))
	var table featTable
	for range 20_000 {
		a, b := &sigs[rng.IntN(len(sigs))].vec, &sigs[rng.IntN(len(sigs))].vec
		table.fill(a)
		if !table.ok {
			t.Fatalf("a vector of %d features did not fit the table", len(a.h))
		}
		merged := probe{vec: a}
		tabled := probe{vec: a, table: &table}
		for _, same := range []bool{true, false} {
			if x, y := merged.similarity(b, same), tabled.similarity(b, same); x != y {
				t.Fatalf("same language %v: merge %v, table %v", same, x, y)
			}
		}
	}
}

// TestKeysArePicked: the keys newVector picks are those of sorting every feature heaviest
// first (ties by hash) and taking the first maxKeys, and the first maxSharedKeys shared.
func TestKeysArePicked(t *testing.T) {
	for _, sig := range testSignatures(t) {
		v := &sig.vec
		var idx []int
		for i, h := range v.h {
			if idf(h) >= minKeyIDF {
				idx = append(idx, i)
			}
		}
		slices.SortFunc(idx, func(a, b int) int { return cmp.Or(cmp.Compare(v.w[b], v.w[a]), cmp.Compare(v.h[a], v.h[b])) })
		var want []uint64
		all, sh := 0, 0
		for _, i := range idx {
			take := all < maxKeys
			all++
			if v.isShared(i) && sh < maxSharedKeys {
				sh++
				take = true
			}
			if take {
				want = append(want, v.h[i])
			}
		}
		if !slices.Equal(sig.keys, want) {
			t.Fatalf("keys %x, want %x", sig.keys, want)
		}
	}
}

func TestSortFeats(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var scratch []feat
	for _, n := range []int{0, 1, 2, 31, 32, 33, 200, 1000} {
		fs := make([]feat, n)
		for i := range fs {
			fs[i] = feat{h: rng.Uint64(), flags: uint8(i % 3)}
			if i > 0 && i%7 == 0 {
				fs[i].h = fs[i-1].h // repeats
			}
			if i%11 == 0 {
				fs[i].h >>= 60 // a crowded top byte
			}
		}
		want := slices.Clone(fs)
		slices.SortStableFunc(want, func(a, b feat) int { return cmp.Compare(a.h, b.h) })
		sortFeats(fs, &scratch)
		if !slices.EqualFunc(fs, want, func(a, b feat) bool { return a.h == b.h }) {
			t.Fatalf("%d features: not sorted by hash", n)
		}
		slices.SortFunc(fs, func(a, b feat) int { return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.flags, b.flags)) })
		slices.SortFunc(want, func(a, b feat) int { return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.flags, b.flags)) })
		if !slices.Equal(fs, want) {
			t.Fatalf("%d features: some lost or changed", n)
		}
	}
}

// TestIDFWeights: every feature of idf.txt weighs what its document frequency says, and one
// that is not there weighs as a feature of no report.
func TestIDFWeights(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(idfText), "\n")
	docs, _ := strconv.Atoi(strings.TrimPrefix(lines[0], "docs "))
	weight := func(df uint64) float32 { return float32(math.Log(float64(docs+1) / (float64(df) + 1))) }
	for _, l := range lines[1:] {
		hs, dfs, _ := strings.Cut(l, " ")
		h, _ := strconv.ParseUint(hs, 16, 64)
		df, _ := strconv.ParseUint(dfs, 10, 32)
		if got := idf(h); got != weight(df) {
			t.Fatalf("idf(%x) = %v, want %v", h, got, weight(df))
		}
	}
	if got := idf(0x123456789); got != weight(0) {
		t.Errorf("idf of a feature no report has = %v, want %v", got, weight(0))
	}
}
