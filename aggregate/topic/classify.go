package topic

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/gleaner/gleaner/internal/boilerplate"
	"github.com/gleaner/gleaner/internal/textcut"
)

// Doc is the text of one item. Fields are plain text (the caller strips
// HTML); any may be empty.
type Doc struct {
	Title, Summary, Content string
}

// Result is a classification with its explanation.
type Result struct {
	Match bool
	// Score is the model's linear score (without a model, the rules' total); for an item
	// that names no AI term under a model, the model's bias (see noAIReason).
	Score float64
	// Reasons say which term, in which field, added what, and which rule
	// decided, e.g. `title: "인공지능 기본법" strong +4.0` and
	// `rule: ai+actor (score 6.5 >= 3.5) -> match`.
	Reasons []string
	// Facets are the policy facets of a matching item ("regulation",
	// "export-control", ...), sorted; nil when the item does not match.
	Facets []string
	// Near marks an item that does not match but comes close: it has AI
	// evidence and a model's score within NearMargin of the threshold. Such an
	// item may join a story of kept reports of its event (aggregate's story
	// mates). Always false under rules alone.
	Near bool
}

// NearMargin is how far below a model's threshold (0) a Near item scores at
// most: log-odds of -2, about one chance in eight.
const NearMargin = 2.0

// hit is one accepted occurrence of a term in a field of normalised text.
type hit struct {
	term       int32
	field      uint8
	start, end int32
	factor     float64 // enumeration discount, 1 when none
	state      hitState
	by         int32 // the hit (mask) or disambiguation (drop) responsible
}

type hitState uint8

const (
	hitLive       hitState = iota
	hitContext             // a disambiguation context term: never scored
	hitMasked              // inside a match of an "ignore" group
	hitDropped             // dropped by a disambiguation
	hitContained           // inside a longer match of the same group
	hitRepeat              // the same term again in the same field
	hitLaterStory          // in a newsletter's headline, past its first story
)

// scratch is the per-call working memory, pooled so that Classify allocates
// little.
type scratch struct {
	text    [numFields][]byte
	cased   [numFields][]byte // text with its letter case, at the same offsets
	matches []match
	hits    []hit
	group   []float64
	seen    []bool
	reasons []byte
	cuts    []int
	fv      fvec           // the model's features
	contrib []contribution // the model's reasons
	// firstLive[term] is the term's first live hit in the field resolve is at,
	// when its epoch is the current one (see resolve).
	firstLive []termHit
	epoch     uint32
}

type termHit struct {
	epoch uint32
	at    int32
}

