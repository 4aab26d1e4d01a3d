package topic

import (
	"bytes"
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Model is a linear layer over the evidence the profile's groups find: a
// weight per named feature and a bias. With a model, an item that has AI
// evidence matches when bias + Σ weight × feature >= 0, and the rules are not
// used. Its weights are learned from labelled items (`gleaner topic train`),
// but they stay readable and editable like every other part of the profile:
// each is the worth of one piece of evidence, and each decision lists the
// contributions that made it.
//
// Feature names:
//
//	title.<group>     distinct terms of the group in the headline (at most 2)
//	lead.<group>      distinct terms in the summary, plus half those in the body (at most 2)
//	head.<group>      the headline's subject, approximated as its first actor or cue term
//	                  within the first few words, is of this group
//	near.<group>      in the headline, an AI term stands within a few words of a term of
//	                  the group ("AI 도입", "adopts AI", "AI 수혜주")
//	leadhead.<group>  the lead's subject, past its dateline and byline, is of this group
//	                  ("과학기술정보통신부는 12일", "The Commerce Department said")
//	ai+actor          AI evidence and a public actor anywhere in the item
//	ai+instrument     AI evidence and a public instrument anywhere
//	title.ai+actor    both in the headline
//	title.ai+instrument
//	proximity         fields in which an AI term stands near an actor or instrument
//	ai.listed         every AI term is one item of a list
//	ai.lead-only      AI evidence only outside the headline
//	title.quote       the headline quotes someone
//	title.question    the headline is a question
//	lead.none         the item has no lead: only a headline (many feeds send no description)
type Model struct {
	Bias    float64            `toml:"bias"`
	Weights map[string]float64 `toml:"weights"`
}

// Feature layout: for each group g, three slots (title, lead, head), then the
// structural features.
const (
	slotTitle = iota
	slotLead
	slotHead
	slotNear
	slotLeadHead
	slotsPerGroup
)

// slotNames name each slot's feature: SLOT.GROUP.
var slotNames = [slotsPerGroup]string{"title", "lead", "head", "near", "leadhead"}

var structFeatures = []string{
	"ai+actor", "ai+instrument", "title.ai+actor", "title.ai+instrument",
	"proximity", "ai.listed", "ai.lead-only", "title.quote", "title.question", "lang.ko",
	"lead.none",
}

const (
	fAIActor = iota
	fAIInstrument
	fTitleAIActor
	fTitleAIInstrument
	fProximity
	fAIListed
	fAILeadOnly
	fTitleQuote
	fTitleQuestion
	fLangKo
	fLeadNone
	numStruct
)

// headRunes is how far into a headline its subject may start: "정부,",
// "과기정통부는", "California governor", "U.S. Commerce Department".
const headRunes = 12

// termFieldValue is what a term found in each field adds to its feature:
// in the headline it says most about the item.
var termFieldValue = [numFields]float64{1, 0.5, 0.25}

// termCap bounds a term's feature.
const termCap = 1.5

// featureCap bounds a group's count in one field: the third government name in
// a headline says no more than the second.
const featureCap = 2

// fvec is a feature vector kept dense for lookups, with the indices of its
// non-zero entries, so that clearing and scoring it costs what the item has,
// not what the profile has.
type fvec struct {
	x  []float64
	nz []int32
}

func (v *fvec) reset(n int) {
	// The scratch space is shared by every classifier: the last one may have
	// had more features than this one.
	for _, i := range v.nz {
		v.x[i] = 0
	}
	v.nz = v.nz[:0]
	if cap(v.x) < n {
		v.x = make([]float64, n)
		return
	}
	v.x = v.x[:n]
}

// add adds d (> 0) to entry i, at most up to limit.
func (v *fvec) add(i int, d, limit float64) {
	if v.x[i] == 0 {
		v.nz = append(v.nz, int32(i))
	}
	v.x[i] = min(v.x[i]+d, limit)
}

// set sets entry i to d (> 0).
func (v *fvec) set(i int, d float64) {
	if d == 0 {
		return
	}
	if v.x[i] == 0 {
		v.nz = append(v.nz, int32(i))
	}
	v.x[i] = d
}

// cmodel is a compiled Model.
type cmodel struct {
	bias float64
	w    []float64 // by feature index
	// names of every feature, by index, for reasons and for training.
	names []string
	// termFeat is each term's feature, -1 for none.
	termFeat []int32
	// featGroup is the group each feature belongs to, -1 for structural ones.
	featGroup []int32
}

// featureNames lists every feature a profile defines, by index: three per
// group, the structural ones, then one per term of a scored group
// ("term.GROUP.TERM"). termFeat maps each term to its feature (-1 for none).
func (c *Classifier) featureNames() (names []string, termFeat []int32) {
	for _, g := range c.groups {
		for _, slot := range slotNames {
			names = append(names, slot+"."+g.name)
		}
	}
	names = append(names, structFeatures...)
	termFeat = make([]int32, len(c.terms))
	for i, t := range c.terms {
		termFeat[i] = -1
		if t.group < 0 || !c.groups[t.group].scored() {
			continue
		}
		termFeat[i] = int32(len(names))
		names = append(names, "term."+c.groups[t.group].name+"."+t.text)
	}
	return names, termFeat
}

// untrainedScale turns a group's own weight (rule-score units) into the
// log-odds a model gives a group it was not trained with: the prior
// DefaultTrainOptions pulls trained weights towards.
const untrainedScale = 0.25

// strongRuleScore is the score the built-in rules need of a strong phrase.
const strongRuleScore = 4

// WithoutGroup returns m without the weights of the named group's features,
// for a profile from which the group was removed.
func (m *Model) WithoutGroup(name string) *Model {
	out := &Model{Bias: m.Bias, Weights: make(map[string]float64, len(m.Weights))}
	for k, w := range m.Weights {
		if !featureOfGroup(k, name) {
			out.Weights[k] = w
		}
	}
	return out
}

// featureOfGroup reports whether a feature name is one of the group's:
// SLOT.GROUP or term.GROUP.TERM.
func featureOfGroup(feature, group string) bool {
	for _, slot := range slotNames {
		if feature == slot+"."+group {
			return true
		}
	}
	return strings.HasPrefix(feature, termPrefix+group+".")
}

// trained reports whether m weighs any feature of group gi: a slot of it or
// one of its terms.
func (c *Classifier) trained(m *Model, gi int) bool {
	g := &c.groups[gi]
	for _, slot := range slotNames {
		if _, ok := m.Weights[slot+"."+g.name]; ok {
			return true
		}
	}
	for i := range c.terms {
		if c.terms[i].group == gi {
			if _, ok := m.Weights[termPrefix+g.name+"."+c.terms[i].text]; ok {
				return true
			}
		}
	}
	return false
}

// staleTerm reports whether a feature name is term.GROUP.TERM for a group of
// the profile (that no longer has the term).
func (c *Classifier) staleTerm(name string) bool {
	rest, ok := strings.CutPrefix(name, termPrefix)
	if !ok {
		return false
	}
	for _, g := range c.groups {
		if t, ok := strings.CutPrefix(rest, g.name+"."); ok && t != "" && g.scored() {
			return true
		}
	}
	return false
}

// termPrefix starts the name of a term's feature.
const termPrefix = "term."

// scored reports whether a group's terms are evidence the model weighs.
func (g *cgroup) scored() bool { return g.kind != kindFacet && g.kind != kindIgnore }

// headKind reports whether a group can be a headline's subject.
func (g *cgroup) headKind() bool { return g.kind == kindActor || g.kind == kindCue }

func (c *Classifier) compileModel(m *Model, bad func(path, format string, args ...any)) *cmodel {
	groups := c.groups
	names, termFeat := c.featureNames()
	cm := &cmodel{bias: m.Bias, w: make([]float64, len(names)), names: names, termFeat: termFeat,
		featGroup: make([]int32, len(names))}
	for i := range cm.featGroup {
		cm.featGroup[i] = -1
		if i < len(groups)*slotsPerGroup {
			cm.featGroup[i] = int32(i / slotsPerGroup)
		}
	}
	for t, f := range termFeat {
		if f >= 0 {
			cm.featGroup[f] = int32(c.terms[t].group)
		}
	}
	if math.IsNaN(m.Bias) || math.IsInf(m.Bias, 0) {
		bad("topic.model.bias", "bias must be finite, got %v", m.Bias)
	}
	// A group the model has no weight for at all (one a user added after it
	// was trained) weighs what its own weight says, scaled as training's
	// prior scales it.
	for gi := range groups {
		g := &groups[gi]
		if !g.scored() || c.trained(m, gi) {
			continue
		}
		title, lead := untrainedScale*g.weight*c.fields[fieldTitle], untrainedScale*g.weight*c.fields[fieldSummary]
		if g.kind == kindStrong && m.Bias < 0 {
			// A strong phrase says "AI policy" alone, as under the rules: it
			// clears the bias as many times over as its rule score clears
			// the built-in rules' threshold.
			title = max(title, -m.Bias*g.weight*c.fields[fieldTitle]/strongRuleScore)
			lead = max(lead, -m.Bias*g.weight*c.fields[fieldSummary]/strongRuleScore)
		}
		cm.w[gi*slotsPerGroup+slotTitle], cm.w[gi*slotsPerGroup+slotLead] = title, lead
	}
	index := make(map[string]int, len(names))
	for i, n := range names {
		index[n] = i
	}
	keys := make([]string, 0, len(m.Weights))
	for k := range m.Weights {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		w := m.Weights[k]
		path := "topic.model.weights." + k
		i, ok := index[k]
		if !ok && c.staleTerm(k) {
			// A term taken out of its group since the model was trained:
			// its weight has nothing left to weigh.
			continue
		}
		if !ok {
			bad(path, "unknown feature %q (want title.GROUP, lead.GROUP, head.GROUP, term.GROUP.TERM or one of %s)", k, strings.Join(structFeatures, ", "))
			continue
		}
		if math.IsNaN(w) || math.IsInf(w, 0) {
			bad(path, "weight must be finite, got %v", w)
			continue
		}
		if gi := i / slotsPerGroup; i < len(groups)*slotsPerGroup {
			g := &groups[gi]
			switch {
			case !g.scored():
				bad(path, "group %q is a %s group: it adds no evidence", g.name, g.kind)
				continue
			case (i%slotsPerGroup == slotHead || i%slotsPerGroup == slotLeadHead) && !g.headKind():
				bad(path, "only actor and cue groups can be a headline's subject; %q is %s", g.name, g.kind)
				continue
			case i%slotsPerGroup == slotNear && g.kind == kindAI:
				bad(path, "near.GROUP is an AI term near a term of another kind; %q is an ai group", g.name)
				continue
			}
		}
		cm.w[i] = w
	}
	return cm
}

// features fills v from the resolved hits of one document and returns
// whether the document has AI evidence. near is the number of fields with a
// proximity pair.
func (c *Classifier) features(v *fvec, hits []hit, texts *[numFields][]byte, near int) bool {
	title := texts[fieldTitle]
	v.reset(len(c.model.w))
	var aiTitle, aiAll, aiListed int
	var actor, instr, actorTitle, instrTitle, strong bool
	head, lhead := -1, -1
	headStart, lheadStart := int32(-1), int32(-1)
	lead := texts[fieldSummary]
	leadFrom := int32(bylineEnd(lead))
	for i := range hits {
		h := &hits[i]
		if h.state != hitLive {
			continue
		}
		gi := c.terms[h.term].group
		g := &c.groups[gi]
		if !g.scored() {
			continue
		}
		base := gi * slotsPerGroup
		if tf := c.model.termFeat[h.term]; tf >= 0 {
			v.add(int(tf), termFieldValue[h.field]*h.factor, termCap)
		}
		switch h.field {
		case fieldTitle:
			v.add(base+slotTitle, h.factor, featureCap)
			if g.headKind() && (headStart < 0 || h.start < headStart) && !possessive(title, h.end) {
				headStart, head = h.start, gi
			}
		case fieldSummary:
			v.add(base+slotLead, h.factor, featureCap)
			if g.headKind() && h.start >= leadFrom && (lheadStart < 0 || h.start < lheadStart) {
				lheadStart, lhead = h.start, gi
			}
		default:
			v.add(base+slotLead, 0.5*h.factor, featureCap)
		}
		switch g.kind {
		case kindAI:
			aiAll++
			if h.factor < 1 {
				aiListed++
			}
			if h.field == fieldTitle {
				aiTitle++
			}
		case kindActor:
			actor = true
			actorTitle = actorTitle || h.field == fieldTitle
		case kindInstrument, kindStrong:
			instr = true
			instrTitle = instrTitle || h.field == fieldTitle
			strong = strong || g.kind == kindStrong
		}
	}
	if head >= 0 && withinRunes(title[:headStart], headRunes) {
		v.set(head*slotsPerGroup+slotHead, 1)
	}
	if lhead >= 0 && withinRunes(lead[leadFrom:lheadStart], headRunes) {
		v.set(lhead*slotsPerGroup+slotLeadHead, 1)
	}
	if aiTitle > 0 {
		c.nearAI(v, hits, title)
	}
	s := len(c.groups) * slotsPerGroup
	b := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	ai := aiAll > 0
	v.set(s+fAIActor, b(ai && actor))
	v.set(s+fAIInstrument, b(ai && instr))
	v.set(s+fTitleAIActor, b(aiTitle > 0 && actorTitle))
	v.set(s+fTitleAIInstrument, b(aiTitle > 0 && instrTitle))
	v.set(s+fProximity, float64(near))
	v.set(s+fAIListed, b(ai && aiListed == aiAll))
	v.set(s+fAILeadOnly, b(ai && aiTitle == 0))
	v.set(s+fTitleQuote, b(hasQuote(title)))
	v.set(s+fTitleQuestion, b(bytes.HasSuffix(bytes.TrimRight(title, " "), []byte("?"))))
	v.set(s+fLangKo, b(hasHangul(title)))
	v.set(s+fLeadNone, b(len(bytes.TrimSpace(lead)) == 0 && len(bytes.TrimSpace(texts[fieldContent])) == 0))
	// A strong phrase ("AI Act") is AI evidence of its own.
	ai = ai || strong
	return ai
}

// nearRunes is how close, in the headline, an AI term and another group's
// term must stand for near.GROUP.
const nearRunes = 8

// nearAI sets near.GROUP for each group with a live headline term within
// nearRunes of a live AI term of the headline.
func (c *Classifier) nearAI(v *fvec, hits []hit, title []byte) {
	for i := range hits {
		a := &hits[i]
		if a.field != fieldTitle || a.state != hitLive || c.groups[c.terms[a.term].group].kind != kindAI {
			continue
		}
		for j := range hits {
			b := &hits[j]
			if b.field != fieldTitle || b.state != hitLive {
				continue
			}
			gi := c.terms[b.term].group
			g := &c.groups[gi]
			if g.kind == kindAI || !g.scored() {
				continue
			}
			lo, hi := a.end, b.start
			if b.end <= a.start {
				lo, hi = b.end, a.start
			}
			if hi <= lo || withinRunes(title[lo:hi], nearRunes) {
				v.set(gi*slotsPerGroup+slotNear, 1)
			}
		}
	}
}

// bylineEnd is where a lead's own text starts, past a dateline and byline
// such as "(서울=연합뉴스) 홍길동 기자 = " or "WASHINGTON (Reuters) - ".
func bylineEnd(lead []byte) int {
	const reach = 80
	w := lead[:min(len(lead), reach)]
	for _, sep := range [][]byte{[]byte(" = "), []byte(" - "), []byte(") "), []byte("] ")} {
		if i := bytes.Index(w, sep); i >= 0 {
			return i + len(sep)
		}
	}
	return 0
}

// withinRunes reports whether valid UTF-8 (normalised text is) has at most n
// runes, counting only when its length in bytes leaves a doubt: a rune is
// one to four bytes.
func withinRunes(b []byte, n int) bool {
	switch {
	case len(b) <= n:
		return true
	case len(b) > 4*n:
		return false
	}
	runes := 0
	for _, c := range b {
		if c&0xC0 != 0x80 {
			if runes++; runes > n {
				return false
			}
		}
	}
	return true
}

// hasHangul reports whether text has a Hangul syllable: a Korean headline.
func hasHangul(text []byte) bool {
	for i := 0; i+2 < len(text); i++ {
		// Hangul syllables U+AC00..U+D7A3 are EA B0 80 .. ED 9E A3 in UTF-8.
		if c := text[i]; c >= 0xEA && c <= 0xED && text[i+1]&0xC0 == 0x80 {
			if r, _ := utf8.DecodeRune(text[i:]); r >= 0xAC00 && r <= 0xD7A3 {
				return true
			}
		}
	}
	return false
}

// hasQuote reports whether a headline quotes someone: a pair of double
// quotes (normalised text keeps ASCII quotes) around at least two runes.
func hasQuote(title []byte) bool {
	i := bytes.IndexByte(title, '"')
	if i < 0 {
		return false
	}
	j := bytes.IndexByte(title[i+1:], '"')
	return j >= 2
}

// score is the model's linear score of v.
func (m *cmodel) score(v *fvec) float64 {
	z := m.bias
	for _, i := range v.nz {
		z += m.w[i] * v.x[i]
	}
	return z
}

// contribution is one feature's part in a decision.
type contribution struct {
	feature int
	value   float64
	mag     float64 // |value|, the order of the reasons
}

// appendModelReasons writes the model's reasons: each contributing feature,
// largest first, with the terms behind it, then the decision.
func (c *Classifier) appendModelReasons(buf []byte, cuts []int, s *scratch, hits []hit, z float64, ai, match bool) ([]byte, []int) {
	m := c.model
	cs := s.contrib[:0]
	for _, i := range s.fv.nz {
		// Contributions that round to nothing explain nothing.
		if cv := m.w[i] * s.fv.x[i]; math.Abs(cv) >= 0.05 {
			cs = append(cs, contribution{int(i), cv, math.Abs(cv)})
		}
	}
	s.contrib = cs
	// Largest first, ties in feature order: a stable insertion sort, since an
	// item has a few dozen contributions (slices.SortStableFunc with its
	// comparator was a tenth of Classify).
	for i := 1; i < len(cs); i++ {
		x, j := cs[i], i
		for ; j > 0 && cs[j-1].mag < x.mag; j-- {
			cs[j] = cs[j-1]
		}
		cs[j] = x
	}
	ng := len(c.groups)
	for _, ct := range cs {
		i := ct.feature
		if i < ng*slotsPerGroup {
			gi, slot := i/slotsPerGroup, i%slotsPerGroup
			switch slot {
			case slotTitle:
				buf = append(buf, "title: "...)
			case slotLead:
				buf = append(buf, "lead: "...)
			case slotNear:
				buf = append(buf, "title: AI near "...)
			case slotLeadHead:
				buf = append(buf, "lead subject: "...)
			default:
				buf = append(buf, "headline subject: "...)
			}
			buf = append(buf, c.groups[gi].name...)
			buf = append(buf, " ("...)
			buf = c.appendGroupTerms(buf, hits, gi, slot)
			buf = append(buf, ") "...)
		} else {
			buf = append(buf, m.names[i]...)
			buf = append(buf, ' ')
		}
		buf = appendSigned(buf, ct.value)
		cuts = append(cuts, len(buf))
	}
	buf = append(buf, "model: score "...)
	buf = appendNum(buf, z)
	buf = append(buf, " (bias "...)
	buf = appendNum(buf, m.bias)
	buf = append(buf, ")"...)
	switch {
	case !ai:
		buf = append(buf, ", no AI evidence -> no match"...)
	case match:
		buf = append(buf, " >= 0 -> match"...)
	default:
		buf = append(buf, " < 0 -> no match"...)
	}
	cuts = append(cuts, len(buf))
	return buf, cuts
}

// appendGroupTerms writes the distinct live terms of group gi behind a slot's
// feature, quoted and comma-separated.
func (c *Classifier) appendGroupTerms(buf []byte, hits []hit, gi, slot int) []byte {
	n := 0
	for i := range hits {
		h := &hits[i]
		if h.state != hitLive || c.terms[h.term].group != gi {
			continue
		}
		switch slot {
		case slotTitle, slotHead, slotNear:
			if h.field != fieldTitle {
				continue
			}
		case slotLead:
			if h.field == fieldTitle {
				continue
			}
		case slotLeadHead:
			if h.field != fieldSummary {
				continue
			}
		}
		if (slot == slotHead || slot == slotLeadHead) && n == 1 {
			break
		}
		if n > 0 {
			buf = append(buf, ", "...)
		}
		buf = appendQuoted(buf, c.terms[h.term].text)
		if h.factor != 1 {
			buf = append(buf, " listed"...)
		}
		n++
		if n == 3 {
			buf = append(buf, ", ..."...)
			break
		}
	}
	return buf
}

// explain says in plain words why an item was kept: the evidence behind its
// largest positive contributions, by group label, e.g. "government
// (과기정통부) · public funding (지원사업) · AI (초거대AI)".
func (c *Classifier) explain(buf []byte, s *scratch, hits []hit) []byte {
	m := c.model
	type part struct {
		group int32
		value float64
	}
	var parts [8]part
	n := 0
	for _, i := range s.fv.nz {
		g := m.featGroup[i]
		w := m.w[i] * s.fv.x[i]
		if g < 0 || w <= 0 {
			continue
		}
		j := 0
		for j < n && parts[j].group != g {
			j++
		}
		if j == n {
			if n == len(parts) {
				continue
			}
			parts[n] = part{group: g}
			n++
		}
		parts[j].value += w
	}
	ps := parts[:n]
	slices.SortStableFunc(ps, func(a, b part) int { return cmp.Compare(b.value, a.value) })
	written := 0
	var labels [3]string
	for _, p := range ps {
		g := &c.groups[p.group]
		label := g.label
		if label == "" {
			label = g.name
		}
		if slices.Contains(labels[:written], label) {
			continue
		}
		mark := len(buf)
		if written > 0 {
			buf = append(buf, " · "...)
		}
		buf = append(buf, label...)
		buf = append(buf, " ("...)
		var ok bool
		if buf, ok = c.appendFirstTerm(buf, s, hits, int(p.group)); !ok {
			buf = buf[:mark]
			continue
		}
		buf = append(buf, ')')
		labels[written] = label
		written++
		if written == len(labels) {
			break
		}
	}
	return buf
}

// appendFirstTerm appends the first live term of group gi, headline first, as
// a reader reads it: a prefix term ("investigat*") as the word it matched
// ("investigates"), not as the profile spells it. ok is false when the group
// has no live term.
func (c *Classifier) appendFirstTerm(buf []byte, s *scratch, hits []hit, gi int) (_ []byte, ok bool) {
	for i := range hits {
		h := &hits[i]
		if h.state != hitLive || c.terms[h.term].group != gi {
			continue
		}
		term := c.terms[h.term].text
		stem, prefix := strings.CutSuffix(term, "*")
		text := s.cased[h.field] // the word as written ("AI gigafactories"), at the folded text's offsets
		if !prefix || h.start < 0 || int(h.end) > len(text) || h.start >= h.end {
			return append(buf, stem...), true
		}
		end := int(h.end)
		for end < len(text) {
			r, n := utf8.DecodeRune(text[end:])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
			end += n
		}
		return append(buf, text[h.start:end]...), true
	}
	return buf, false
}

// possessive reports whether the word ending at end is followed by 's or ’s:
// "China's AI start-ups" names China as an owner, not as an actor.
func possessive(text []byte, end int32) bool {
	rest := text[end:]
	return bytes.HasPrefix(rest, []byte("'s")) || bytes.HasPrefix(rest, []byte("’s"))
}
