package topic

// automaton is an Aho–Corasick automaton compiled to a dense DFA: one table
// lookup per byte of text, and every occurrence of every pattern reported
// (overlapping ones included) without allocating. Patterns are byte strings;
// word edges and case are checked by the caller, since they depend on runes.
//
// Bytes that occur in no pattern share one class, so the table has a column
// per distinct pattern byte plus one, not 256.
type automaton struct {
	class  [256]uint16
	stride int32 // classes per state
	// next[s+class] is the state after reading a byte of that class in state
	// s; states are premultiplied by stride (state i is i*stride), and
	// flagged with hasOut when patterns end there.
	next []uint32
	// The patterns that end on reaching state i (its own and those of its
	// suffix states) are outs[outAt[i]:outAt[i+1]].
	outAt  []int32
	outs   []int32
	patLen []int32
}

// newAutomaton compiles the patterns; pattern i is reported as i.
func newAutomaton(pats []string) *automaton {
	a := &automaton{patLen: make([]int32, len(pats))}
	// Byte classes: 0 for bytes in no pattern.
	n := uint16(0)
	for _, p := range pats {
		for i := 0; i < len(p); i++ {
			if a.class[p[i]] == 0 {
				n++
				a.class[p[i]] = n
			}
		}
	}
	stride := int(n) + 1
	a.stride = int32(stride)

	// The trie, with -1 for a missing edge; own[i] lists the patterns that
	// end at state i.
	maxStates := 1
	for _, p := range pats {
		maxStates += len(p)
	}
	next := make([]int32, stride, maxStates*stride)
	for i := range next {
		next[i] = -1
	}
	own := make([][]int32, 1, maxStates)
	for id, p := range pats {
		a.patLen[id] = int32(len(p))
		s := 0
		for i := 0; i < len(p); i++ {
			e := s*stride + int(a.class[p[i]])
			if next[e] < 0 {
				next[e] = int32(len(own))
				own = append(own, nil)
				for range stride {
					next = append(next, -1)
				}
			}
			s = int(next[e])
		}
		own[s] = append(own[s], int32(id))
	}
	states := len(own)

	// Breadth first: a state's failure state is shallower, so its row is
	// complete when the state's missing edges copy it.
	fail := make([]int32, states)
	order := make([]int32, 0, states)
	for c := range stride {
		if t := next[c]; t < 0 {
			next[c] = 0
		} else {
			fail[t] = 0
			order = append(order, t)
		}
	}
	for q := 0; q < len(order); q++ {
		s := int(order[q])
		f := int(fail[s])
		for c := range stride {
			e := s*stride + c
			if t := next[e]; t < 0 {
				next[e] = next[f*stride+c]
			} else {
				fail[t] = next[f*stride+c]
				order = append(order, t)
			}
		}
	}

	// Outputs: a state's own patterns, then its failure state's (already
	// gathered, being shallower). Laid out in breadth-first order, so a
	// state's list is written after its failure state's.
	a.outAt = make([]int32, states+1)
	start := make([]int32, states)
	end := make([]int32, states)
	for _, s := range order {
		start[s] = int32(len(a.outs))
		a.outs = append(a.outs, own[s]...)
		a.outs = append(a.outs, a.outs[start[fail[s]]:end[fail[s]]]...)
		end[s] = int32(len(a.outs))
	}
	// outAt wants state order; states were numbered in insertion order, so
	// copy the lists once more into that order.
	outs := make([]int32, 0, len(a.outs))
	for s := range states {
		a.outAt[s] = int32(len(outs))
		outs = append(outs, a.outs[start[s]:end[s]]...)
	}
	a.outAt[states] = int32(len(outs))
	a.outs = outs

	a.next = make([]uint32, len(next))
	for i, t := range next {
		v := uint32(t) * uint32(stride)
		if a.outAt[t+1] > a.outAt[t] {
			v |= hasOut
		}
		a.next[i] = v
	}
	return a
}

// hasOut flags a state in the transition table at which patterns end.
const hasOut = 1 << 31

// match is an occurrence of pattern pat at text[start:start+len(pattern)].
type match struct{ pat, start int32 }

// appendMatches appends every occurrence of every pattern in text to dst, in
// order of their ends, and returns it.
func (a *automaton) appendMatches(dst []match, text []byte) []match {
	next := a.next
	st := uint32(0)
	for i := 0; i < len(text); i++ {
		st = next[(st&^hasOut)+uint32(a.class[text[i]])]
		if st&hasOut == 0 {
			continue
		}
		s := (st &^ hasOut) / uint32(a.stride)
		for _, p := range a.outs[a.outAt[s]:a.outAt[s+1]] {
			dst = append(dst, match{p, int32(i+1) - a.patLen[p]})
		}
	}
	return dst
}

// states returns the number of states, for tests and sizing.
func (a *automaton) states() int { return len(a.outAt) - 1 }
