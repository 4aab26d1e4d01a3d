package topic

import (
	"bytes"
	_ "embed"
	"fmt"

	"github.com/pelletier/go-toml/v2"
)

// Profile is the user-editable definition of the topic, the value of the
// [topic] table of gleaner.toml. Every key is optional in the sense that a
// zero value means "use the built-in default" only where that is documented;
// the groups, rules and disambiguations are taken as written.
type Profile struct {
	// Fields weighs where a term was found: a headline says what an item is
	// about, a lead sentence less so, the body least.
	Fields Fields `toml:"fields"`
	// Proximity rewards an AI term standing close to a policy term.
	Proximity Proximity `toml:"proximity"`
	// Enumeration discounts an AI term that is one item of a list
	// ("드론·AI·바이오", "housing, energy, AI and banking").
	Enumeration Enumeration `toml:"enumeration"`
	// Newsletter keeps only the first story of a newsletter's headline ("The Download:
	// OpenAI's new model, and the EU AI Act").
	Newsletter Newsletter `toml:"newsletter"`
	// Groups are the weighted concept lists.
	Groups []Group `toml:"group"`
	// Rules decide: an item matches when any rule holds.
	Rules []Rule `toml:"rule"`
	// Disambiguate drops terms whose meaning another word in the item reveals
	// (Korean "AI" next to 조류인플루엔자 is avian influenza).
	Disambiguate []Disambiguation `toml:"disambiguate"`
	// Model, when present, decides instead of the rules: see Model.
	Model *Model `toml:"model,omitempty"`
}

// Fields holds the weight of each field of a Doc.
type Fields struct {
	Title   float64 `toml:"title"`
	Summary float64 `toml:"summary"`
	Content float64 `toml:"content"`
}

// Proximity adds Bonus (times the field weight, once per field) when a term of
// kind "ai" and a term of one of the kinds in With stand within Window
// characters of each other in the same field.
type Proximity struct {
	Window int      `toml:"window"`
	Bonus  float64  `toml:"bonus"`
	With   []string `toml:"with"`
}

// Enumeration multiplies the weight of a term of one of Kinds by Factor when
// the term is one item of a list of at least MinItems items joined by "·",
// ",", "/" or "and"/"or" (a trailing "등"/"etc" counts as an item).
type Enumeration struct {
	Kinds    []string `toml:"kinds"`
	MinItems int      `toml:"min_items"`
	Factor   float64  `toml:"factor"`
}

// Newsletter: a headline that opens with a term of one of Groups before a colon or a
// closing bracket ("The Download: …", "[AI 주간 브리핑] …") lists a newsletter's stories, and
// only its first story counts: the terms after the first separator between stories (", and",
// ";", "|", "/", or the first comma of a list of three or more) are set aside.
type Newsletter struct {
	Groups []string `toml:"groups"`
}

// Group is a named list of terms of one kind with one weight.
//
// Terms are matched on normalised text (NFKC, lower case unless MatchCase,
// hyphens as spaces). A term edge that is a Latin letter or digit must be a
// word edge ("ai" does not match "said", "Thailand" or "x.ai"); an English
// term also matches its "s"/"es" plural and possessive, and a trailing "*"
// makes it a prefix ("regulat*"). Hangul edges match inside words, since
// particles attach (정부의, 초거대AI가), and a space between Hangul and
// another script or between two Hangul words is optional ("AI 기본법" also
// matches "AI기본법").
type Group struct {
	Name string `toml:"name"`
	// Label names the evidence in plain words for readers ("public funding"),
	// in the note of each published entry; empty means Name.
	Label string `toml:"label,omitempty"`
	// Kind is one of: ai, actor, instrument, action, strong, negative, facet,
	// ignore, cue. See DefaultTOML for what each kind does.
	Kind string `toml:"kind"`
	// Weight is what each distinct term found in a field adds, times the
	// field weight, when the rules decide. Negative only for kind "negative";
	// zero for "facet", "ignore" and "cue". With a Model it may be left out.
	Weight float64 `toml:"weight"`
	// Max caps the group's total contribution; 0 means no cap.
	Max float64 `toml:"max,omitempty"`
	// Facet is the slug reported in Result.Facets when the group matched.
	Facet     string   `toml:"facet,omitempty"`
	MatchCase bool     `toml:"match_case,omitempty"`
	Terms     []string `toml:"terms,multiline"`
}

// Rule is one way to match: every kind in Need scores at least NeedMin, and
// the item's total score is at least MinScore.
type Rule struct {
	Name     string   `toml:"name"`
	Need     []string `toml:"need"`
	NeedMin  float64  `toml:"need_min"`
	MinScore float64  `toml:"min_score"`
}

// Disambiguation drops the terms in Drop, wherever they are in the item, when
// any of the context terms in When occurs anywhere in it.
type Disambiguation struct {
	Name string   `toml:"name"`
	When []string `toml:"when,multiline"`
	Drop []string `toml:"drop"`
}

//go:embed default.toml
var defaultTOML []byte

// DefaultTOML returns the built-in profile as a commented [topic] table, in the
// form a user pastes into gleaner.toml.
func DefaultTOML() []byte {
	return bytes.Clone(defaultTOML)
}

// file is the shape of a TOML document holding only the [topic] table.
type file struct {
	Topic *Profile `toml:"topic"`
}

// Default returns the built-in profile decoded from DefaultTOML. The tests
// decode and compile it, so it cannot fail at run time.
func Default() *Profile {
	p, err := DecodeTOML(defaultTOML)
	if err != nil {
		panic("topic: built-in profile: " + err.Error())
	}
	return p
}

// DecodeTOML strictly decodes a document whose [topic] table is a profile
// (unknown keys are errors), as gleaner.toml's config loader does.
func DecodeTOML(data []byte) (*Profile, error) {
	var f file
	dec := toml.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("topic: decode profile: %w", err)
	}
	if f.Topic == nil {
		return nil, fmt.Errorf("topic: decode profile: no [topic] table")
	}
	return f.Topic, nil
}

// MarshalTOML renders the profile as a [topic] table (for `gleaner topic
// show`). Comments are not kept; DecodeTOML of the result gives p back.
func (p *Profile) MarshalTOML() ([]byte, error) {
	var buf bytes.Buffer
	enc := toml.NewEncoder(&buf)
	enc.SetIndentTables(false)
	enc.SetArraysMultiline(false)
	if err := enc.Encode(file{Topic: p}); err != nil {
		return nil, fmt.Errorf("topic: encode profile: %w", err)
	}
	return buf.Bytes(), nil
}
