package story

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gleaner/gleaner/internal/nfkc"

	"github.com/gleaner/gleaner/internal/boilerplate"
	"github.com/gleaner/gleaner/internal/textcut"
)

// maxFeatures caps the shingles taken from one item, title first, then the summary from its
// start. Outlets differ most in how much of the article they put in the summary; the shared
// press-release sentences sit at the start, so the cap keeps a long summary from diluting the
// similarity of the part that matches. It also bounds the cost of a very long summary.
const maxFeatures = 200

// Feature kinds, mixed into the hash so that a Hangul bigram and an English word with the
// same bytes never collide.
const (
	kindDense   = 'h' // character bigram (or lone character) of a dense script
	kindWord    = 'w' // stemmed word or number
	kindNumber  = 'n' // a number's value (see numbers.go)
	kindConcept = 'c' // a concept of the lexicon (see concepts.go)
	kindMoney   = 'm' // a sum of money on a scale of dollars (see appendSum)
)

// Boilerplate that outlets add around the same story. Each pattern runs on NFKC text, so
// full-width brackets and letters are already ASCII.
var (
	// Leading bracketed tags: [속보], [단독], (종합), 【포토】, <인터뷰>, and series tags such as
	// [AI 기본법 시행 D-300]. Twenty-four runes holds any tag and few clauses.
	titleLeadTag = regexp.MustCompile(`^\s*(?:[\[【〔<〈《(][^\]】〕>〉》)]{1,24}[\]】〕>〉》)]\s*)+`)
	// Wire-service slugs: "UPDATE 2-", "EXCLUSIVE-", "WRAPUP 1-".
	titleWireSlug = regexp.MustCompile(`(?i)^\s*(?:(?:update|wrapup|refile|corrected|rpt|exclusive|breaking|analysis|factbox|explainer|insight|focus)(?:\s*\d+)?\s*[-:]\s*)+`)
	// Trailing edition tags: (종합), (종합2보), (2보), (상보), [사진], (UPDATE 1).
	titleTailTag = regexp.MustCompile(`(?i)\s*(?:[\[(【](?:종합\s*\d*보?|\d+\s*보|속보|단독|상보|포토|사진|영상|update\s*\d*|updated|corrected|video|photos?|live)[\])】]\s*)+$`)
	// Outlet suffix after a spaced separator: " - Reuters", " | 연합뉴스", " – The Verge".
	// At most three words: outlet names are short, and a longer tail is more likely a
	// subtitle worth keeping. A three-word subtitle is lost, which costs little.
	titleOutlet = regexp.MustCompile(`\s+[-–—|:]\s+(?:[^\s\-–—|:]+(?:\s+|$)){1,3}$`)

	// Korean datelines and bylines: "(서울=연합뉴스) 홍길동 기자 =", "[세종=뉴시스]홍길동 기자 =",
	// "[뉴스토마토 김진양 기자]", "(워싱턴=연합뉴스) 김동현 특파원 =".
	koDateline = regexp.MustCompile(`^\s*[\[(【][^\])】=]{1,20}=[^\])】]{1,20}[\])】]\s*(?:[가-힣]{2,4}\s*(?:기자|특파원|선임기자|객원기자|통신원)\s*=\s*)?`)
	koByline   = regexp.MustCompile(`^\s*[\[(【][^\])】]{1,30}(?:기자|특파원)[\])】]\s*`)
	koReporter = regexp.MustCompile(`^\s*[가-힣]{2,4}\s*(?:기자|특파원)\s*=\s*`)
	// English datelines: "BRUSSELS, March 11 (Reuters) - ", "WASHINGTON (AP) — ",
	// "(Bloomberg) -- ".
	enDateline = regexp.MustCompile(`^\s*[^()\n]{0,60}\([A-Za-z][A-Za-z .&]{0,24}\)\s*(?:--?|—|–)\s*`)
	enByline   = regexp.MustCompile(`^\s*By\s+[A-Z][\w.'-]+\s+[A-Z][\w.'-]+(?:\s+and\s+[A-Z][\w.'-]+\s+[A-Z][\w.'-]+)?\s+`)
)

