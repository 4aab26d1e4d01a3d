package story

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gleaner/gleaner/internal/nfkc"
)

// Concepts carry a report across languages. A Korean and an English report of one event
// share few words, but they name the same actors, programmes, products and places:
// 과기정통부 and MSIT, 엔비디아 and Nvidia, 인공지능 기본법 and the AI Basic Act. The lexicon
// maps every name of such a thing to one concept feature, which both reports then share, as
// they share numbers (numbers.go). Within one language it also joins a report that writes
// "Commerce Department" with one that writes "Department of Commerce".

//go:embed aliases.txt
var builtinAliases string

// BuiltinAliases returns the built-in lexicon, one concept per entry, each a list of names.
func BuiltinAliases() [][]string {
	groups, err := parseAliases(builtinAliases)
	if err != nil {
		panic("story: built-in aliases: " + err.Error())
	}
	return groups
}

// parseAliases reads the text form of a lexicon: one concept a line, names separated by
// "|", "#" starting a comment line.
func parseAliases(text string) ([][]string, error) {
	var groups [][]string
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		var g []string
		for _, name := range strings.Split(line, "|") {
			if name = strings.TrimSpace(name); name != "" {
				g = append(g, name)
			}
		}
		if len(g) == 0 {
			return nil, fmt.Errorf("line %d: no name", n+1)
		}
		groups = append(groups, g)
	}
	return groups, nil
}

// ValidateAliases reports the problems of a user's lexicon, naming each entry by its index
// (see AliasProblem).
func ValidateAliases(groups [][]string) error {
	var errs []error
	for i, g := range groups {
		if j, msg := AliasProblem(g); msg != "" {
			if j < 0 {
				errs = append(errs, fmt.Errorf("aliases[%d]: %s", i, msg))
			} else {
				errs = append(errs, fmt.Errorf("aliases[%d][%d]: %s", i, j, msg))
			}
		}
	}
	return errors.Join(errs...)
}

// AliasProblem reports what is wrong with one entry of a lexicon, if anything: fewer than
// two names (j is -1), or a name with nothing to match, no letter or digit (j is its
// index). msg is "" for a good entry.
func AliasProblem(names []string) (j int, msg string) {
	if len(names) < 2 {
		return -1, fmt.Sprintf("a concept needs at least two names, got %d", len(names))
	}
	for j, name := range names {
		if !strings.ContainsFunc(name, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			return j, fmt.Sprintf("%q has no letter or digit to match", name)
		}
	}
	return 0, ""
}

// lexicon is a compiled set of concepts. Names in a dense script are matched in the text's
// squashed form (letters and digits in lower case, spaces dropped, other characters a
// break), anywhere, since Korean particles attach to names; Latin names are matched as
// sequences of the text's words, stemmed as the text's are. At each place the longest name
// wins and matches do not overlap, so "SK하이닉스" is SK hynix, not also SK.
type lexicon struct {
	dense    map[[2]rune][]denseName // by the first two runes
	denseOne map[rune]uint64         // names of one rune (美, 中)
	first    [1024]uint64            // bit per first rune (mod 65536): a cheap "no name starts here"
	pairs    [1024]uint64            // bit per hash of the first two runes (see pairBit): the same for dense
	words    map[uint64][]wordName   // by the first word's hash
	concepts int
	// places maps the concept of each place of the built-in table to the concept of the
	// country it lies within, or to itself (see builtinPlaces).
	places map[uint64]uint64
}

type denseName struct {
	runes   []rune
	concept uint64
}

type wordName struct {
	words   []wordTok
	concept uint64
}

// wordTok is a word of the text as the lexicon sees it: its hash (stemmed, lower case) and
// whether it was written all in capitals ("US" is not "us").
type wordTok struct {
	h    uint64
	caps bool
}

// compileLexicon compiles concept groups; each concept is named by its first name. A
// concept's feature depends on that name only, so the same concept keeps its feature when
// other entries change.
func compileLexicon(groups ...[][]string) *lexicon {
	lx := &lexicon{dense: map[[2]rune][]denseName{}, denseOne: map[rune]uint64{}, words: map[uint64][]wordName{}, places: map[uint64]uint64{}}
	for place, within := range builtinPlaces(builtinAliases) {
		lx.places[conceptOf(place)] = conceptOf(within)
	}
	var sh shingler
	for _, gs := range groups {
		for _, g := range gs {
			if len(g) == 0 {
				continue
			}
			concept := conceptOf(g[0])
			lx.concepts++
			for _, name := range g {
				lx.add(&sh, name, concept)
			}
		}
	}
	return lx
}

// conceptOf is the feature of the concept whose first name is name.
func conceptOf(name string) uint64 {
	return hashBytes(kindConcept, []byte(strings.ToLower(nfkc.String(name))))
}

