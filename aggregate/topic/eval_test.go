package topic

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var showErrors = flag.Bool("topic.errors", false, "print each evaluation set's report, misclassified items included")

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
	return sharedDefault(t)
}

// floors are the least precision and recall each language must keep on each
// set: what the built-in profile reaches minus a small margin. dev.jsonl is
// what the profile was tuned on. holdout.jsonl was written before any tuning,
// fresh.jsonl after the first profile and fresh2.jsonl after the second, each
// to estimate how the profile does on items it was not shaped by; each was
// looked at once measured, so today they are regression guards, and
// fresh2's Korean recall (0.86, on items whose labels are debatable) is why
// its floor is lower. fresh3.jsonl was written after measuring the profile
// on real news (kept outside the repository): headline-and-lead items in the
// style of real Korean and English reports, on other events, with the hard
// negatives real news has (former ministers, crime sentencing, deregulation
// lists, ".ai" domains, government as a mere backdrop). First measured at en
// P 0.76 R 0.92, ko P 0.89 R 1.00; the fixes that followed were general
// (masks, a crime group, list items of several words, lone ".ai"), and it
// guards them: en P 0.92 R 0.96, ko P 0.96 R 1.00.
var floors = []struct {
	set   string
	floor float64
}{
	{"dev.jsonl", 0.96},
	{"holdout.jsonl", 0.94},
	{"fresh.jsonl", 0.94},
	{"fresh2.jsonl", 0.84},
	{"fresh3.jsonl", 0.90},
}

// belowFloor lists the languages of r whose precision or recall is under floor.
func belowFloor(r Report, floor float64) []string {
	var out []string
	for _, l := range r.Langs {
		if l.Precision < floor || l.Recall < floor {
			out = append(out, fmt.Sprintf("%s: precision %.3f recall %.3f < %.2f", l.Lang, l.Precision, l.Recall, floor))
		}
	}
	return out
}

func TestEvaluateFloors(t *testing.T) {
	c := mustDefault(t)
	for _, fl := range floors {
		t.Run(fl.set, func(t *testing.T) {
			items := loadSet(t, fl.set)
			r := Evaluate(c, items)
			if len(r.Langs) != 2 {
				t.Fatalf("want ko and en reports, got %d", len(r.Langs))
			}
			for _, l := range r.Langs {
				t.Logf("%s: P %.3f R %.3f F1 %.3f (tp %d fp %d fn %d tn %d)", l.Lang, l.Precision, l.Recall, l.F1, l.TP, l.FP, l.FN, l.TN)
			}
			if *showErrors {
				var b strings.Builder
				r.Write(&b)
				t.Log("\n" + b.String())
			}
			for _, msg := range belowFloor(r, fl.floor) {
				t.Errorf("%s %s", fl.set, msg)
			}
		})
	}
}

// TestEvaluateFloorsCanFail shows the guard bites: a naive profile ("any AI
// word and any policy word") falls under the dev floor.
func TestEvaluateFloorsCanFail(t *testing.T) {
	naive := &Profile{
		Fields: Fields{Title: 1, Summary: 1},
		Groups: []Group{
			{Name: "ai", Kind: "ai", Weight: 1, Terms: []string{"AI", "artificial intelligence", "인공지능"}},
			{Name: "policy", Kind: "actor", Weight: 1, Terms: []string{"government", "law", "policy", "rules", "정부", "정책", "규제", "법"}},
		},
		Rules: []Rule{{Name: "naive", Need: []string{"ai", "actor"}, MinScore: 1}},
	}
	c, err := Compile(naive)
	if err != nil {
		t.Fatal(err)
	}
	r := Evaluate(c, loadSet(t, "dev.jsonl"))
	if got := belowFloor(r, 0.96); len(got) == 0 {
		t.Fatalf("the naive profile passed the floor; the guard cannot fail: %+v", r.Langs)
	} else {
		t.Logf("naive profile, as expected: %v", got)
	}
}

func TestEvaluateCounts(t *testing.T) {
	c := mustDefault(t)
	items := []Labeled{
		{ID: "1", Lang: "en", Title: "EU lawmakers approve the AI Act", Label: true},
		{ID: "2", Lang: "en", Title: "OpenAI launches a new model", Label: false},
		{ID: "3", Lang: "en", Title: "Government regulates artificial intelligence", Label: false},
		{ID: "4", Lang: "ko", Title: "네이버, 새 AI 모델 공개", Label: true},
	}
	r := Evaluate(c, items)
	en, ok := r.Lang("en")
	if !ok || en.TP != 1 || en.TN != 1 || en.FP != 1 || en.FN != 0 {
		t.Fatalf("en counts: %+v", en)
	}
	if en.Precision != 0.5 || en.Recall != 1 {
		t.Errorf("en precision/recall: %v %v", en.Precision, en.Recall)
	}
	ko, _ := r.Lang("ko")
	if ko.FN != 1 || len(ko.Errors) != 1 || ko.Errors[0].ID != "4" || len(ko.Errors[0].Reasons) == 0 {
		t.Errorf("ko: %+v", ko)
	}
	var b strings.Builder
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"en: precision 0.500  recall 1.000", "fp 1", "- 3 false positive", "- 4 false negative", "rule: "} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestReadLabeled(t *testing.T) {
	in := `{"id":"a","lang":"en","title":"t","label":true,"url":"https://example.org/a"}

{"id":"b","title":"인공지능 기본법 시행","label":false}
`
	items, err := ReadLabeled(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[0].ID != "a" || !items[0].Label || items[1].Lang != "ko" {
		t.Fatalf("items: %+v", items)
	}
	for _, tc := range []struct{ in, want string }{
		{"{\"id\":\"a\",\"title\":\"x\"}\n{\"id\":\"b\",\"title\":", "line 2"},
		{"{\"id\":\"a\",\"title\":\"x\"}\n\n{\"id\":\"b\"}", "line 3"},
		{"{\"id\":\"a\",\"titel\":\"x\"}", "line 1"},
	} {
		_, err := ReadLabeled(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadLabeled(%q) error %v, want it to name %q", tc.in, err, tc.want)
		}
	}
}

func TestDevSetShape(t *testing.T) {
	for _, set := range []string{"dev.jsonl", "holdout.jsonl", "fresh.jsonl", "fresh2.jsonl", "fresh3.jsonl"} {
		items := loadSet(t, set)
		ids := map[string]bool{}
		n := map[string]int{}
		pos := 0
		for _, it := range items {
			if ids[it.ID] {
				t.Errorf("%s: duplicate id %s", set, it.ID)
			}
			ids[it.ID] = true
			n[it.Lang]++
			if it.Label {
				pos++
			}
			if got := DetectLang(it.Title + " " + it.Summary); got != it.Lang {
				t.Errorf("%s %s: lang %s, DetectLang says %s", set, it.ID, it.Lang, got)
			}
		}
		share := float64(pos) / float64(len(items))
		t.Logf("%s: %d items %v, %.0f%% positive", set, len(items), n, 100*share)
		if set == "dev.jsonl" && (n["ko"] < 200 || n["en"] < 200) {
			t.Errorf("dev set needs at least 200 items per language: %v", n)
		}
		if share < 0.3 || share > 0.55 {
			t.Errorf("%s: %.2f positive, want about 0.4", set, share)
		}
	}
}
