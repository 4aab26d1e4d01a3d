package story

import "math/bits"

// buckets holds the LSH buckets of an index: for each band, the slots of the members whose
// band has a given key, oldest first. A lookup reads the newest maxBucketScan entries of 64
// buckets, thousands of entries, so each bucket's entries lie side by side (a list threaded
// through the members made every entry a cache miss, and lookups 40% slower). They live in
// one array of int32, in blocks of a power-of-two size reused through free lists, and a
// bucket of one member, the commonest kind, keeps it in its map value. That is 16 bytes per
// key and 4 to 8 per entry, where a slice per bucket cost 32 bytes per key, an allocation
// per bucket, and twice as many scanned pointers for the garbage collector.
type buckets struct {
	keys  []map[uint64]uint64 // per band: key -> bucket (see bucketRef)
	arena []int32
	free  [32][]uint32 // per size class: offsets of unused blocks in arena
}

// A bucket's map value is either one slot with bucketOne set, or a block of arena: its
// offset in the low 32 bits and its length above, the block's size being the length rounded
// up to a power of two (sizeClass).
const bucketOne = 1 << 63

func sizeClass(n int) int { return max(1, bits.Len32(uint32(n-1))) }

func newBuckets(bands int) *buckets {
	bs := &buckets{keys: make([]map[uint64]uint64, bands)}
	for b := range bs.keys {
		bs.keys[b] = make(map[uint64]uint64)
	}
	return bs
}

// get returns the entries of band b's bucket key, oldest first; one is scratch space for a
// bucket of one member.
func (bs *buckets) get(b int, key uint64, one *[1]int32) []int32 {
	v, ok := bs.keys[b][key]
	switch {
	case !ok:
		return nil
	case v&bucketOne != 0:
		one[0] = int32(v)
		return one[:]
	}
	off, n := uint32(v), int(v>>32)
	return bs.arena[off : off+uint32(n)]
}

// add appends pos to band b's bucket key.
func (bs *buckets) add(b int, key uint64, pos int32) {
	v, ok := bs.keys[b][key]
	switch {
	case !ok:
		bs.keys[b][key] = bucketOne | uint64(uint32(pos))
		return
	case v&bucketOne != 0:
		off := bs.alloc(1)
		bs.arena[off], bs.arena[off+1] = int32(v), pos
		bs.keys[b][key] = uint64(off) | 2<<32
		return
	}
	off, n := uint32(v), int(v>>32)
	if c := sizeClass(n); n == 1<<c { // full: move to a block twice the size
		moved := bs.alloc(c + 1)
		copy(bs.arena[moved:], bs.arena[off:off+uint32(n)])
		bs.release(off, c)
		off = moved
	}
	bs.arena[off+uint32(n)] = pos
	bs.keys[b][key] = uint64(off) | uint64(n+1)<<32
}

// filter drops the entries of band b's bucket key for which keep is false, keeping the
// order of the others, and moves what is left to a block of its size.
func (bs *buckets) filter(b int, key uint64, keep func(int32) bool) {
	v, ok := bs.keys[b][key]
	switch {
	case !ok:
		return
	case v&bucketOne != 0:
		if !keep(int32(v)) {
			delete(bs.keys[b], key)
		}
		return
	}
	off, n := uint32(v), int(v>>32)
	list := bs.arena[off : off+uint32(n)]
	w := 0
	for _, pos := range list {
		if keep(pos) {
			list[w] = pos
			w++
		}
	}
	c := sizeClass(n)
	switch {
	case w == 0:
		bs.release(off, c)
		delete(bs.keys[b], key)
	case w == 1:
		bs.release(off, c)
		bs.keys[b][key] = bucketOne | uint64(uint32(list[0]))
	case sizeClass(w) < c:
		moved := bs.alloc(sizeClass(w))
		copy(bs.arena[moved:], list[:w])
		bs.release(off, c)
		bs.keys[b][key] = uint64(moved) | uint64(w)<<32
	default:
		bs.keys[b][key] = uint64(off) | uint64(w)<<32
	}
}

// alloc returns the offset of an unused block of 1<<class entries, growing arena if none is
// free.
func (bs *buckets) alloc(class int) uint32 {
	if f := bs.free[class]; len(f) > 0 {
		bs.free[class] = f[:len(f)-1]
		return f[len(f)-1]
	}
	off := len(bs.arena)
	bs.arena = append(bs.arena, make([]int32, 1<<class)...)
	return uint32(off)
}

func (bs *buckets) release(off uint32, class int) {
	bs.free[class] = append(bs.free[class], off)
}

// len is the number of buckets.
func (bs *buckets) len() int {
	n := 0
	for _, m := range bs.keys {
		n += len(m)
	}
	return n
}