// cleanTitle removes outlet tags and suffixes so that two outlets' titles of one story are
// compared on their words, not on their branding.
//
// Each pattern runs only when a cheap test on the text says it could match (a bracket at the
// start or end, a separator, a dash or colon near the start): most titles have none of them,
// and the regular expressions were a fifth of the cost of signing an item.
func cleanTitle(s string) string {
	s = nfkc.String(s)
	for {
		t := s
		if mayHaveWireSlug(t) {
			t = titleWireSlug.ReplaceAllString(t, "")
		}
		if opensWithBracket(t) {
			t = titleLeadTag.ReplaceAllString(t, "")
		}
		if closesWithBracket(t) {
			t = titleTailTag.ReplaceAllString(t, "")
		}
		if strings.ContainsAny(t, "-–—|:") {
			if loc := titleOutlet.FindStringIndex(t); loc != nil && utf8.RuneCountInString(t[:loc[0]]) >= 10 {
				t = t[:loc[0]]
			}
		}
		if t == s {
			break
		}
		s = t
	}
	return strings.TrimSpace(s)
}

// opensWithBracket reports whether s, after spaces, starts with one of the brackets that
// titleLeadTag, koDateline and koByline begin with.
func opensWithBracket(s string) bool {
	s = strings.TrimLeft(s, " \t\n")
	r, _ := utf8.DecodeRuneInString(s)
	return strings.ContainsRune("[【〔<〈《(", r)
}

// closesWithBracket reports whether s, before trailing spaces, ends with a bracket that
// titleTailTag ends with.
func closesWithBracket(s string) bool {
	s = strings.TrimRight(s, " \t\n")
	r, _ := utf8.DecodeLastRuneInString(s)
	return r == ']' || r == ')' || r == '】'
}

// mayHaveWireSlug reports whether s could start with a wire slug: a Latin letter first and a
// dash or colon within the first forty bytes.
func mayHaveWireSlug(s string) bool {
	s = strings.TrimLeft(s, " \t\n")
	if s == "" || !('A' <= s[0] && s[0] <= 'Z' || 'a' <= s[0] && s[0] <= 'z') {
		return false
	}
	return strings.ContainsAny(textcut.Prefix(s, 40), "-:")
}

// maxSummaryBytes bounds the summary text that is cleaned and shingled. maxFeatures is
// reached well before it in either script (about 650 Hangul syllables or 300 English words),
// and regular expressions over a full article would cost more than all the rest.
const maxSummaryBytes = 2000

// cleanSummary removes datelines, bylines and trailers (boilerplate.StripTrailers): every
// outlet has its own, so they only add noise, and for short summaries a shared wire
// dateline would add false similarity.
func cleanSummary(s string) string {
	// Before NFKC, which reads "ⓒ" as "c"; and only of a whole summary, as the topic filter
	// does: the end of a cut one is the middle of the text.
	if len(s) <= maxSummaryBytes {
		s = boilerplate.StripTrailers(s)
	}
	s = textcut.Prefix(s, maxSummaryBytes)
	s = nfkc.String(s)
	// The leading patterns are anchored at the start; each runs only when its first
	// character, or a word it needs near the start, is there.
	if opensWithBracket(s) {
		s = koDateline.ReplaceAllString(s, "")
		s = koByline.ReplaceAllString(s, "")
	}
	if head := textcut.Prefix(s, 40); strings.Contains(head, "기자") || strings.Contains(head, "특파원") {
		s = koReporter.ReplaceAllString(s, "")
	}
	if strings.ContainsRune(textcut.Prefix(s, 256), '(') {
		s = enDateline.ReplaceAllString(s, "")
	}
	if strings.HasPrefix(strings.TrimLeft(s, " \t\n"), "By ") {
		s = enByline.ReplaceAllString(s, "")
	}
	// What aggregators write instead of a lead (web addresses, Hacker News's and Reddit's
	// labels, a lone "Comments") made unrelated items of one such feed alike.
	return boilerplate.Strip(s)
}

