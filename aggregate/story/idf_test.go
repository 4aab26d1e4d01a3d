package story

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var updateIDF = flag.Bool("update-idf", false, "rewrite idf.txt from testdata/topic")

// idfCorpus counts, over the reports of the project's own topic sets in testdata/topic
// (news on the topic, labeled for the topic filter, none of them in the story sets), how many have each feature, and writes the
// table that idf.txt holds.
func idfCorpus(t *testing.T) string {
	// The corpus is a fixed list, so that adding a labelled set for the topic
	// filter does not move every story weight.
	var files []string
	for _, name := range []string{"dev.jsonl", "fresh.jsonl", "fresh2.jsonl", "fresh3.jsonl", "holdout.jsonl"} {
		files = append(files, filepath.Join("..", "..", "testdata", "topic", name))
	}
	df := map[uint64]uint32{}
	docs := 0
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<22)
		for sc.Scan() {
			var it struct{ Title, Summary string }
			if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var sh shingler
			sh.lex = defaultLexicon
			sh.shingle(Doc{Title: it.Title, Summary: it.Summary})
			for _, fs := range [][]feat{sh.out, sh.anchors} {
				for _, f := range fs {
					df[f.h]++
				}
			}
			docs++
		}
		f.Close()
	}
	hs := make([]uint64, 0, len(df))
	for h, n := range df {
		if n > 1 {
			hs = append(hs, h)
		}
	}
	slices.Sort(hs)
	var b strings.Builder
	fmt.Fprintf(&b, "docs %d\n", docs)
	for _, h := range hs {
		fmt.Fprintf(&b, "%016x %d\n", h, df[h])
	}
	return b.String()
}

// TestIDFTable checks that idf.txt is what the corpus gives with today's features: a change
// to how text is read (cleaning, shingling, the lexicon, numbers) must regenerate it, with
// -update-idf, or the weights would belong to features no longer made.
func TestIDFTable(t *testing.T) {
	got := idfCorpus(t)
	if *updateIDF {
		if err := os.WriteFile("idf.txt", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if got != idfText {
		t.Fatal("idf.txt is out of date: run go test ./aggregate/story -run TestIDFTable -update-idf")
	}
}
