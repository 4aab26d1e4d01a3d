package topic

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// ProfileError is one problem in a profile. Path names the key inside the
// [topic] table the way the config package indexes positions
// ("topic.group[2].terms[5]", 0-based), so it can be turned into
// file:line:column.
type ProfileError struct {
	Path string
	Msg  string
}

func (e *ProfileError) Error() string { return e.Path + ": " + e.Msg }

// kind is what a group's terms are evidence of.
type kind uint8

const (
	kindAI         kind = iota // the item is about AI
	kindActor                  // a government, legislature, regulator, court or public fund acts
	kindInstrument             // a public instrument: law, bill, decree, export control, budget
	kindAction                 // a policy-like action anyone can take: plan, support, invest, ban
	kindStrong                 // a phrase that alone says "AI policy": AI Act, 인공지능 기본법
	kindNegative               // evidence against: earnings, launches, employees' rules
	kindFacet                  // labels a facet only; adds nothing to the score
	kindIgnore                 // masks matches inside it: "bill gates", "insurance policy"
	kindCue                    // evidence only a model weighs: the kind of event, who the subject is
	numKinds
)

var kindNames = [numKinds]string{"ai", "actor", "instrument", "action", "strong", "negative", "facet", "ignore", "cue"}

func parseKind(s string) (kind, bool) {
	for i, n := range kindNames {
		if n == s {
			return kind(i), true
		}
	}
	return 0, false
}

func (k kind) String() string { return kindNames[k] }

// Classifier is a compiled profile. It is immutable, so Classify is safe for
// concurrent use.
type Classifier struct {
	profile *Profile
	fields  [numFields]float64
	groups  []cgroup
	terms   []cterm
	rules   []crule
	disamb  []string // names, indexed like the bits of cterm.dropBy / contextOf

	prox struct {
		window int
		bonus  float64
		with   [numKinds]bool
	}
	enum struct {
		kinds    [numKinds]bool
		minItems int
		factor   float64
	}
	newsletter []bool // by group: its terms open a newsletter's headline

	model *cmodel // nil: the rules decide

	matcher    *matcher // all patterns, case-folded; nil when there are none
	hasKind    [numKinds]bool
	maxTermLen int // longest pattern in bytes, bounds the containment scan
}

type cgroup struct {
	name   string
	label  string // plain words for readers; "" means name
	kind   kind
	weight float64
	max    float64
	facet  string
	// weak: capped below every need_min a rule asks of its kind, so it can
	// add evidence but never stand for its kind alone; it earns no
	// proximity bonus either ("China's AI start-ups" is not policy).
	weak bool
}

// cterm is one term of one group, or a disambiguation context term
// (group < 0).
type cterm struct {
	text      string // as written in the profile, for reasons
	group     int
	leftWord  bool // first rune is a word rune: must start a word
	rightWord bool // last rune is a word rune and no "*": must end a word
	dropBy    uint64
	contextOf uint64
}

type crule struct {
	name     string
	need     []kind
	needMin  float64
	minScore float64
}

// matcher is one Aho–Corasick automaton and, per pattern, the terms it stands
// for (a pattern is shared when two groups list the same term).
type matcher struct {
	ac    *automaton
	pats  []string
	terms [][]patTerm
}

// patTerm is a term a pattern stands for; exact is the case-kept form a
// case-sensitive term must have in the text, "" for the others.
type patTerm struct {
	id    int32
	exact string
}

const (
	fieldTitle = iota
	fieldSummary
	fieldContent
	numFields
)

var fieldNames = [numFields]string{"title", "summary", "content"}

// maxVariantSpaces bounds the optional-space positions expanded per term
// (2^n patterns).
const maxVariantSpaces = 4