// nextEpoch starts a new set of firstLive entries for terms, forgetting the
// old ones.
func (s *scratch) nextEpoch(terms int) {
	if len(s.firstLive) < terms {
		s.firstLive = make([]termHit, terms)
		s.epoch = 0
	}
	s.epoch++
	if s.epoch == 0 { // wrapped: entries of an old epoch could read as current
		clear(s.firstLive)
		s.epoch = 1
	}
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// Classify scores d against the profile. It is safe for concurrent use and
// does no I/O.
func (c *Classifier) Classify(d Doc) Result {
	s := scratchPool.Get().(*scratch)
	defer scratchPool.Put(s)
	c.scanDoc(s, d)
	if c.model != nil && !c.anyAI(s.hits) {
		// Most polled items name no AI term at all, and the model keeps
		// none of those (see features): skip the rest.
		return Result{Score: round2(c.model.bias), Reasons: []string{noAIReason}}
	}
	hits, triggerHit := c.resolveHits(s)
	if c.model != nil {
		return c.classifyModel(s, hits, triggerHit)
	}
	return c.classifyRules(s, hits, triggerHit)
}

// noAIReason is the whole explanation for an item in which no term of an AI or
// strong group occurs; its score is the model's bias, that of no evidence.
const noAIReason = "model: no AI term, no AI evidence -> no match"

// anyAI reports whether hits, as scanned and before they are resolved, include
// a term of an AI or strong group: without one, features finds no AI evidence,
// since resolving only sets hits aside.
func (c *Classifier) anyAI(hits []hit) bool {
	for i := range hits {
		if hits[i].state != hitLive {
			continue
		}
		if g := c.terms[hits[i].term].group; g >= 0 {
			if k := c.groups[g].kind; k == kindAI || k == kindStrong {
				return true
			}
		}
	}
	return false
}

// find scans d's fields into s and resolves the hits: sorted by field and
// position, with masks, disambiguations, repeats and list discounts applied.
func (c *Classifier) find(s *scratch, d Doc) ([]hit, []int32) {
	c.scanDoc(s, d)
	return c.resolveHits(s)
}

// scanDoc normalises d's fields into s and records their hits, unsorted and
// unresolved.
func (c *Classifier) scanDoc(s *scratch, d Doc) {
	s.hits = s.hits[:0]
	texts := [numFields]string{d.Title, d.Summary, d.Content}
	for _, f := range []int{fieldSummary, fieldContent} {
		// An outlet's copyright notice ("무단전재 및 재배포 금지": a ban) and WordPress's "The
		// post <headline> appeared first on <site>" are no words of the item's.
		if c.model == nil || len(texts[f]) <= readBytes[f] {
			// (Past what the model reads, a trailer would be cut anyway.)
			texts[f] = boilerplate.StripTrailers(texts[f])
		}
		if repeatsTitle(d.Title, texts[f]) || boilerplate.IsEmpty(texts[f]) {
			// No lead of its own: Google News's description repeats the headline; Hacker
			// News's and Reddit's are links and labels. A headline-only item.
			texts[f] = ""
		}
	}
	if c.model != nil {
		// The model was trained on headlines and leads of a few sentences:
		// what it reads of a summary is a lead's length, and of a body its
		// opening (at half a lead's worth); no more is scanned.
		texts[fieldSummary] = textcut.Prefix(texts[fieldSummary], modelSummaryBytes)
		texts[fieldContent] = textcut.Prefix(texts[fieldContent], modelContentBytes)
	}
	for f, t := range texts {
		s.text[f], s.cased[f] = s.text[f][:0], s.cased[f][:0]
		if t == "" || c.fields[f] == 0 {
			continue
		}
		// Normalise once, keeping case; the folded text has the same byte
		// offsets (see normalize), so case-sensitive terms found in it can
		// be checked in the case-kept text.
		s.cased[f], s.text[f] = normalizeBoth(s.cased[f][:0], s.text[f], t)
		c.scan(s.text[f], s.cased[f], uint8(f), s)
	}
}

// resolveHits sorts the hits scanDoc recorded by field and position and
// resolves them (see resolve).
func (c *Classifier) resolveHits(s *scratch) ([]hit, []int32) {
	hits := s.hits
	slices.SortFunc(hits, func(a, b hit) int {
		if a.field != b.field {
			return int(a.field) - int(b.field)
		}
		if a.start != b.start {
			return int(a.start - b.start)
		}
		if a.end != b.end {
			return int(b.end - a.end)
		}
		return int(a.term - b.term) // one order for reasons, whatever the automaton's
	})
	return hits, c.resolve(hits, s)
}

// classifyRules decides with the profile's rules.
func (c *Classifier) classifyRules(s *scratch, hits []hit, triggerHit []int32) Result {
	// Score.
	if cap(s.group) < len(c.groups) {
		s.group = make([]float64, len(c.groups))
	}
	gs := s.group[:len(c.groups)]
	clear(gs)
	if cap(s.seen) < len(c.groups) {
		s.seen = make([]bool, len(c.groups))
	}
	seen := s.seen[:len(c.groups)]
	clear(seen)
	for i := range hits {
		h := &hits[i]
		if h.state != hitLive {
			continue
		}
		g := c.terms[h.term].group
		gs[g] += c.groups[g].weight * c.fields[h.field] * h.factor
		seen[g] = true
	}
	var ks [numKinds]float64
	for g, v := range gs {
		if m := c.groups[g].max; m > 0 && math.Abs(v) > m {
			v = math.Copysign(m, v)
			gs[g] = v
		}
		ks[c.groups[g].kind] += v
	}
	total := 0.0
	for k := kindAI; k <= kindNegative; k++ {
		total += ks[k]
	}
	var near [numFields][2]int32 // the hits that earned the proximity bonus, per field
	for f := range near {
		near[f] = [2]int32{-1, -1}
	}
	if c.prox.bonus > 0 && ks[kindAI] > 0 {
		for f := range numFields {
			if a, b, ok := c.nearPair(hits, s.text[f], uint8(f)); ok {
				near[f] = [2]int32{a, b}
				total += c.prox.bonus * c.fields[f]
			}
		}
	}

	// Decide.
	// All reasons are written into one buffer and cut into strings at the
	// end: two allocations instead of one per reason.
	res := Result{Score: round2(total)}
	buf := s.reasons[:0]
	cuts := s.cuts[:0]
	for i := range hits {
		h := &hits[i]
		t := &c.terms[h.term]
		if h.state == hitLive {
			g := &c.groups[t.group]
			if g.weight == 0 {
				continue // facet and ignore terms explain nothing by themselves
			}
			buf = appendHitHead(buf, h, t)
			buf = append(buf, ' ')
			buf = append(buf, g.name...)
			buf = append(buf, ' ')
			buf = appendSigned(buf, g.weight*c.fields[h.field]*h.factor)
			if h.factor != 1 {
				buf = append(buf, " (list item x"...)
				buf = strconv.AppendFloat(buf, h.factor, 'g', 3, 64)
				buf = append(buf, ')')
			}
			cuts = append(cuts, len(buf))
			continue
		}
		buf, cuts = c.appendSetAside(buf, cuts, hits, i, triggerHit)
	}
	for f, p := range near {
		if p[0] < 0 {
			continue
		}
		buf = append(buf, fieldNames[f]...)
		buf = append(buf, ": "...)
		buf = appendQuoted(buf, c.terms[hits[p[0]].term].text)
		buf = append(buf, " near "...)
		buf = appendQuoted(buf, c.terms[hits[p[1]].term].text)
		buf = append(buf, " proximity "...)
		buf = appendSigned(buf, c.prox.bonus*c.fields[f])
		cuts = append(cuts, len(buf))
	}
	for ri := range c.rules {
		r := &c.rules[ri]
		if !c.ruleHolds(r, &ks, total) {
			continue
		}
		res.Match = true
		buf = append(buf, "rule: "...)
		buf = append(buf, r.name...)
		buf = append(buf, " ("...)
		for _, k := range r.need {
			buf = append(buf, kindNames[k]...)
			buf = append(buf, ' ')
			buf = appendNum(buf, ks[k])
			buf = append(buf, ", "...)
		}
		buf = append(buf, "score "...)
		buf = appendNum(buf, res.Score)
		buf = append(buf, " >= "...)
		buf = appendNum(buf, r.minScore)
		buf = append(buf, ") -> match"...)
		cuts = append(cuts, len(buf))
		break
	}
	if !res.Match {
		buf = append(buf, "rule: none holds (score "...)
		buf = appendNum(buf, res.Score)
		for _, k := range []kind{kindAI, kindActor, kindInstrument, kindAction, kindStrong} {
			if !c.hasKind[k] {
				continue
			}
			buf = append(buf, ", "...)
			buf = append(buf, kindNames[k]...)
			buf = append(buf, ' ')
			buf = appendNum(buf, ks[k])
		}
		buf = append(buf, ") -> no match"...)
		cuts = append(cuts, len(buf))
	}
	res.Reasons = cutReasons(buf, cuts)
	s.reasons, s.cuts = buf, cuts
	if !res.Match {
		return res
	}
	for g := range gs {
		if f := c.groups[g].facet; f != "" && seen[g] && gs[g] >= 0 && !slices.Contains(res.Facets, f) {
			res.Facets = append(res.Facets, f)
		}
	}
	slices.Sort(res.Facets)
	return res
}

func (c *Classifier) ruleHolds(r *crule, ks *[numKinds]float64, total float64) bool {
	for _, k := range r.need {
		if ks[k] <= 0 || ks[k] < r.needMin {
			return false
		}
	}
	return total >= r.minScore
}

// scan runs the automaton over one field's folded text and records the hits
// whose word edges (and, for case-sensitive terms, case) hold.
func (c *Classifier) scan(text, cased []byte, field uint8, s *scratch) {
	m := c.matcher
	if m == nil || len(text) == 0 {
		return
	}
	s.matches = m.ac.appendMatches(s.matches[:0], text)
	for _, mt := range s.matches {
		c.record(m, int(mt.pat), text, cased, int(mt.start), field, s)
	}
}

// record keeps the terms of pattern pat found at text[start:] whose word
// edges hold.
func (c *Classifier) record(m *matcher, pat int, text, cased []byte, start int, field uint8, s *scratch) {
	end := start + len(m.pats[pat])
	for _, pt := range m.terms[pat] {
		t := &c.terms[pt.id]
		if pt.exact != "" && string(cased[start:end]) != pt.exact {
			continue
		}
		if t.leftWord && !leftBoundary(text, start) {
			continue
		}
		if t.rightWord && !rightBoundary(text, end) {
			continue
		}
		st := hitLive
		if t.group < 0 {
			st = hitContext
		}
		s.hits = append(s.hits, hit{term: pt.id, field: field, start: int32(start), end: int32(end), factor: 1, state: st})
	}
}

// resolve applies disambiguations, ignore masks, same-group containment,
// repeats and enumeration discounts to the hits, in place. It returns, for
// each disambiguation, the hit that triggered it (-1 if none); nil when none
// was triggered.
func (c *Classifier) resolve(hits []hit, s *scratch) []int32 {
	texts := &s.text
	var triggered uint64
	var triggerHit []int32
	for i := range hits {
		if cx := c.terms[hits[i].term].contextOf; cx != 0 && triggered&cx == 0 {
			if triggerHit == nil {
				triggerHit = make([]int32, len(c.disamb))
				for j := range triggerHit {
					triggerHit[j] = -1
				}
			}
			triggered |= cx
			for j := range c.disamb {
				if cx&(1<<uint(j)) != 0 && triggerHit[j] < 0 {
					triggerHit[j] = int32(i)
				}
			}
		}
	}
	for i := range hits {
		h := &hits[i]
		if h.state != hitLive {
			continue
		}
		t := &c.terms[h.term]
		if t.dropBy&triggered != 0 {
			h.state = hitDropped
			for j := range c.disamb {
				if t.dropBy&triggered&(1<<uint(j)) != 0 {
					h.by = int32(j)
					break
				}
			}
			continue
		}
		// Hits are sorted by field, start, longest first: every hit that
		// could contain h comes before it and starts at most maxTermLen
		// bytes earlier.
		gi := t.group
		for j := i - 1; j >= 0; j-- {
			o := &hits[j]
			if o.field != h.field || int(h.start-o.start) > c.maxTermLen {
				break
			}
			if o.state == hitContext || o.end < h.end {
				continue
			}
			og := c.terms[o.term].group
			longer := o.end-o.start > h.end-h.start
			// Two terms of one group that read the same words ("subsidy",
			// whose plural is "subsidies", and "subsidies") count once.
			same := o.start == h.start && o.end == h.end && o.state == hitLive
			if !longer && !(same && og == gi) {
				continue
			}
			if longer && c.groups[og].kind == kindIgnore && c.groups[gi].kind != kindIgnore {
				h.state, h.by = hitMasked, int32(j)
				break
			}
			if og == gi {
				h.state = hitContained
				break
			}
		}
	}
	// Enumeration discounts, then repeats: the same term twice in a field
	// counts once, with its best factor.
	// hits are in field order: each field starts a new epoch of firstLive.
	field := -1
	for i := range hits {
		h := &hits[i]
		if int(h.field) != field {
			field = int(h.field)
			s.nextEpoch(len(c.terms))
		}
		if h.state != hitLive {
			continue
		}
		var first *hit // the term's first live occurrence in the field, if this is a repeat
		if f := s.firstLive[h.term]; f.epoch == s.epoch {
			first = &hits[f.at]
		} else {
			s.firstLive[h.term] = termHit{s.epoch, int32(i)}
		}
		// A list can only lower the factor: when the first occurrence's is already at
		// least this one's, the list does not change the outcome and is not counted.
		if (first == nil || first.factor < h.factor) && c.enum.factor < 1 && c.enum.kinds[c.groups[c.terms[h.term].group].kind] &&
			listItems(texts[h.field], int(h.start), int(h.end), c.enum.minItems) >= c.enum.minItems {
			h.factor = c.enum.factor
		}
		if first != nil {
			first.factor = max(first.factor, h.factor)
			h.state = hitRepeat
		}
	}
	if cut := c.newsletterCut(hits, texts[fieldTitle]); cut >= 0 {
		for i := range hits {
			if h := &hits[i]; h.field == fieldTitle && h.state == hitLive && int(h.start) >= cut {
				h.state = hitLaterStory
			}
		}
	}
	return triggerHit
}

// newsletterCut returns where a newsletter's headline ("The Download: OpenAI's new model,
// and the EU AI Act") passes its first story, or -1 when title is no such headline or
// names one story: see Newsletter. A newsletter or roundup whose title story is business
// is out even when it names a policy story after it (TOPIC.md), as one whose title story
// is policy is in.
func (c *Classifier) newsletterCut(hits []hit, title []byte) int {
	if c.newsletter == nil {
		return -1
	}
	open := bytes.IndexAny(title, ":]")
	if open < 0 || open > maxNewsletterName {
		return -1
	}
	named := false
	for i := range hits {
		h := &hits[i]
		if h.field == fieldTitle && h.state == hitLive && int(h.end) <= open+1 && c.newsletter[c.terms[h.term].group] {
			named = true
			break
		}
	}
	if !named {
		return -1
	}
	body := title[open+1:]
	cut := -1
	for _, sep := range storySeps {
		if i := bytes.Index(body, []byte(sep)); i >= 0 && (cut < 0 || i < cut) {
			cut = i
		}
	}
	if i := bytes.Index(body, []byte(", ")); i >= 0 && bytes.Count(body, []byte(", ")) >= 2 && (cut < 0 || i < cut) {
		cut = i
	}
	if cut < 0 {
		return -1
	}
	return open + 1 + cut
}

// maxNewsletterName bounds the bytes before the colon or bracket that closes a
// newsletter's name ("The Download", "[AI 주간 브리핑]").
const maxNewsletterName = 48

// storySeps separate the stories a newsletter's headline names.
var storySeps = []string{", and ", "; ", " | ", " / ", " · "}

// nearPair finds, in one field, a live AI hit and a live hit of a
// proximity kind at most window runes apart.
func (c *Classifier) nearPair(hits []hit, text []byte, field uint8) (int32, int32, bool) {
	for i := range hits {
		a := &hits[i]
		if a.field != field || a.state != hitLive || c.groups[c.terms[a.term].group].kind != kindAI {
			continue
		}
		for j := range hits {
			b := &hits[j]
			if b.field != field || b.state != hitLive {
				continue // a context term of a disambiguation has no group
			}
			if bg := &c.groups[c.terms[b.term].group]; !c.prox.with[bg.kind] || bg.weak {
				continue
			}
			lo, hi := a.end, b.start
			if b.end <= a.start {
				lo, hi = b.end, a.start
			}
			if hi <= lo || withinRunes(text[lo:hi], c.prox.window) {
				return int32(i), int32(j), true
			}
		}
	}
	return 0, 0, false
}

// listItems counts the items of the enumeration the span text[start:end] is
// part of: items joined by list separators ("·", ",", "/") or by "and"/"or",
// plus one for a trailing "등" or "etc". Items are single words
// ("드론·AI·바이오", "housing, energy, AI and banking"), or up to
// listItemWords words when the list has a separator and is closed by
// "and"/"or"/"등"/"etc" ("drone flights, AI pilot projects and online
// pharmacies"): without the closing word, commas around a phrase are more
// often a clause ("the AI basic act, passed in December, takes effect"), and
// without a separator "and" joins phrases of prose ("research and development
// of AI technologies and their use").
//
// The several-word reading is only tried when the one-word reading finds
// fewer than min items and a separator stands near the span: most terms are
// in no list at all.
func listItems(text []byte, start, end, min int) int {
	n, _, _ := countItems(text, start, end, 1)
	if n >= min || !sepNear(text, start, end) {
		return n
	}
	if m, closed, seps := countItems(text, start, end, listItemWords); closed && seps > 0 && m > n {
		n = m
	}
	return n
}

// sepNear reports whether a list separator stands within the reach of a
// several-word list item on either side of text[start:end]: the other
// listItemWords-1 words of the span's item, each at most skipToken's 24 runes
// of at most 4 bytes, and the spaces between them.
func sepNear(text []byte, start, end int) bool {
	const reach = (listItemWords - 1) * (24*4 + 4)
	lo, hi := max(0, start-reach), min(len(text), end+reach)
	for i := lo; i < hi; i++ {
		if sepFirst[text[i]] && sepAt(text[:hi], i) > 0 {
			return true
		}
	}
	return false
}

// listItemWords is the most words a list item may have when the list has a
// separator and is closed by a conjunction.
const listItemWords = 3

// countItems counts list items around text[start:end], each of at most
// maxWords words (the span itself counting as one word of its item), and
// reports whether the list is closed by a conjunction or "등"/"etc" and how
// many list separators it has.
func countItems(text []byte, start, end, maxWords int) (items int, closed bool, seps int) {
	items = 1
	// Rightwards.
	i, words := end, 1
	for {
		j := skipGloss(text, skipSpaces(text, i))
		if n := sepAt(text, j); n > 0 {
			items++
			seps++
			i, words = skipToken(text, skipSpaces(text, j+n)), 1
			continue
		}
		if n := conjAt(text, j); n > 0 && j > i {
			items++
			closed = true
			break // "A, B and C": the conjunction ends the list
		}
		if hasPrefixAt(text, j, "등") || hasPrefixAt(text, j, "etc") {
			items++
			closed = true
			break
		}
		if words < maxWords && j > i {
			if k := skipToken(text, j); k > j {
				i, words = k, words+1
				continue
			}
		}
		break
	}
	// Leftwards.
	i, words = start, 1
	if start > 0 && text[start-1] == '(' {
		// The item is a gloss, "AI" in "인공지능(AI)·로봇": its list is the glossed word's.
		i = skipTokenBack(text, start-1)
	}
	for {
		j := skipSpacesBack(text, i)
		if n := sepBefore(text, j); n > 0 {
			items++
			seps++
			i, words = skipTokenBack(text, skipSpacesBack(text, j-n)), 1
			continue
		}
		if n := conjBefore(text, j); n > 0 && j < i {
			items++
			closed = true
			i, words = skipTokenBack(text, skipSpacesBack(text, j-n)), 1
			continue
		}
		if words < maxWords && j < i {
			if k := skipTokenBack(text, j); k < j {
				i, words = k, words+1
				continue
			}
		}
		break
	}
	return items, closed, seps
}

// listSeps are the list separators as they stand in normalised text (NFKC
// turns the Hangul "ㆍ" into "ᆞ").
var listSeps = []string{"·", "ᆞ", "ㆍ", "・", "、", ",", "/"}

// sepFirst and sepLast mark the bytes list separators begin and end with, so
// that most positions are rejected with one lookup.
var sepFirst, sepLast = func() (f, l [256]bool) {
	for _, s := range listSeps {
		f[s[0]], l[s[len(s)-1]] = true, true
	}
	return
}()

func sepAt(text []byte, i int) int {
	if i < 0 || i >= len(text) || !sepFirst[text[i]] {
		return 0
	}
	for _, s := range listSeps {
		if hasPrefixAt(text, i, s) {
			return len(s)
		}
	}
	return 0
}

func sepBefore(text []byte, i int) int {
	if i <= 0 || i > len(text) || !sepLast[text[i-1]] {
		return 0
	}
	for _, s := range listSeps {
		if i >= len(s) && string(text[i-len(s):i]) == s {
			return len(s)
		}
	}
	return 0
}

func conjAt(text []byte, i int) int {
	for _, s := range []string{"and ", "or "} {
		if hasPrefixAt(text, i, s) {
			return len(s) - 1
		}
	}
	return 0
}

func conjBefore(text []byte, i int) int {
	for _, s := range []string{" and", " or"} {
		if i >= len(s) && string(text[i-len(s):i]) == s {
			return len(s) - 1
		}
	}
	return 0
}

// maxGloss bounds a parenthetical gloss that skipGloss steps over.
const maxGloss = 40

// skipGloss moves past a gloss that ends a list item, as Korean news writes
// them ("인공지능(AI)·로봇·바이오 등"): a parenthesis of at most maxGloss bytes
// that opens at i, or the one closing at i around an item found inside it.
func skipGloss(text []byte, i int) int {
	if i >= len(text) {
		return i
	}
	switch text[i] {
	case ')':
		return i + 1
	case '(':
		for k := i + 1; k < len(text) && k <= i+maxGloss; k++ {
			switch text[k] {
			case ')':
				return k + 1
			case '(':
				return i
			}
		}
	}
	return i
}

func hasPrefixAt(text []byte, i int, p string) bool {
	return i >= 0 && i+len(p) <= len(text) && string(text[i:i+len(p)]) == p
}

func skipSpaces(text []byte, i int) int {
	for i < len(text) && text[i] == ' ' {
		i++
	}
	return i
}

func skipSpacesBack(text []byte, i int) int {
	for i > 0 && text[i-1] == ' ' {
		i--
	}
	return i
}

// skipToken moves past one list item: letters and digits, at most 24 runes.
func skipToken(text []byte, i int) int {
	for n := 0; i < len(text) && n < 24; n++ {
		r, size := utf8.DecodeRune(text[i:])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		i += size
	}
	return i
}

func skipTokenBack(text []byte, i int) int {
	for n := 0; i > 0 && n < 24; n++ {
		r, size := utf8.DecodeLastRune(text[:i])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		i -= size
	}
	return i
}

func appendHitHead(buf []byte, h *hit, t *cterm) []byte {
	buf = append(buf, fieldNames[h.field]...)
	buf = append(buf, ": "...)
	return appendQuoted(buf, t.text)
}

// appendQuoted writes s in double quotes. Terms come from the profile and are
// printable; only quotes and backslashes need escaping.
func appendQuoted(buf []byte, s string) []byte {
	buf = append(buf, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			buf = append(buf, '\\')
		}
		buf = append(buf, s[i])
	}
	return append(buf, '"')
}