// builtinPlaces reads the places of a lexicon's text form: the lines under a heading
// "# Places ...", up to the next heading. It maps each place's first name to the first name
// of the place it lies within: X under a heading "# Places in X", else itself.
func builtinPlaces(text string) map[string]string {
	places := map[string]string{}
	in, within := false, ""
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if head, ok := strings.CutPrefix(line, "#"); ok {
			head = strings.TrimSpace(head)
			if head == "" {
				continue
			}
			rest, ok := strings.CutPrefix(head, "Places")
			in, within = ok, ""
			if x, ok := strings.CutPrefix(rest, " in "); in && ok {
				within = strings.TrimSpace(x)
			}
			continue
		}
		if !in || line == "" {
			continue
		}
		first, _, _ := strings.Cut(line, "|")
		first = strings.TrimSpace(first)
		if within != "" {
			places[first] = within
		} else {
			places[first] = first
		}
	}
	return places
}

func (lx *lexicon) add(sh *shingler, name string, concept uint64) {
	name = nfkc.String(name)
	if strings.ContainsFunc(name, isDense) {
		rs := squash(nil, name)
		switch {
		case len(rs) == 0:
			return
		case len(rs) == 1:
			lx.denseOne[rs[0]] = concept
		default:
			k := [2]rune{rs[0], rs[1]}
			lx.dense[k] = append(lx.dense[k], denseName{runes: rs, concept: concept})
			b := pairBit(rs[0], rs[1])
			lx.pairs[b/64] |= 1 << (b % 64)
		}
		lx.first[(rs[0]&0xffff)/64] |= 1 << (rs[0] % 64)
		return
	}
	toks := sh.nameWords(name)
	if len(toks) == 0 {
		return
	}
	lx.words[toks[0].h] = append(lx.words[toks[0].h], wordName{words: toks, concept: concept})
}

// squash appends the squashed form of s to dst: letters and digits in lower case, spaces
// dropped, any other character one break (0).
func squash(dst []rune, s string) []rune {
	for _, r := range s {
		dst = squashRune(dst, r)
	}
	return dst
}

func squashRune(dst []rune, r rune) []rune {
	switch {
	case r >= 0xAC00 && r <= 0xD7A3, '0' <= r && r <= '9', 'a' <= r && r <= 'z': // Hangul syllables, digits, lower case
		return append(dst, r)
	case 'A' <= r && r <= 'Z':
		return append(dst, r+'a'-'A')
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		return append(dst, unicode.ToLower(r))
	case unicode.IsSpace(r) || unicode.IsMark(r):
		return dst
	case len(dst) > 0 && dst[len(dst)-1] == 0:
		return dst
	}
	return append(dst, 0)
}

// matchDense calls emit with the concept of each name found in the squashed text rs.
func (lx *lexicon) matchDense(rs []rune, emit func(c uint64, start, end int)) {
	for i := 0; i < len(rs); {
		r := rs[i]
		if r == 0 || lx.first[(r&0xffff)/64]&(1<<(r%64)) == 0 {
			i++
			continue
		}
		best, concept := 0, uint64(0)
		if c, ok := lx.denseOne[r]; ok {
			best, concept = 1, c
		}
		if i+1 < len(rs) && lx.mayPair(r, rs[i+1]) {
			for _, n := range lx.dense[[2]rune{r, rs[i+1]}] {
				if len(n.runes) > best && hasRunes(rs[i:], n.runes) {
					best, concept = len(n.runes), n.concept
				}
			}
		}
		if best == 0 {
			i++
			continue
		}
		emit(concept, i, i+best)
		i += best
	}
}

// pairBit hashes two runes to one of 65536 bits.
func pairBit(a, b rune) uint32 { return (uint32(a)*0x9e3779b1 ^ uint32(b)*0x85ebca6b) >> 16 }

// mayPair reports whether a dense name may start with a and b: most places in a text start
// none, and the bit says so without a map lookup.
func (lx *lexicon) mayPair(a, b rune) bool {
	k := pairBit(a, b)
	return lx.pairs[k/64]&(1<<(k%64)) != 0
}

func hasRunes(s, prefix []rune) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i, r := range prefix {
		if s[i] != r {
			return false
		}
	}
	return true
}

// matchWords calls emit with the concept of each name found in the words ws.
func (lx *lexicon) matchWords(ws []wordTok, emit func(c uint64, start, end int)) {
	for i := 0; i < len(ws); {
		best, concept := 0, uint64(0)
		for _, n := range lx.words[ws[i].h] {
			if len(n.words) > best && hasWords(ws[i:], n.words) {
				best, concept = len(n.words), n.concept
			}
		}
		if best == 0 {
			i++
			continue
		}
		emit(concept, i, i+best)
		i += best
	}
}

// hasWords reports whether text starts with the words of a name; a name's word written in
// capitals matches only a word written so.
func hasWords(text, name []wordTok) bool {
	if len(text) < len(name) {
		return false
	}
	for i, w := range name {
		if text[i].h != w.h || (w.caps && !text[i].caps) {
			return false
		}
	}
	return true
}

// isCaps reports whether a word is written in capitals, two letters or more (US, MSIT,
// H20): an acronym or a model's name rather than a word of the language.
func isCaps(w []byte) bool {
	letters := 0
	for len(w) > 0 {
		r, n := utf8.DecodeRune(w)
		w = w[n:]
		switch {
		case unicode.IsUpper(r):
			letters++
		case unicode.IsLower(r):
			return false
		}
	}
	return letters >= 2
}
