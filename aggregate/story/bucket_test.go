package story

import (
	"fmt"
	"testing"
	"time"
)

// checkIndex checks the index's buckets against its members: each live member is in the
// bucket of each of its keys exactly once, buckets hold nothing else and list their members
// in the order they were added (added gives each slot's order), every block of the arena is
// either a bucket's or free, exactly once, and each story lists only live members of its
// own.
func checkIndex(ix *Index, added map[int32]int) error {
	entries := 0
	owner := make([]int, len(ix.buckets.arena)) // blocks covering each arena entry
	var one [1]int32
	for key, v := range ix.buckets.keys[0] {
		list := ix.buckets.get(0, key, &one)
		if v&bucketOne == 0 {
			if len(list) < 2 {
				return fmt.Errorf("key %#x: a block of %d entries", key, len(list))
			}
			off := uint32(v)
			for i := range 1 << sizeClass(len(list)) {
				owner[off+uint32(i)]++
			}
		}
		for i, pos := range list {
			if !ix.slots[pos].live {
				return fmt.Errorf("key %#x: slot %d is not live", key, pos)
			}
			if i > 0 && added[list[i-1]] >= added[pos] {
				return fmt.Errorf("key %#x: slots %v out of order", key, list)
			}
		}
		entries += len(list)
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
	want := 0
	for pos := range ix.slots {
		m := &ix.slots[pos]
		if !m.live {
			continue
		}
		want += len(m.keys)
		for _, key := range m.keys {
			n := 0
			for _, p := range ix.buckets.get(0, key, &one) {
				if p == int32(pos) {
					n++
				}
			}
			if n != 1 {
				return fmt.Errorf("slot %d is %d times in the bucket of its key %#x", pos, n, key)
			}
		}
	}
	if entries != want {
		return fmt.Errorf("%d bucket entries for %d live members' keys, want %d", entries, ix.live, want)
	}
	members := 0
	for id, s := range ix.stories {
		members += s.count
		for _, list := range [2][]int32{s.first, s.recent} {
			for _, pos := range list {
				if m := &ix.slots[pos]; !m.live || m.storyID != id {
					return fmt.Errorf("story %d lists slot %d (live %v, story %d)", id, pos, m.live, m.storyID)
				}
			}
		}
	}
	if members != ix.live {
		return fmt.Errorf("stories count %d members, the index holds %d", members, ix.live)
	}
	return nil
}

// TestBucketsFollowAddAndPrune adds thousands of benchmark-corpus items, whose common words
// make buckets of every size, and prunes a day's worth now and then, so that blocks grow,
// shrink, empty and are reused; after each prune the buckets must still match the members.
// It runs with the default threshold and with one that groups little.
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
						t.Fatalf("after %d items: %v", i+1, err)
					}
				}
			}
			t.Logf("%d members pruned, %d slots for %d items", pruned, len(ix.slots), len(docs))
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

func TestSizeClass(t *testing.T) {
	for _, tt := range []struct{ n, class int }{{1, 1}, {2, 1}, {3, 2}, {4, 2}, {5, 3}, {8, 3}, {9, 4}, {64, 6}, {65, 7}} {
		if got := sizeClass(tt.n); got != tt.class {
			t.Errorf("sizeClass(%d) = %d, want %d", tt.n, got, tt.class)
		}
	}
}