// appendSigned writes v with a sign and one decimal ("+1.5", "-2.0").
func appendSigned(buf []byte, v float64) []byte {
	t := int64(math.Round(v * 10))
	if t < 0 {
		buf = append(buf, '-')
		t = -t
	} else {
		buf = append(buf, '+')
	}
	buf = strconv.AppendInt(buf, t/10, 10)
	return append(buf, '.', byte('0'+t%10))
}

// appendNum writes v with at most two decimals, without trailing zeros.
func appendNum(buf []byte, v float64) []byte {
	t := int64(math.Round(v * 100))
	if t < 0 {
		buf = append(buf, '-')
		t = -t
	}
	buf = strconv.AppendInt(buf, t/100, 10)
	if f := t % 100; f != 0 {
		buf = append(buf, '.', byte('0'+f/10))
		if f%10 != 0 {
			buf = append(buf, byte('0'+f%10))
		}
	}
	return buf
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// appendSetAside explains a hit that was masked or dropped, if it was.
func (c *Classifier) appendSetAside(buf []byte, cuts []int, hits []hit, i int, triggerHit []int32) ([]byte, []int) {
	h := &hits[i]
	t := &c.terms[h.term]
	switch h.state {
	case hitMasked:
		buf = appendHitHead(buf, h, t)
		buf = append(buf, " ignored inside "...)
		buf = appendQuoted(buf, c.terms[hits[h.by].term].text)
	case hitLaterStory:
		buf = appendHitHead(buf, h, t)
		buf = append(buf, " set aside: a newsletter's later story"...)
	case hitDropped:
		buf = appendHitHead(buf, h, t)
		buf = append(buf, " dropped by "...)
		buf = append(buf, c.disamb[h.by]...)
		if th := triggerHit[h.by]; th >= 0 {
			buf = append(buf, " ("...)
			buf = appendQuoted(buf, c.terms[hits[th].term].text)
			buf = append(buf, ')')
		}
	default:
		return buf, cuts
	}
	return buf, append(cuts, len(buf))
}

// classifyModel decides with the profile's model: the item's features, the
// linear score, and the reasons (each contribution, largest first, then what
// was set aside, then the decision).
func (c *Classifier) classifyModel(s *scratch, hits []hit, triggerHit []int32) Result {
	near := 0
	for f := range numFields {
		if _, _, ok := c.nearPair(hits, s.text[f], uint8(f)); ok {
			near++
		}
	}
	ai := c.features(&s.fv, hits, &s.text, near)
	z := c.model.score(&s.fv)
	res := Result{Score: round2(z), Match: ai && z >= 0}
	res.Near = ai && !res.Match && z >= -NearMargin
	buf, cuts := s.reasons[:0], s.cuts[:0]
	if res.Match {
		buf = append(buf, "kept: "...)
		n := len(buf)
		if buf = c.explain(buf, s, hits); len(buf) > n {
			cuts = append(cuts, len(buf))
		} else {
			buf = buf[:n-len("kept: ")]
		}
	}
	buf, cuts = c.appendModelReasons(buf, cuts, s, hits, z, ai, res.Match)
	for i := range hits {
		buf, cuts = c.appendSetAside(buf, cuts, hits, i, triggerHit)
	}
	res.Reasons = cutReasons(buf, cuts)
	s.reasons, s.cuts = buf, cuts
	if res.Match {
		res.Facets = c.facets(hits)
	}
	return res
}

// cutReasons turns one buffer and its cut points into strings sharing one
// allocation.
func cutReasons(buf []byte, cuts []int) []string {
	all := string(buf)
	out := make([]string, len(cuts))
	from := 0
	for i, to := range cuts {
		out[i] = all[from:to]
		from = to
	}
	return out
}

// facets lists the facets of the groups with live hits, sorted.
func (c *Classifier) facets(hits []hit) []string {
	var out []string
	for i := range hits {
		h := &hits[i]
		if h.state != hitLive {
			continue
		}
		g := &c.groups[c.terms[h.term].group]
		if g.facet != "" && g.kind != kindNegative && !slices.Contains(out, g.facet) {
			out = append(out, g.facet)
		}
	}
	slices.Sort(out)
	return out
}

// How much of a summary and of a body a model reads: a lead of about 400
// characters (three bytes a Hangul syllable), and a short paragraph.
const (
	modelSummaryBytes = 1200
	modelContentBytes = 600
)

// readBytes is what a model reads of each field (see modelSummaryBytes), by field.
var readBytes = [numFields]int{fieldSummary: modelSummaryBytes, fieldContent: modelContentBytes}

// repeatsTitleTail is how many letters a summary may add after repeating the
// headline and still say nothing of its own: an outlet's name, a byline.
const repeatsTitleTail = 40

// repeatsTitle reports whether summary, read as letters and digits only, is the
// title, the title with a short tail (Google News sends "Headline - Outlet" with the
// description "Headline  Outlet"), a cut of the title, or nothing (an image, a
// dash). Such an item has no lead.
func repeatsTitle(title, summary string) bool {
	if summary == "" || title == "" {
		return false
	}
	next := func(s string, i int) (rune, int) {
		for i < len(s) {
			r, n := utf8.DecodeRuneInString(s[i:])
			i += n
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return unicode.ToLower(r), i
			}
		}
		return -1, i
	}
	i, j, matched := 0, 0, 0
	for {
		var a, b rune
		a, i = next(title, i)
		b, j = next(summary, j)
		switch {
		case b < 0: // the summary is the title, or a cut of it, or has no letters
			return true
		case a < 0: // the title ran out: count the summary's tail
			tail := 1
			for {
				if b, j = next(summary, j); b < 0 {
					return matched > 0
				}
				if tail++; tail > repeatsTitleTail {
					return false
				}
			}
		case a != b:
			return false
		}
		matched++
	}
}
