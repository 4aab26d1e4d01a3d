// Package topic owns gleaner's topic filter: it decides whether a news item
// (title, summary, content; Korean or English) is about AI industry policy,
// what governments, legislatures, regulators, courts and public funds do, plan
// or are asked to do about AI, and says why.
//
// The filter is a user-editable Profile, the [topic] table of gleaner.toml,
// compiled into a Classifier. The profile is a set of weighted concept groups
// (AI terms, public actors, public instruments, policy actions, strong
// phrases, negative evidence, look-alike masks, facet labels), field weights,
// a proximity bonus, an enumeration discount, disambiguation rules and
// decision rules. Every term of every group is found with one Aho–Corasick
// pass over each field's text, normalised once (NFKC, case folding,
// hyphens as spaces), so classification is fast and needs no I/O, and every
// decision comes with the terms, fields, weights and rule that made it.
//
// DefaultTOML is the built-in profile, commented, in the form a user copies
// into gleaner.toml. Evaluate and ReadLabeled measure a profile against
// labeled JSON lines (testdata/topic/*.jsonl); the tests keep the built-in
// profile above a floor of precision and recall per language on those sets.
package topic
