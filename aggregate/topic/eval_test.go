package topic

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var showErrors = flag.Bool("topic.errors", false, "print the misclassified items of the evaluation sets")

func loadSet(t testing.TB, name string) []Labeled {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "topic", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	items, err := ReadLabeled(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return items
}

func mustDefault(t testing.TB) *Classifier {
	t.Helper()
	c, err := Compile(Default())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEvalPrint(t *testing.T) {
	c := mustDefault(t)
	for _, set := range []string{"dev.jsonl", "holdout.jsonl", "fresh.jsonl"} {
		r := Evaluate(c, loadSet(t, set))
		t.Logf("== %s", set)
		if *showErrors {
			r.Write(os.Stdout)
		} else {
			for _, l := range r.Langs {
				t.Logf("%s P %.3f R %.3f F1 %.3f tp %d fp %d fn %d tn %d", l.Lang, l.Precision, l.Recall, l.F1, l.TP, l.FP, l.FN, l.TN)
			}
		}
	}
}