// isDense reports scripts that are shingled by characters rather than words. Korean does
// space words, but particles and endings attach to them (과기정통부는/과기정통부가), so whole
// words rarely match across outlets while their character bigrams do. Chinese and Japanese
// have no spaces at all.
func isDense(r rune) bool {
	switch {
	case r < 0x1100: // below the first Hangul jamo: Latin, Greek, Cyrillic...
		return false
	case r >= 0xAC00 && r <= 0xD7A3: // Hangul syllables, nearly all Korean text
		return true
	}
	return unicode.In(r, unicode.Hangul, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// maxAnchors caps the concepts and numbers kept per item, title first.
const maxAnchors = 32

// Flags of a feature: where it was found and whether it is language-independent.
const (
	inTitle = 1 << iota
	// shared marks a feature a report in the other language can have too: a concept, a
	// number, or a word written in capitals or with digits (GPU, APEC, H20), which Korean
	// text writes in Latin letters as English text does.
	shared
	// inName marks a text feature that is a word of an entry the lexicon found (see
	// nameWeight).
	inName
)

// feat is a feature hash with its flags.
type feat struct {
	h     uint64
	flags uint8
}

// shingler turns text into features. It keeps its buffers so that one Doc costs few
// allocations; Sign takes one from a pool.
type shingler struct {
	lex     *lexicon
	out     []feat // text features, at most maxFeatures
	anchors []feat // concepts and numbers, at most maxAnchors
	flags   uint8  // of the field being read
	dense   []rune
	word    []byte
	words   []wordTok // the field's words, for the lexicon
	sq      []rune    // the field's squashed text, for the lexicon
	nums    []float64
	money   []uint64
	letters struct{ dense, latin int }
	dates   dateRefs
	places  placeSet // the places the headline names, or else the one its lead starts with
	names   []uint64 // text features within the entries the lexicon found
	scratch []feat
}

// reset empties the shingler for the next Doc, keeping its buffers.
func (sh *shingler) reset() {
	sh.out, sh.anchors = sh.out[:0], sh.anchors[:0]
	sh.dense, sh.word = sh.dense[:0], sh.word[:0]
	sh.letters.dense, sh.letters.latin = 0, 0
	sh.dates = dateRefs{}
	sh.places = placeSet{}
	sh.names = sh.names[:0]
}

// abbreviations that would otherwise split into lone letters.
var abbreviations = strings.NewReplacer("U.S.", "US", "U.K.", "UK", "E.U.", "EU", "S.Korea", "South Korea", "S. Korea", "South Korea")

// mayAbbreviate reports whether s may hold one of abbreviations, each of which has U., E.
// or S.: the replacer copies every text it is given, and most have none of them.
func mayAbbreviate(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] == '.' && (s[i-1] == 'U' || s[i-1] == 'E' || s[i-1] == 'S') {
			return true
		}
	}
	return false
}

// field reads one field of text with the given flags: its words and bigrams, then its
// concepts and numbers.
func (sh *shingler) field(s string, flags uint8) {
	sh.flags = flags
	sh.words, sh.sq, sh.nums = sh.words[:0], sh.sq[:0], sh.nums[:0]
	if mayAbbreviate(s) {
		s = abbreviations.Replace(s)
	}
	sh.add(s)
	if sh.lex != nil {
		// The headline's subject, where places are concerned, is a place it starts with
		// (see placeWeight): within its first three words in Latin script, its first
		// runes in Hangul ("日정부, …", "英, …"); a title's script is the one most of its
		// letters are in, as for the vector.
		dense := sh.letters.dense*3 >= sh.letters.latin
		sh.lex.matchWords(sh.words, func(c uint64, start, end int) {
			sh.anchor(c)
			sh.place(c, !dense && start <= leadPlaceWords)
			for _, w := range sh.words[start:end] {
				sh.names = append(sh.names, w.h)
			}
		})
		sh.lex.matchDense(sh.sq, func(c uint64, start, end int) {
			sh.anchor(c)
			sh.place(c, dense && start <= leadPlaceRunes)
			rs := sh.sq[start:end]
			for k, r := range rs {
				sh.names = append(sh.names, mix2(kindDense, uint64(r)))
				if k+1 < len(rs) {
					sh.names = append(sh.names, mix2(kindDense, uint64(r)<<32|uint64(rs[k+1])))
				}
			}
		})
	}
	sh.nums, sh.money = appendAmounts(sh.nums, sh.money[:0], s)
	for _, v := range sh.nums {
		sh.anchor(numberFeature(v))
	}
	for _, h := range sh.money {
		sh.anchor(h)
	}
}

// numberFeature is the feature of a number's value.
func numberFeature(v float64) uint64 {
	var buf [32]byte
	return hashBytes(kindNumber, strconv.AppendFloat(buf[:0], v, 'g', -1, 64))
}

