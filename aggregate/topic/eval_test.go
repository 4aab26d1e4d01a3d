package topic

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
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
// set: what the built-in model reaches minus a small margin, so that a
// regression fails.
//
// The real-* sets are real headlines and leads collected from news sites and
// the real feeds in ../shared/corpus/real (each item names its url), labelled
// by ../shared/TOPIC.md; a third of them, chosen by a hash of the id, is
// held out (real-*-holdout.jsonl): never trained or tuned on, measured once
// per change. The model is trained on the files train.txt lists (the real
// dev parts and the project's own sets dev, fresh and fresh2).
//
// The own sets were written by the project to the earlier rule-based
// profile and stay as regression guards: holdout.jsonl and fresh3.jsonl are
// not trained on. Their floors sit just under what the built-in model scores
// now. As the real sets grew (by 946 items, then by 667) and eleven labels
// were corrected by TOPIC.md, items scoring near zero crossed over, and
// floors followed them: fresh3 0.84 -> 0.82 (English recall 20 of 24),
// fresh 0.87 -> 0.82 (English recall 24 of 29). Over the same changes, real
// held-out F1 rose from 0.832 to 0.858 in English and from 0.868 to 0.893 in
// Korean. The commits name the items that moved. A sixth collection (239 items,
// the natural mix of a search for AI with public actors) scored 0.765/0.881 in
// English and 0.826/0.826 in Korean before it joined; with it real-en-dev's
// recall is 0.893, and its floor went 0.90 -> 0.88. A seventh collection
// (448 items: a daily AI feed's mix, and hard borderline cases: officials'
// remarks, surveys, public bodies using AI) scored 0.783/0.904 in English and
// 0.877/0.887 in Korean before it joined; its held-out third (84 English, 71
// Korean items) then scored 0.766/0.923 and 0.926/0.833, and real-en-holdout
// as a whole 0.840/0.860, so its floor went 0.84 -> 0.82. Words chosen on the
// development part's cross-validation errors then brought it to 0.857/0.860, and the
// floor back to 0.84. An eighth collection (260 items, the natural mix of an AI news
// feed, about a third in) scored 0.696/0.941 in English and 0.830/0.951 in Korean before
// it joined; with its held-out third real-en-holdout is 0.840/0.879, and the floor
// 0.82. A tenth collection (394 English items, 336 Korean: the natural mix again, hard
// borderline cases, and officials' remarks and public bodies using AI with the measures
// that look like them) scored 0.698/0.835 and 0.799/0.804 before it joined; with it, and
// the model retrained, real-en-dev is 0.861/0.919 and real-en-holdout 0.814/0.883 (the
// items held out before it: 0.831/0.890, against 0.835/0.883 with the model before), so
// their floors are 0.85 and 0.80. Words chosen on its cross-validation errors then took
// real-en-dev to 0.879/0.929 and real-en-holdout to 0.817/0.888 (real-ko-holdout
// 0.872/0.872), and the floors to 0.87, 0.81 and 0.85. An eleventh collection (253 items,
// the natural mix) scored 0.850/0.829 and 0.719/0.885 before it joined; with it the sets
// are 0.879/0.925 and 0.907/0.950 (development), 0.818/0.889 and 0.865/0.865 (held out).
// A twelfth collection is the reports of testdata/stories, labelled by TOPIC.md where the
// labeller was sure (1147 of 1467 new items; on the 232 already in these sets the labels
// agreed with 229): policy events, four in five of them in. Before it joined it scored
// 0.989/0.952 in English and 0.993/0.906 in Korean. The story-holdout reports and a third
// of the story-dev events (by a hash of the event) joined the held-out sets, so that no
// event is on both sides. With it, and headline-only copies in training (see
// TestHeadlineOnlyFloors), the sets are 0.908/0.931 and 0.928/0.943 (development),
// 0.886/0.926 and 0.919/0.905 (held out; the items held out before it 0.828/0.905 and
// 0.863/0.884), and the floors rose with the easier items: 0.90, 0.92, 0.88, 0.90.
// A thirteenth collection (130 English, 130 Korean: the natural mix by new words of the
// day) scored 0.618/0.568 and 0.750/0.750 before it joined (0.629/0.595 and 0.743/0.722
// with the model of the session before): public bodies using AI (7 of 8 English ones
// kept) and policy older than the sets (a 2017 ruling on DeepMind's NHS trial). Its
// held-out third (48 English items, 0.41 precision) took real-en-holdout to 0.875/0.919
// and its floor to 0.87; the items held out before it stayed at 0.829/0.899.
// A fourteenth collection (264 English, 234 Korean: the natural mix by new words of the
// day, and what a search for AI with a public actor brings back, half of it public
// bodies using AI) scored 0.816/0.886 and 0.718/0.850 (English), 0.839/0.897 and
// 0.686/0.814 (Korean) before it joined. With it (and the AI words chosen after it) the
// sets are 0.899/0.929 and 0.916/0.943 (development), 0.868/0.917 and 0.905/0.910 (held
// out), so the floors are 0.89, 0.91 and 0.86: the items that were in the sets before it
// score as they did (held out: 0.875/0.922 and 0.915/0.905, against 0.875/0.921 and
// 0.916/0.905 with the model before it), and its held-out third scores 0.730/0.818 and
// 0.757/1.000. A fifteenth (131 English, 96 Korean: the natural mix) scored 0.852/0.780
// and 0.842/0.842 with that model; with every country as a weak government actor and the
// collection joined, the sets are 0.897/0.921 and 0.912/0.943 (development), 0.867/0.914
// and 0.907/0.906 (held out), above the same floors. A sixteenth (130 English items of
// the natural mix; 66 Korean ones of the kinds the issue names as hard: offices opened
// with promises to the government, chambers' wish lists, company AI rules, public
// bodies buying or using AI) scored 0.936/0.846 and 0.656/0.875 before it joined. With
// it (and Korean names of heads of government, Air India's code, glosses in lists) the
// sets are 0.903/0.921 and 0.908/0.943 (development), 0.867/0.918 and 0.913/0.910 (held out);
// real-ko-dev's floor goes 0.91 -> 0.90 for the hard Korean items in it: without them it
// is 0.915/0.945. A seventeenth (46 English, 58 Korean items gathered in the thirteenth
// session, half of the out ones of the hard kinds) joined the held-out sets whole, with no
// retraining: it scored 0.826/1.000 and 0.840/0.875, and the held-out sets are 0.866/0.920
// and 0.910/0.909, above the same floors. An eighteenth (220 English, 214 Korean items
// gathered in the fifteenth session: the natural mix, with the looks-close kinds sought
// out, public bodies using AI above all) scored 0.856/0.899 and 0.810/0.959 before it
// joined, a third of it held out by a hash of the id. With it and the model retrained the
// sets are 0.904/0.922 and 0.905/0.942 (development), 0.865/0.922 and 0.900/0.914 (held
// out; its own third 0.844/0.931 and 0.800/0.973); the items held out before it went from
// 0.866/0.920 to 0.866/0.922 and from 0.910/0.909 to 0.906/0.910. real-ko-holdout's floor
// goes 0.90 -> 0.89 for its harder Korean items (its precision is 0.8999).
var floors = []struct {
	set   string
	floor float64
}{
	{"dev.jsonl", 0.92},
	{"holdout.jsonl", 0.90},
	{"fresh.jsonl", 0.82},
	{"fresh2.jsonl", 0.82},
	{"fresh3.jsonl", 0.82},
	{"real-en-dev.jsonl", 0.89},
	{"real-ko-dev.jsonl", 0.90},
	{"real-en-holdout.jsonl", 0.86},
	{"real-ko-holdout.jsonl", 0.89},
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
			if want := 2 - strings.Count(fl.set, "real-"); len(r.Langs) != want {
				t.Fatalf("want %d language reports, got %d", want, len(r.Langs))
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
		{ID: "2", Lang: "en", Title: "OpenAI launches a new model", Label: false, Kind: "business"},
		{ID: "3", Lang: "en", Title: "Government regulates artificial intelligence", Label: false, Kind: "commentary"},
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
	if want := []KindCount{{"business", 0, 1}, {"commentary", 1, 1}}; !slices.Equal(en.Kinds, want) {
		t.Errorf("en false positives by kind: %v, want %v", en.Kinds, want)
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
	for _, want := range []string{"en: precision 0.500  recall 1.000", "fp 1", "- 3 false positive", "- 4 false negative", "model: ", "en false positives by kind of item labelled out:  business 0/1  commentary 1/1",
		"ko: precision -  recall 0.000  F1 -  (tp 0  fp 0  fn 1  tn 0; 1 items)"} { // no match: no precision
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	// No item labelled in: no recall.
	b.Reset()
	if err := Evaluate(c, items[2:3]).Write(&b); err != nil {
		t.Fatal(err)
	}
	if want := "en: precision 0.000  recall -  F1 -  (tp 0  fp 1  fn 0  tn 0; 1 items)"; !strings.Contains(b.String(), want) {
		t.Errorf("report lacks %q:\n%s", want, b.String())
	}
}

func TestReadLabeled(t *testing.T) {
	in := `{"id":"a","lang":"en","title":"t","label":true,"url":"https://example.org/a"}

{"id":"b","title":"인공지능 기본법 시행","label":false}
{"id":"c","headline":"EU AI Act enters into force","lead":"The law's first rules apply.","label":true}
`
	items, err := ReadLabeled(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 || items[0].ID != "a" || !items[0].Label || items[1].Lang != "ko" ||
		items[2].Title != "EU AI Act enters into force" || items[2].Summary != "The law's first rules apply." {
		t.Fatalf("items: %+v", items)
	}
	// The same as one JSON array over many lines, after a byte-order mark.
	arr := "\xef\xbb\xbf[\n " + strings.Join(strings.Split(strings.TrimSpace(strings.ReplaceAll(in, "\n\n", "\n")), "\n"), ",\n ") + "\n]"
	again, err := ReadLabeled(strings.NewReader(arr))
	if err != nil || !reflect.DeepEqual(again, items) {
		t.Fatalf("as a JSON array: %+v, %v; want %+v", again, err, items)
	}
	bom, err := ReadLabeled(strings.NewReader("\xef\xbb\xbf" + in))
	if err != nil || !reflect.DeepEqual(bom, items) {
		t.Fatalf("after a byte-order mark: %+v, %v", bom, err)
	}
	// Labels as other tools (and gleaner label) write them.
	words, err := ReadLabeled(strings.NewReader(`{"id":"a","title":"x","label":"in"}
{"id":"b","title":"x","label":"OUT"}
{"id":"c","title":"x","label":1}
{"id":"d","title":"x","label":0}
{"id":"e","title":"x","label":"yes"}
{"id":"f","title":"x","label":"irrelevant"}
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []bool
	for _, it := range words {
		got = append(got, it.Label)
	}
	if want := []bool{true, false, true, false, true, false}; !reflect.DeepEqual(got, want) {
		t.Errorf("labels read %v, want %v", got, want)
	}
	ok := "{\"id\":\"a\",\"title\":\"x\",\"label\":true}"
	for _, tc := range []struct{ in, want string }{
		{ok + "\n{\"id\":\"b\",\"title\":", "line 2"},
		{ok + "\n\n{\"id\":\"b\"}", "line 3"},
		{"{\"id\":\"a\",\"titel\":\"x\"}", "line 1"},
		{ok + "\n{\"id\":\"b\",\"title\":\"y\",\"lead\":3}", `line 2: field "lead": want a string`},
		{"[" + ok + ",\n {\"id\":\"b\"}]", "item 2 of the JSON array: no title"},
		{"[" + ok, "not closed"},
		{ok + "\n{\"id\":\"b\",\"title\":\"y\"}", `line 2: missing label: true or "in"`},
		{ok + "\n{\"id\":\"b\",\"title\":\"y\",\"label\":\"maybe\"}", `line 2: label "maybe": want true or "in"`},
		{ok + "\n{\"id\":\"b\",\"title\":\"y\",\"label\":2}", `line 2: label 2: want`},
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

// TestRealSetShape checks the sets of real news against what they are for:
// each item has its provenance and a kind; per language at least 300 items,
// a third of them held out, at least half of the negatives of the kinds that
// look close to policy and at least a quarter of the positives without an
// obvious policy keyword in the headline.
func TestRealSetShape(t *testing.T) {
	kinds := map[string]bool{"policy": true, "policy-nokw": true}
	for _, k := range []string{"business", "public-use", "people", "private-rules", "lawsuit", "not-ai-policy",
		"list", "lookalike-policy", "lookalike-ai", "commentary", "newsletter", "easy"} {
		kinds[k] = false
	}
	ids := map[string]string{}
	for _, lang := range []string{"en", "ko"} {
		var all []Labeled
		held := 0
		for _, part := range []string{"dev", "holdout"} {
			set := "real-" + lang + "-" + part + ".jsonl"
			items := loadSet(t, set)
			raw := rawLines(t, set)
			for i, it := range items {
				if prev, dup := ids[it.ID]; dup {
					t.Errorf("%s: id %s also in %s", set, it.ID, prev)
				}
				ids[it.ID] = set
				if it.Lang != lang {
					t.Errorf("%s %s: lang %q", set, it.ID, it.Lang)
				}
				if pos, ok := kinds[it.Kind]; !ok || pos != it.Label {
					t.Errorf("%s %s: kind %q does not fit label %v", set, it.ID, it.Kind, it.Label)
				}
				if !strings.Contains(raw[i], `"url": "`) || strings.Contains(raw[i], `"url": ""`) {
					t.Errorf("%s %s: no provenance url", set, it.ID)
				}
			}
			if part == "holdout" {
				held = len(items)
			}
			all = append(all, items...)
		}
		var pos, nokw, neg, close int
		for _, it := range all {
			switch {
			case it.Label:
				pos++
				if it.Kind == "policy-nokw" {
					nokw++
				}
			default:
				neg++
				if it.Kind != "easy" {
					close++
				}
			}
		}
		t.Logf("%s: %d items, %d held out; %d in (%d without a keyword), %d out (%d close)", lang, len(all), held, pos, nokw, neg, close)
		if len(all) < 300 {
			t.Errorf("%s: %d real items, want at least 300", lang, len(all))
		}
		if 3*held < len(all) {
			t.Errorf("%s: %d of %d held out, want at least a third", lang, held, len(all))
		}
		if 2*close < neg {
			t.Errorf("%s: %d of %d negatives look close, want at least half", lang, close, neg)
		}
		if 4*nokw < pos {
			t.Errorf("%s: %d of %d positives lack a keyword, want at least a quarter", lang, nokw, pos)
		}
	}
}

// rawLines returns the non-blank lines of a set, as ReadLabeled reads them.
func rawLines(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "topic", name))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// headlineOnly is items stripped to their headlines, as a feed that sends no
// description gives them.
func headlineOnly(items []Labeled) []Labeled {
	out := make([]Labeled, len(items))
	for i, it := range items {
		out[i] = Labeled{ID: it.ID, Lang: it.Lang, Title: it.Title, Label: it.Label, Kind: it.Kind}
	}
	return out
}

// headlineOnlyFloor is the least precision and recall the built-in model keeps on the
// real held-out items stripped to their headlines. Trained on items with leads only, it
// kept 0.950 / 0.660 in English and 0.944 / 0.545 in Korean of them; trained also on
// headline-only copies (TrainOptions.HeadlineOnly 0.5), 0.866 / 0.855 and 0.880 / 0.797,
// with the full items unchanged or better (F1 0.899 -> 0.905 and 0.909 -> 0.912). With
// the thirteenth collection's held-out third and the later words: 0.846 / 0.862 and
// 0.873 / 0.801.
const headlineOnlyFloor = 0.78

func TestHeadlineOnlyFloors(t *testing.T) {
	var items []Labeled
	for _, name := range []string{"real-en-holdout.jsonl", "real-ko-holdout.jsonl"} {
		items = append(items, headlineOnly(loadSet(t, name))...)
	}
	r := Evaluate(mustDefault(t), items)
	if len(r.Langs) != 2 {
		t.Fatalf("want 2 language reports, got %d", len(r.Langs))
	}
	for _, l := range r.Langs {
		t.Logf("headlines only, %s: P %.3f R %.3f F1 %.3f (tp %d fp %d fn %d tn %d)", l.Lang, l.Precision, l.Recall, l.F1, l.TP, l.FP, l.FN, l.TN)
	}
	for _, msg := range belowFloor(r, headlineOnlyFloor) {
		t.Errorf("held-out headlines only: %s", msg)
	}
	if testing.Short() {
		return
	}
	// The floor bites: the same training without headline-only copies falls under it.
	o := DefaultTrainOptions()
	o.HeadlineOnly = 0
	without := Evaluate(trainedClassifier(t, trainingSet(t), o), items)
	for _, l := range without.Langs {
		t.Logf("trained without the copies, %s: P %.3f R %.3f", l.Lang, l.Precision, l.Recall)
	}
	if len(belowFloor(without, headlineOnlyFloor)) != 2 {
		t.Errorf("a model trained without headline-only copies keeps the floor in some language: %+v", without.Langs)
	}
}
