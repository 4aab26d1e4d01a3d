package story

import (
	"fmt"
	"testing"
	"time"
)

// checkIndex checks the index's buckets against its members: each live member is in the
// bucket of each of its bands exactly once, buckets hold nothing else and list their members
// in the order they were added (added gives each slot's order), and every block of the arena
// is either a bucket's or free, exactly once.
func checkIndex(ix *Index, added map[int32]int) error {
	rows := ix.band.rows
	entries := 0
	owner := make([]int, len(ix.buckets.arena)) // blocks covering each arena entry
	var one [1]int32
	for b, keys := range ix.buckets.keys {
		for key, v := range keys {
			list := ix.buckets.get(b, key, &one)
			if v&bucketOne == 0 {
				if len(list) < 2 {
					return fmt.Errorf("band %d key %#x: a block of %d entries", b, key, len(list))
				}
				off := uint32(v)
				for i := range 1 << sizeClass(len(list)) {
					owner[off+uint32(i)]++
				}
			}
			for i, pos := range list {
				if !ix.slots[pos].live {
					return fmt.Errorf("band %d key %#x: slot %d is not live", b, key, pos)
				}
				if i > 0 && added[list[i-1]] >= added[pos] {
					return fmt.Errorf("band %d key %#x: slots %v out of order", b, key, list)
				}
			}
			entries += len(list)
		}
	}
	for class, offs := range ix.buckets.free {
		for _, off := range offs {
			for i := range 1 << class {
				owner[off+uint32(i)]++
			}
		}
	}
	for i, n := range owner {
		if n != 1 {
			return fmt.Errorf("arena entry %d is in %d blocks", i, n)
		}
	}
	if want := ix.live * ix.band.bands; entries != want {
		return fmt.Errorf("%d bucket entries for %d live members, want %d", entries, ix.live, want)
	}
	for pos := range ix.slots {
		m := &ix.slots[pos]
		if !m.live {
			continue
		}
		vals := signPrefix(m.set.feats(), ix.band.bands*rows)
		for b := range ix.band.bands {
			n := 0
			for _, p := range ix.buckets.get(b, bandKey(vals[b*rows:(b+1)*rows]), &one) {
				if p == int32(pos) {
					n++
				}
			}
			if n != 1 {
				return fmt.Errorf("slot %d is %d times in its band %d bucket", pos, n, b)
			}
		}
	}
	return nil
}

// TestBucketsFollowAddAndPrune adds thousands of benchmark-corpus items, whose common words
// make buckets of every size, and prunes a day's worth now and then, so that blocks grow,
// shrink, empty and are reused; after each prune the buckets must still match the members.
// It runs with the default single-row bands and with a threshold that bands several rows.
func TestBucketsFollowAddAndPrune(t *testing.T) {
	docs, _ := feedDocs(4000)
	for _, th := range []float64{DefaultThreshold, 0.6} {
		t.Run(fmt.Sprint(th), func(t *testing.T) {
			c := DefaultConfig()
			c.Threshold = th
			ix := NewIndex(c)
			added := map[int32]int{}
			pruned := 0
			for i, d := range docs {
				sid := d.ID
				if m, ok := ix.Find(d); ok {
					sid = m.StoryID
				}
				// The slot Add fills: the last one freed, or a new one.
				pos := int32(len(ix.slots))
				if n := len(ix.free); n > 0 {
					pos = ix.free[n-1]
				}
				added[pos] = i
				ix.Add(d, sid)
				if i%500 == 499 {
					before := ix.Len()
					ix.Prune(d.Published.Add(-24 * time.Hour))
					pruned += before - ix.Len()
					if err := checkIndex(ix, added); err != nil {
						t.Fatalf("after %d items (rows %d): %v", i+1, ix.band.rows, err)
					}
				}
			}
			t.Logf("rows %d: %d members pruned, %d slots for %d items", ix.band.rows, pruned, len(ix.slots), len(docs))
			if pruned == 0 || len(ix.slots) == len(docs) {
				t.Errorf("%d members pruned, %d slots for %d items: the test does not exercise Prune and reuse", pruned, len(ix.slots), len(docs))
			}
			ix.Prune(docs[0].Published.Add(1000 * time.Hour))
			if n, b := ix.Len(), ix.buckets.len(); n != 0 || b != 0 {
				t.Errorf("after pruning everything: Len = %d, buckets = %d; want 0, 0", n, b)
			}
		})
	}
}

func TestSignPrefix(t *testing.T) {
	items := readSet(t, "dev.jsonl")
	for i, it := range items {
		sig := Sign(labeledDoc(it, i))
		for _, n := range []int{1, 2, 63, 64, 127, 192, 255, numHashes} {
			got := signPrefix(sig.set.feats(), n)
			if len(got) != n || string(fmt.Sprint(got)) != fmt.Sprint(sig.mins[:n]) {
				t.Fatalf("%s: signPrefix(%d) differs from the signature's first %d values", it.ID, n, n)
			}
		}
	}
}

func TestSizeClass(t *testing.T) {
	for _, tt := range []struct{ n, class int }{{1, 1}, {2, 1}, {3, 2}, {4, 2}, {5, 3}, {8, 3}, {9, 4}, {64, 6}, {65, 7}} {
		if got := sizeClass(tt.n); got != tt.class {
			t.Errorf("sizeClass(%d) = %d, want %d", tt.n, got, tt.class)
		}
	}
}