// place notes the concept c when it is a place named in the headline, or, for a headline
// that names none, the place its lead starts with (lead: within the same first words as a
// headline's). A headline without its actor's place ("Finance Ministry Asks Employees to
// Avoid AI Tools Like ChatGPT, DeepSeek") has it at the start of the lead ("India's
// finance ministry ..."): two governments barring one app the same week then clash as
// their headlines would. On real-dev this parted the Indian ministry's ban from
// Australia's and Japan's, and Ofcom's probe of X from Indonesia's and Malaysia's blocks
// of Grok: precision 0.949 -> 0.957 in one language and 0.908 -> 0.923 across the two, at
// the same recall; counting a place up to the lead's fifth word lost 3 pairs.
func (sh *shingler) place(c uint64, lead bool) {
	within, ok := sh.lex.places[c]
	if !ok {
		return
	}
	if sh.flags&inTitle == 0 {
		if lead && sh.places.n == 0 { // the headline named none, nor has the lead yet
			sh.places.lead = within
			sh.places.add(within)
		}
		return
	}
	if lead && sh.places.n == 0 {
		sh.places.lead = within
	}
	sh.places.add(within)
}

// A place is the headline's subject when its name starts at one of the headline's first
// leadPlaceWords+1 words (Latin script, stopwords not counted: "The Netherlands' privacy
// watchdog", "In first for states, Texas bans ...") or its first leadPlaceRunes+1 letters
// (Hangul, spaces not counted). On real-dev 2 words decide as the first place anywhere
// did, and 1 merged 6 more wrong pairs; on the eighth collection, before it joined,
// counting only a leading place kept "Trump says US will reserve Nvidia's chips" and
// "Trump locks down Nvidia's chips from China" together (6 pairs in the curated feed).
const (
	leadPlaceWords = 2
	leadPlaceRunes = 2
)

func (sh *shingler) anchor(h uint64) {
	if len(sh.anchors) < maxAnchors {
		sh.anchors = append(sh.anchors, feat{h, sh.flags | shared})
	}
}

// add appends the features of s, stopping at maxFeatures, and collects its words and
// squashed text for the lexicon.
//
// Dense runs (Hangul words) yield character bigrams; a run ends at a space, punctuation or a
// Latin word, so no bigram straddles two words: a junction such as 고밝 in "…고 밝혔다" is
// shared by unrelated stories and says nothing. Latin words and numbers yield one stemmed
// token each. Word pairs were tried and dropped: rewrites by different outlets rarely share
// them, so they lowered the similarity of true pairs more than that of near-misses.
func (sh *shingler) add(s string) {
	sh.dense = sh.dense[:0]
	sh.word = sh.word[:0]
	for _, r := range s {
		if sh.lex != nil {
			sh.sq = squashRune(sh.sq, r)
		}
		switch {
		case isDense(r):
			sh.flushWord()
			sh.dense = append(sh.dense, r)
			sh.letters.dense++
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			sh.flushDense()
			sh.word = utf8.AppendRune(sh.word, r)
			sh.letters.latin++
		case unicode.IsMark(r):
			// Combining marks stay with their letter.
			if len(sh.word) > 0 {
				sh.word = utf8.AppendRune(sh.word, r)
			}
		default:
			sh.flushWord()
			sh.flushDense()
		}
	}
	sh.flushWord()
	sh.flushDense()
}

// flushDense emits the bigrams of the pending dense run, except grammatical ones; a run of
// one character is emitted alone so that it is not lost.
func (sh *shingler) flushDense() {
	d := sh.dense
	if len(d) == 1 {
		sh.emit(mix2(kindDense, uint64(d[0])), 0)
	}
	for i := 0; i+1 < len(d); i++ {
		pair := [2]rune{d[i], d[i+1]}
		if _, stop := denseStop[pair]; stop {
			continue
		}
		sh.emit(mix2(kindDense, uint64(pair[0])<<32|uint64(pair[1])), 0)
	}
	sh.dense = sh.dense[:0]
}

