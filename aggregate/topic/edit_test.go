package topic

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// TestEditedProfilesClassify: the profile is the user's to edit, so profiles the built-in
// one turns into by edits (three disambiguations and a group of any kind, made of its own
// terms at random, with a fixed seed) classify every real item of the development sets
// without fault. The first version of it found Classify indexing the group of a
// disambiguation's context word (TestDisambiguationContextBesideAI).
func TestEditedProfilesClassify(t *testing.T) {
	var docs []Doc
	for _, name := range []string{"real-en-dev.jsonl", "real-ko-dev.jsonl"} {
		f, err := os.Open(filepath.Join("..", "..", "testdata", "topic", name))
		if err != nil {
			t.Fatal(err)
		}
		items, err := ReadLabeled(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			docs = append(docs, Doc{Title: it.Title, Summary: it.Summary, Content: it.Content})
		}
	}
	var terms []string
	for _, g := range Default().Groups {
		terms = append(terms, g.Terms...)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = terms[rng.IntN(len(terms))]
		}
		return out
	}
	compiled := 0
	for trial := range 40 {
		p := Default()
		for k := range 3 {
			p.Disambiguate = append(p.Disambiguate, Disambiguation{Name: "edit" + string(rune('a'+k)), When: pick(3), Drop: pick(3)})
		}
		g := Group{Name: "edit", Kind: []string{"actor", "instrument", "action", "cue", "negative", "facet", "ignore"}[trial%7], Terms: pick(2)}
		switch g.Kind {
		case "negative":
			g.Weight = -1
		case "facet":
			g.Facet = "edit"
		case "actor", "instrument", "action":
			g.Weight = 1
		}
		p.Groups = append(p.Groups, g)
		c, err := Compile(p)
		if err != nil {
			t.Logf("edit %d does not compile: %v", trial, err)
			continue
		}
		compiled++
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("edit %d (%+v, group %+v): %v", trial, p.Disambiguate[len(p.Disambiguate)-3:], g, r)
				}
			}()
			for _, d := range docs {
				c.Classify(d)
			}
		}()
	}
	if compiled < 30 {
		t.Errorf("only %d of 40 edited profiles compiled: the test reads too few", compiled)
	}
}