// Compile validates p and builds a Classifier. All problems found are
// returned together, each a *ProfileError, joined with errors.Join.
func Compile(p *Profile) (*Classifier, error) {
	if p == nil {
		return nil, &ProfileError{Path: "topic", Msg: "no profile"}
	}
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, &ProfileError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	c := &Classifier{profile: p}
	if p.Model != nil && len(p.Groups) == 0 && p.Fields == (Fields{}) {
		// A [topic.model] table alone (what topic train once wrote): its weights
		// name groups this file does not have; one error says what is missing.
		return nil, &ProfileError{Path: "topic", Msg: "this profile has a [topic.model] and nothing else: a topic profile is a whole " +
			"[topic] table, with its fields, groups and rules (gleaner topic show prints the one in effect; gleaner topic train " +
			"writes one with its model)"}
	}

	c.fields = [numFields]float64{p.Fields.Title, p.Fields.Summary, p.Fields.Content}
	allZero := true
	for i, w := range c.fields {
		if w < 0 || math.IsNaN(w) || math.IsInf(w, 0) {
			bad("topic.fields."+fieldNames[i], "weight must be a finite number >= 0, got %v", w)
		}
		if w > 0 {
			allZero = false
		}
	}
	if allZero {
		bad("topic.fields", "at least one field weight must be > 0")
	}

	// Groups and their terms. Every pattern goes into one automaton over
	// case-folded text; a case-sensitive term is found by its folded form
	// and then checked against the case-kept text at the same offsets.
	patIndex := map[string]int{}
	var pats []string
	var patTerms [][]patTerm
	addPatterns := func(variants []string, cased bool, id int) {
		for _, v := range variants {
			key, exact := v, ""
			if cased {
				key, exact = string(appendLower(nil, []byte(v))), v
			}
			i, ok := patIndex[key]
			if !ok {
				i = len(pats)
				pats = append(pats, key)
				patTerms = append(patTerms, nil)
				patIndex[key] = i
			}
			pt := patTerm{id: int32(id), exact: exact}
			if !slices.Contains(patTerms[i], pt) {
				patTerms[i] = append(patTerms[i], pt)
			}
		}
	}
	// byText finds group terms by their normalised form, for Drop.
	byText := map[string][]int{}
	names := map[string]int{}
	badKind := false
	for gi, g := range p.Groups {
		path := fmt.Sprintf("topic.group[%d]", gi)
		if strings.TrimSpace(g.Name) == "" {
			bad(path+".name", "empty group name")
		} else if prev, dup := names[g.Name]; dup {
			bad(path+".name", "duplicate group name %q (also topic.group[%d])", g.Name, prev)
		} else {
			names[g.Name] = gi
		}
		k, ok := parseKind(g.Kind)
		if !ok {
			bad(path+".kind", "unknown kind %q (want one of %s)", g.Kind, strings.Join(kindNames[:], ", "))
			badKind = true
		}
		switch {
		case math.IsNaN(g.Weight) || math.IsInf(g.Weight, 0):
			bad(path+".weight", "weight must be finite")
		case !ok:
		case p.Model != nil && g.Weight == 0:
			// The model's weights decide; a group's own weight may be left out.
		case k == kindCue && g.Weight != 0:
			bad(path+".weight", "a cue group is weighed only by [topic.model]; its weight must be 0, got %v", g.Weight)
		case k == kindNegative && g.Weight >= 0:
			bad(path+".weight", "a negative group needs a weight < 0, got %v", g.Weight)
		case (k == kindFacet || k == kindIgnore) && g.Weight != 0:
			bad(path+".weight", "a %s group adds nothing to the score; its weight must be 0, got %v", k, g.Weight)
		case k != kindNegative && k != kindFacet && k != kindIgnore && k != kindCue && g.Weight <= 0:
			bad(path+".weight", "weight must be > 0, got %v", g.Weight)
		}
		if g.Max < 0 || math.IsNaN(g.Max) {
			bad(path+".max", "max must be >= 0 (0 means no cap), got %v", g.Max)
		}
		if g.Facet != "" && !isSlug(g.Facet) {
			bad(path+".facet", "facet %q must be a lowercase slug (a-z, 0-9, -)", g.Facet)
		}
		if len(g.Terms) == 0 {
			bad(path+".terms", "no terms")
		}
		c.groups = append(c.groups, cgroup{name: g.Name, label: strings.TrimSpace(g.Label), kind: k, weight: g.Weight, max: g.Max, facet: g.Facet})
		if ok {
			c.hasKind[k] = true
		}
		seen := map[string]int{}
		for ti, t := range g.Terms {
			tpath := fmt.Sprintf("%s.terms[%d]", path, ti)
			ct, variants, msg := compileTerm(t, g.MatchCase)
			if msg != "" {
				bad(tpath, "%s", msg)
				continue
			}
			key := variants[0]
			if prev, dup := seen[key]; dup {
				bad(tpath, "duplicate term %q (same as terms[%d])", t, prev)
				continue
			}
			seen[key] = ti
			ct.group = gi
			id := len(c.terms)
			c.terms = append(c.terms, ct)
			addPatterns(variants, g.MatchCase, id)
			byText[dropKey(t)] = append(byText[dropKey(t)], id)
		}
	}

	// Disambiguations: context terms are matched like any term but belong to
	// no group.
	if len(p.Disambiguate) > 64 {
		bad("topic.disambiguate", "at most 64 disambiguations, got %d", len(p.Disambiguate))
	}
	dnames := map[string]int{}
	for di, d := range p.Disambiguate {
		if di >= 64 {
			break
		}
		path := fmt.Sprintf("topic.disambiguate[%d]", di)
		if strings.TrimSpace(d.Name) == "" {
			bad(path+".name", "empty name")
		} else if prev, dup := dnames[d.Name]; dup {
			bad(path+".name", "duplicate name %q (also topic.disambiguate[%d])", d.Name, prev)
		} else {
			dnames[d.Name] = di
		}
		c.disamb = append(c.disamb, d.Name)
		bit := uint64(1) << uint(di)
		if len(d.When) == 0 {
			bad(path+".when", "no context terms")
		}
		for wi, t := range d.When {
			ct, variants, msg := compileTerm(t, false)
			if msg != "" {
				bad(fmt.Sprintf("%s.when[%d]", path, wi), "%s", msg)
				continue
			}
			ct.group = -1
			ct.contextOf = bit
			id := len(c.terms)
			c.terms = append(c.terms, ct)
			addPatterns(variants, false, id)
		}
		if len(d.Drop) == 0 {
			bad(path+".drop", "no terms to drop")
		}
		for ri, t := range d.Drop {
			ids, ok := byText[dropKey(t)]
			if !ok {
				bad(fmt.Sprintf("%s.drop[%d]", path, ri), "%q is not a term of any group", t)
				continue
			}
			for _, id := range ids {
				c.terms[id].dropBy |= bit
			}
		}
	}

	// Proximity and enumeration.
	if p.Proximity.Window < 0 {
		bad("topic.proximity.window", "window must be >= 0, got %d", p.Proximity.Window)
	}
	if p.Proximity.Bonus < 0 || math.IsNaN(p.Proximity.Bonus) || math.IsInf(p.Proximity.Bonus, 0) {
		bad("topic.proximity.bonus", "bonus must be a finite number >= 0, got %v", p.Proximity.Bonus)
	}
	c.prox.window, c.prox.bonus = p.Proximity.Window, p.Proximity.Bonus
	for i, s := range p.Proximity.With {
		k, ok := parseKind(s)
		if !ok {
			bad(fmt.Sprintf("topic.proximity.with[%d]", i), "unknown kind %q", s)
			continue
		}
		c.prox.with[k] = true
	}
	e := p.Enumeration
	for i, s := range e.Kinds {
		k, ok := parseKind(s)
		if !ok {
			bad(fmt.Sprintf("topic.enumeration.kinds[%d]", i), "unknown kind %q", s)
			continue
		}
		c.enum.kinds[k] = true
	}
	if len(e.Kinds) > 0 {
		if e.MinItems < 2 {
			bad("topic.enumeration.min_items", "min_items must be >= 2, got %d", e.MinItems)
		}
		if e.Factor < 0 || e.Factor > 1 || math.IsNaN(e.Factor) {
			bad("topic.enumeration.factor", "factor must be between 0 and 1, got %v", e.Factor)
		}
	}
	c.enum.minItems, c.enum.factor = e.MinItems, e.Factor
	for i, name := range p.Newsletter.Groups {
		gi, ok := names[name]
		if !ok {
			bad(fmt.Sprintf("topic.newsletter.groups[%d]", i), "unknown group %q", name)
			continue
		}
		if c.newsletter == nil {
			c.newsletter = make([]bool, len(p.Groups))
		}
		c.newsletter[gi] = true
	}

	// Rules, or the model that replaces them.
	if len(p.Rules) == 0 && p.Model == nil {
		bad("topic.rule", "no rules and no [topic.model]: nothing could ever match")
	}
	if p.Model != nil {
		c.model = c.compileModel(p.Model, bad)
	}
	rnames := map[string]int{}
	for ri, r := range p.Rules {
		path := fmt.Sprintf("topic.rule[%d]", ri)
		if strings.TrimSpace(r.Name) == "" {
			bad(path+".name", "empty rule name")
		} else if prev, dup := rnames[r.Name]; dup {
			bad(path+".name", "duplicate rule name %q (also topic.rule[%d])", r.Name, prev)
		} else {
			rnames[r.Name] = ri
		}
		cr := crule{name: r.Name, needMin: r.NeedMin, minScore: r.MinScore}
		if len(r.Need) == 0 {
			bad(path+".need", "a rule needs at least one kind")
		}
		for ni, s := range r.Need {
			k, ok := parseKind(s)
			switch {
			case !ok:
				bad(fmt.Sprintf("%s.need[%d]", path, ni), "unknown kind %q", s)
			case k == kindNegative || k == kindFacet || k == kindIgnore || k == kindCue:
				bad(fmt.Sprintf("%s.need[%d]", path, ni), "kind %q cannot be needed", s)
			case !c.hasKind[k] && !badKind: // else the kind error said it already
				bad(fmt.Sprintf("%s.need[%d]", path, ni), "no group has kind %q", s)
			case c.hasKind[k]:
				cr.need = append(cr.need, k)
			}
		}
		if r.NeedMin < 0 || math.IsNaN(r.NeedMin) {
			bad(path+".need_min", "need_min must be >= 0, got %v", r.NeedMin)
		}
		if r.MinScore < 0 || math.IsNaN(r.MinScore) {
			bad(path+".min_score", "min_score must be >= 0, got %v", r.MinScore)
		}
		c.rules = append(c.rules, cr)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	// A group is weak when its cap is below the need_min of every rule
	// that needs its kind (and some rule does).
	for gi := range c.groups {
		g := &c.groups[gi]
		if g.max <= 0 {
			continue
		}
		needed, reachable := false, false
		for _, r := range c.rules {
			if !slices.Contains(r.need, g.kind) {
				continue
			}
			needed = true
			if g.max >= r.needMin {
				reachable = true
			}
		}
		g.weak = needed && !reachable
	}

	for _, pat := range pats {
		c.maxTermLen = max(c.maxTermLen, len(pat))
	}
	c.matcher = buildMatcher(pats, patTerms)
	return c, nil
}

func buildMatcher(pats []string, terms [][]patTerm) *matcher {
	if len(pats) == 0 {
		return nil
	}
	// The automaton reports every occurrence of every pattern (overlapping
	// search), without allocating per match. Word edges are checked
	// afterwards: they depend on runes, not bytes (a Hangul byte is not a
	// letter).
	return &matcher{ac: newAutomaton(pats), pats: pats, terms: terms}
}

// compileTerm normalises a term and expands its optional spaces. It returns
// the term, its patterns (the first is the canonical form) or a message
// saying why the term is unusable.
func compileTerm(raw string, matchCase bool) (cterm, []string, string) {
	t := raw
	prefix := false
	if strings.HasSuffix(strings.TrimSpace(t), "*") {
		prefix = true
		t = strings.TrimSuffix(strings.TrimSpace(t), "*")
	}
	n := string(normalize(nil, t, matchCase))
	n = strings.TrimSpace(n)
	if n == "" {
		if strings.TrimSpace(raw) == "" {
			return cterm{}, nil, "empty term"
		}
		return cterm{}, nil, fmt.Sprintf("term %q is empty after normalisation", raw)
	}
	if strings.ContainsRune(n, '*') {
		return cterm{}, nil, fmt.Sprintf("term %q: '*' is only allowed at the end", raw)
	}
	first, _ := utf8.DecodeRuneInString(n)
	last, _ := utf8.DecodeLastRuneInString(n)
	ct := cterm{text: strings.TrimSpace(raw), leftWord: isWordRune(first), rightWord: isWordRune(last) && !prefix}
	variants := spaceVariants(n)
	// English nouns in -y pluralise as -ies ("policy", "strategy",
	// "agency"); the generic "s"/"es" check cannot see that.
	if ct.rightWord && len(n) > 3 && strings.HasSuffix(n, "y") && !strings.ContainsRune("aeiou", rune(n[len(n)-2])) {
		for _, v := range variants {
			variants = append(variants, v[:len(v)-1]+"ies")
		}
	}
	return ct, variants, ""
}

// spaceVariants returns s and the forms with its optional spaces toggled. A
// space is optional where it touches Hangul ("인공지능 기본법" and
// "인공지능기본법", "AI 반도체" and "AI반도체"), and a space may be inserted
// where Hangul meets another script without one ("AI기본법", "AI 기본법").
func spaceVariants(s string) []string {
	runes := []rune(s)
	type slot struct {
		at    int  // index in runes
		space bool // runes[at] is a space (else: a gap before runes[at])
	}
	var slots []slot
	for i := 1; i < len(runes); i++ {
		prev, cur := runes[i-1], runes[i]
		if cur == ' ' && i+1 < len(runes) && (isHangul(prev) || isHangul(runes[i+1])) {
			slots = append(slots, slot{i, true})
			continue
		}
		if cur != ' ' && prev != ' ' && isHangul(prev) != isHangul(cur) && (isWordRune(prev) || isWordRune(cur)) {
			slots = append(slots, slot{i, false})
		}
	}
	if len(slots) > maxVariantSpaces {
		slots = slots[:maxVariantSpaces]
	}
	out := make([]string, 0, 1<<len(slots))
	for mask := 0; mask < 1<<len(slots); mask++ {
		var b strings.Builder
		si := 0
		for i, r := range runes {
			if si < len(slots) && slots[si].at == i {
				on := mask&(1<<si) != 0
				si++
				if slots[si-1].space {
					if on {
						continue // drop the space
					}
				} else if on {
					b.WriteByte(' ')
				}
			}
			b.WriteRune(r)
		}
		out = append(out, b.String())
	}
	return out
}

// dropKey is how Drop entries are compared with group terms.
func dropKey(s string) string {
	return strings.TrimSpace(string(normalize(nil, s, false)))
}

func isSlug(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return s != "" && s[0] != '-' && s[len(s)-1] != '-'
}

// Profile returns the profile c was compiled from.
func (c *Classifier) Profile() *Profile { return c.profile }