// flushWord emits the pending word unless it is a stopword or a lone letter (the "u" and
// "s" of "U.S."), and hands it to the lexicon. A word in capitals or with digits (GPU,
// H20) is shared with the other language; a stopword in capitals (US, IT) is still a name
// to the lexicon.
func (sh *shingler) flushWord() {
	if len(sh.word) == 0 {
		return
	}
	caps := isCaps(sh.word)
	digits := slices.ContainsFunc(sh.word, func(c byte) bool { return '0' <= c && c <= '9' })
	w := stem(lower(sh.word))
	sh.word = sh.word[:0]
	stop := isStopword(w) || (len(w) == 1 && !('0' <= w[0] && w[0] <= '9'))
	if stop && !caps {
		return
	}
	h := hashBytes(kindWord, w)
	sh.words = append(sh.words, wordTok{h: h, caps: caps})
	if stop {
		return
	}
	var flags uint8
	if caps || digits {
		flags = shared
	}
	sh.emit(h, flags)
}

// lower lower-cases w in place where it can (ASCII) and returns it.
func lower(w []byte) []byte {
	for i, c := range w {
		if c >= utf8.RuneSelf {
			return []byte(strings.ToLower(string(w)))
		}
		if 'A' <= c && c <= 'Z' {
			w[i] = c + 'a' - 'A'
		}
	}
	return w
}

// nameWords returns the words of a lexicon name as the text's words are read.
func (sh *shingler) nameWords(name string) []wordTok {
	sh.reset()
	sh.words = sh.words[:0]
	sh.add(name)
	return append([]wordTok(nil), sh.words...)
}

func (sh *shingler) emit(h uint64, flags uint8) {
	if len(sh.out) < maxFeatures {
		sh.out = append(sh.out, feat{h, sh.flags | flags})
	}
}

// features returns the sorted, distinct feature hashes of d's cleaned title and summary.
func features(d Doc) []uint64 {
	var sh shingler
	sh.shingle(d)
	hs := make([]uint64, len(sh.out))
	for i, f := range sh.out {
		hs[i] = f.h
	}
	return hs
}

// shingle fills sh with the sorted, distinct features and anchors of d, each with the
// flags of all its occurrences, and the dates d names.
func (sh *shingler) shingle(d Doc) {
	sh.reset()
	title, summary := cleanTitle(d.Title), cleanSummary(d.Summary)
	sh.field(title, inTitle)
	sh.field(summary, 0)
	readDates(&sh.dates, title)
	readDates(&sh.dates, textcut.Prefix(summary, leadBytes))
	sh.out = mergeFeats(sh.out, &sh.scratch)
	sh.anchors = mergeFeats(sh.anchors, &sh.scratch)
	sh.markNames()
}

// markNames flags the text features that are words of the entries the lexicon found (see
// nameWeight).
func (sh *shingler) markNames() {
	if len(sh.names) == 0 {
		return
	}
	slices.Sort(sh.names)
	names := sh.names
	for i := range sh.out {
		h := sh.out[i].h
		for len(names) > 0 && names[0] < h {
			names = names[1:]
		}
		if len(names) == 0 {
			return
		}
		if names[0] == h {
			sh.out[i].flags |= inName
		}
	}
}

// mergeFeats sorts fs by hash and merges repeats, keeping the union of their flags. scratch
// is a buffer it may use.
func mergeFeats(fs []feat, scratch *[]feat) []feat {
	sortFeats(fs, scratch)
	out := fs[:0]
	for _, f := range fs {
		if n := len(out); n > 0 && out[n-1].h == f.h {
			out[n-1].flags |= f.flags
			continue
		}
		out = append(out, f)
	}
	return out
}

// sortFeats sorts fs by hash. The hashes are uniform, so one pass that places them by
// their top byte leaves them nearly sorted (buckets of a feature or two, for the couple of
// hundred features of an item), and insertion sort finishes in about one more pass: a
// third of the time of a comparison sort, which signing every item notices.
func sortFeats(fs []feat, scratch *[]feat) {
	if len(fs) > 32 {
		var start [257]int32
		for _, f := range fs {
			start[f.h>>56+1]++
		}
		for b := 1; b < len(start); b++ {
			start[b] += start[b-1]
		}
		buf := append((*scratch)[:0], fs...)
		for _, f := range buf {
			b := f.h >> 56
			fs[start[b]] = f
			start[b]++
		}
		*scratch = buf
	}
	for i := 1; i < len(fs); i++ {
		f := fs[i]
		j := i
		for ; j > 0 && fs[j-1].h > f.h; j-- {
			fs[j] = fs[j-1]
		}
		fs[j] = f
	}
}

