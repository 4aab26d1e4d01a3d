package story

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/gleaner/gleaner/bench/feeds"
)

var update = flag.Bool("update", false, "rewrite the decision goldens in testdata/decisions")

// trace runs docs through an index in the order given, as production does (Find, join the
// match's story or start one, Add), pruning to the window every pruneEvery docs, and writes
// one line per doc: its name, then the name of the member it joined (or "-") with the
// match's score and similarity to the last bit. Two index structures that write the same
// lines make the same groupings on the same evidence.
func trace(docs []Doc, names []string, pruneEvery int) []byte {
	c := DefaultConfig()
	ix := NewIndex(c)
	byID := make(map[int64]string, len(docs))
	var buf bytes.Buffer
	for i, d := range docs {
		byID[d.ID] = names[i]
		if i%pruneEvery == 0 {
			ix.Prune(d.Published.Add(-c.Window))
		}
		sid := d.ID
		if m, ok := ix.Find(d); ok {
			sid = m.StoryID
			fmt.Fprintf(&buf, "%s %s %b %b\n", names[i], byID[m.ItemID], m.Score, m.Similarity)
		} else {
			fmt.Fprintf(&buf, "%s -\n", names[i])
		}
		ix.Add(d, sid)
	}
	return buf.Bytes()
}

// labeledTrace is the trace of a labeled set in published order, with background docs (if
// any) interleaved by their publication time, pruning before every doc as Evaluate does.
func labeledTrace(items []Labeled, background []Doc) []byte {
	var docs []Doc
	var names []string
	for i, it := range items {
		docs = append(docs, labeledDoc(it, i))
		names = append(names, it.ID)
	}
	for i, d := range background {
		d.ID = -int64(i) - 1
		docs = append(docs, d)
		names = append(names, fmt.Sprintf("bg%d", i))
	}
	order := make([]int, len(docs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return docs[a].Published.Compare(docs[b].Published) })
	sd, sn := make([]Doc, len(docs)), make([]string, len(docs))
	for k, i := range order {
		sd[k], sn[k] = docs[i], names[i]
	}
	return trace(sd, sn, 1)
}

// feedDocs returns the first n AI-policy items of the benchmark corpus (bench/feeds) as
// production would see them, in the order they are listed feed by feed: the title, and the
// lead or the article's text as the summary.
func feedDocs(n int) ([]Doc, []string) {
	return corpusDocs(feeds.New(1000, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)), n)
}

// farmDocs is feedDocs of the one-big-story farm (feeds.NewFarm), where every AI-policy
// report is of one event.
func farmDocs(n int) ([]Doc, []string) {
	return corpusDocs(feeds.NewFarm(1000, time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)), n)
}

func corpusDocs(c *feeds.Corpus, n int) ([]Doc, []string) {
	tag := regexp.MustCompile(`<[^>]*>`)
	var docs []Doc
	var names []string
	for i := range c.Len() {
		o := c.Outlet(i)
		for _, it := range c.Items(i, 0) {
			if !it.AIPolicy {
				continue
			}
			sum := it.Lead
			if !o.Full {
				sum = html.UnescapeString(tag.ReplaceAllString(it.Body, " "))
			}
			docs = append(docs, Doc{ID: int64(len(docs) + 1), Title: it.Title, Summary: sum, Published: it.Published})
			names = append(names, fmt.Sprintf("f%d.%d", i, it.Seq))
			if len(docs) == n {
				return docs, names
			}
		}
	}
	return docs, names
}

// TestDecisionsGolden pins every decision the default configuration makes, not only the pair
// counts Evaluate reports: on each labeled set; on the dev set crowded with generated items
// (as TestCrowdedIndex), where lookups reach maxCandidates and maxBucketScan; and on 10,000
// items of the benchmark corpus in the order a cold round sees them. A change to how the
// index stores, orders or filters its members must leave all of them as they are; run with
// -update only for a change that is meant to alter groupings.
func TestDecisionsGolden(t *testing.T) {
	sets := []struct {
		name string
		run  func(t *testing.T) []byte
		long bool // hashed rather than kept whole, and skipped with -short
	}{
		{"dev.jsonl", func(t *testing.T) []byte { return labeledTrace(readSet(t, "dev.jsonl"), nil) }, false},
		{"holdout.jsonl", func(t *testing.T) []byte { return labeledTrace(readSet(t, "holdout.jsonl"), nil) }, false},
		{"fresh.jsonl", func(t *testing.T) []byte { return labeledTrace(readSet(t, "fresh.jsonl"), nil) }, false},
		{"crowded-dev", func(t *testing.T) []byte {
			items := readSet(t, "dev.jsonl")
			return labeledTrace(items, crowd(t, items))
		}, true},
		{"feeds", func(t *testing.T) []byte {
			docs, names := feedDocs(10_000)
			return trace(docs, names, 500)
		}, true},
	}
	for _, s := range sets {
		t.Run(s.name, func(t *testing.T) {
			if s.long && testing.Short() {
				t.Skip("signs thousands of items")
			}
			got := s.run(t)
			path := filepath.Join("testdata", "decisions", s.name+".golden")
			if s.long {
				got = fmt.Appendf(nil, "%d decisions, sha256 %x\n", bytes.Count(got, []byte("\n")), sha256.Sum256(got))
			}
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
				for i := range min(len(gl), len(wl)) {
					if !bytes.Equal(gl[i], wl[i]) {
						t.Fatalf("decision %d differs:\n got  %s\n want %s", i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("%d decisions, want %d", len(gl), len(wl))
			}
		})
	}
}