// denseStop holds Korean bigrams that are grammar or newswire formula rather than content:
// verb endings (했다, 밝혔, 혔다), particles and connectives (으로, 에서, 위해), and reporting
// phrases (이날, 기자). Every story has them, so they raised the similarity of unrelated items
// on the same day; the list is generic Korean, not drawn from any one topic.
var denseStop = func() map[[2]rune]struct{} {
	const list = `했다 혔다 밝혔 했고 했으 했습 한다 된다 됐다 있다 없다 이다 였다 겠다 하겠 하고 하는 하기
하며 해야 하여 해서 으로 에서 에는 에게 까지 부터 이라 라고 다고 다며 다는 이번 이날 지난 올해
위해 대해 통해 따라 관련 것으 것이 것을 것은 등을 등이 등의 에도 이를 기자 말했 습니 니다 입니`
	m := make(map[[2]rune]struct{})
	for _, w := range strings.Fields(list) {
		r := []rune(w)
		m[[2]rune{r[0], r[1]}] = struct{}{}
	}
	return m
}()

// stem strips common English inflections so that "rules", "ruled" and "ruling" meet. It is
// deliberately light: both sides of a comparison are stemmed the same way, so the stem need
// not be a word, only stable. Non-ASCII words are returned as they are.
func stem(w []byte) []byte {
	for _, c := range w {
		if c >= utf8.RuneSelf {
			return w
		}
	}
	n := len(w)
	switch {
	case n > 4 && hasSuffix(w, "ies"):
		return append(w[:n-3], 'y')
	case n > 4 && hasSuffix(w, "sses"):
		return w[:n-2]
	case n > 5 && hasSuffix(w, "ing"):
		return w[:n-3]
	case n > 4 && hasSuffix(w, "ed") && !hasSuffix(w, "eed"):
		return w[:n-2]
	case n > 3 && w[n-1] == 's' && !hasSuffix(w, "ss") && !hasSuffix(w, "us") && !hasSuffix(w, "is"):
		return w[:n-1]
	}
	return w
}

func hasSuffix(w []byte, s string) bool {
	return len(w) >= len(s) && string(w[len(w)-len(s):]) == s
}

// isStopword reports function words and newswire filler ("said", weekdays) that every story
// shares and that would otherwise raise the similarity of unrelated items.
func isStopword(w []byte) bool {
	_, ok := stopwords[string(w)]
	return ok
}

var stopwords = func() map[string]struct{} {
	const list = `a about above after again against all also am an and any are as at be because
been before being below between both but by can could did do does doing down during each few
for from further had has have having he her here hers him his how i if in into is it its itself
just me more most my no nor not now of off on once only or other our ours out over own same she
should so some such than that the their theirs them then there these they this those through to
too under until up very was we were what when where which while who whom why will with would
you your s t ll re ve d m
said say says saying told tell according would could may might must shall also new news
monday tuesday wednesday thursday friday saturday sunday
reuters ap afp bloomberg yonhap via`
	m := make(map[string]struct{})
	for _, w := range strings.Fields(list) {
		m[string(stem([]byte(w)))] = struct{}{}
	}
	return m
}()

// FNV-1a over a kind byte and the bytes, then a finaliser: FNV alone mixes the high bits
// poorly, and MinHash needs every bit.
func hashBytes(kind byte, b []byte) uint64 {
	h := uint64(14695981039346656037)
	h ^= uint64(kind)
	h *= 1099511628211
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return fmix64(h)
}

func mix2(kind byte, v uint64) uint64 {
	return fmix64(v ^ uint64(kind)<<56 ^ 0x5bd1e9955bd1e995)
}

// fmix64 is the MurmurHash3 64-bit finaliser.
func fmix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// jaccard is |a∩b|/|a∪b| of two sorted, distinct slices.
func jaccard(a, b []uint64) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// Similarity is the exact Jaccard similarity of a's and b's shingle sets: the quantity the
// index estimates with MinHash. It is for explanations and tests; grouping uses the estimate.
func Similarity(a, b Doc) float64 {
	return jaccard(features(a), features(b))
}

// leadBytes is how much of the summary is read for the dates of the event (readDates): the
// lead's first sentences say when it happened, later ones name days of background.
const leadBytes = 600
