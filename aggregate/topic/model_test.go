package topic

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "retrain the built-in model from testdata/topic/train.txt and rewrite default.toml's [topic.model]")

// trainingFiles lists the files testdata/topic/train.txt names: the
// labelled items the built-in model is trained from.
func trainingFiles(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "topic", "train.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if name := strings.TrimSpace(sc.Text()); name != "" && !strings.HasPrefix(name, "#") {
			names = append(names, name)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

// trainingSet reads the items of the files train.txt lists.
func trainingSet(t *testing.T) []Labeled {
	t.Helper()
	var items []Labeled
	for _, name := range trainingFiles(t) {
		items = append(items, loadSet(t, name)...)
	}
	if len(items) == 0 {
		t.Fatal("train.txt lists no items")
	}
	return items
}

// TestBuiltinModelIsTrained checks that the built-in model is what training on
// the repository's files gives: the weights are reproducible, not hand-set.
// With -update it rewrites them.
func TestBuiltinModelIsTrained(t *testing.T) {
	p := Default()
	if p.Model == nil {
		t.Fatal("the built-in profile has no [topic.model]")
	}
	m, st, err := Train(p, trainingSet(t), DefaultTrainOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("trained on %d items (%d with AI evidence, %d in) in %d iterations, log loss %.4f",
		st.Items, st.Gated, st.Positives, st.Iterations, st.LogLoss)
	if *update {
		c := mustDefault(t)
		data := DefaultTOML()
		i := bytes.Index(data, []byte(modelHeader))
		if i < 0 {
			t.Fatalf("default.toml has no %q line", modelHeader)
		}
		j := bytes.Index(data[i:], []byte("[topic.model]"))
		if j < 0 {
			t.Fatal("default.toml has no [topic.model] table")
		}
		out := append(data[:i+j:i+j], c.MarshalModelTOML(m)...)
		if err := os.WriteFile("default.toml", out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	const tol = 0.0015 // weights are rounded to 3 decimals
	if math.Abs(m.Bias-p.Model.Bias) > tol {
		t.Errorf("bias: trained %v, built-in %v", m.Bias, p.Model.Bias)
	}
	for name, w := range m.Weights {
		if math.Abs(w-p.Model.Weights[name]) > tol {
			t.Errorf("%s: trained %v, built-in %v", name, w, p.Model.Weights[name])
		}
	}
	for name, w := range p.Model.Weights {
		if _, ok := m.Weights[name]; !ok {
			t.Errorf("%s: built-in %v, training gives none", name, w)
		}
	}
	if t.Failed() {
		t.Log("the training files or the profile changed: run go test ./aggregate/topic -run TestBuiltinModelIsTrained -update")
	}
}

// modelHeader starts the generated part of default.toml.
const modelHeader = "# ---------------------------------------------------------------- model\n"

func modelProfile(m *Model) *Profile {
	return &Profile{
		Fields:    Fields{Title: 2, Summary: 1, Content: 0.5},
		Proximity: Proximity{Window: 10, With: []string{"actor"}},
		Groups: []Group{
			{Name: "ai", Kind: "ai", Label: "AI", Terms: []string{"AI", "인공지능"}},
			{Name: "gov", Kind: "actor", Label: "government", Terms: []string{"government", "정부"}},
			{Name: "company", Kind: "cue", Terms: []string{"startup", "스타트업"}},
			{Name: "money", Kind: "negative", Terms: []string{"funding round"}},
			{Name: "mask", Kind: "ignore", Terms: []string{"government cheese"}},
		},
		Model: m,
	}
}

func TestModelDecides(t *testing.T) {
	c, err := Compile(modelProfile(&Model{Bias: -1, Weights: map[string]float64{
		"title.ai": 0.5, "title.gov": 1, "head.gov": 0.5, "head.company": -2, "lead.money": -3, "ai+actor": 0.25,
	}}))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		d         Doc
		match     bool
		score     float64
		firstWant string
	}{
		{"government leads", Doc{Title: "Government backs AI plan"}, true, 1.25, "kept: government (government) · AI (AI)"},
		{"korean subject", Doc{Title: "정부, 인공지능 지원"}, true, 1.25, "kept: government (정부) · AI (인공지능)"},
		{"company leads", Doc{Title: "Startup says government likes its AI"}, false, -1.25, "headline subject: company"},
		{"business lead", Doc{Title: "Government AI", Summary: "A funding round closed."}, false, -1.75, "lead: money"},
		{"no AI evidence", Doc{Title: "Government backs plan"}, false, -1, "model: no AI term"},
		{"AI only in the lead", Doc{Title: "Government backs plan", Summary: "An AI plan."}, true, 0.75, "kept: government"},
		{"masked actor", Doc{Title: "AI government cheese"}, false, -0.5, "title: ai"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Classify(tc.d)
			if r.Match != tc.match || math.Abs(r.Score-tc.score) > 1e-9 {
				t.Errorf("match %v score %v, want %v %v; reasons %q", r.Match, r.Score, tc.match, tc.score, r.Reasons)
			}
			if len(r.Reasons) == 0 || !strings.HasPrefix(r.Reasons[0], tc.firstWant) {
				t.Errorf("first reason %q, want prefix %q", r.Reasons, tc.firstWant)
			}
			last := ""
			for _, s := range r.Reasons {
				if strings.HasPrefix(s, "model: ") {
					last = s
				}
			}
			if last == "" {
				t.Errorf("no model decision among %q", r.Reasons)
			}
			if !tc.match && strings.HasPrefix(r.Reasons[0], "kept: ") {
				t.Errorf("a dropped item says it was kept: %q", r.Reasons)
			}
		})
	}
}

// TestNoAIShortcut checks Classify's shortcut for items that name no AI term
// against the whole path (find, then the model) on every labelled set: the
// same decision and nearness for every item, and the shortcut taken only where
// the whole path finds no AI evidence.
func TestNoAIShortcut(t *testing.T) {
	c := sharedDefault(t)
	var short, all int
	for _, set := range []string{"dev.jsonl", "holdout.jsonl", "fresh.jsonl", "fresh2.jsonl", "fresh3.jsonl",
		"real-en-dev.jsonl", "real-ko-dev.jsonl", "real-en-holdout.jsonl", "real-ko-holdout.jsonl", "real-en-slug.jsonl"} {
		for _, it := range loadSet(t, set) {
			d := Doc{Title: it.Title, Summary: it.Summary, Content: it.Content}
			got := c.Classify(d)
			s := new(scratch)
			hits, trig := c.find(s, d)
			want := c.classifyModel(s, hits, trig)
			all++
			shortcut := len(got.Reasons) == 1 && got.Reasons[0] == noAIReason
			if shortcut {
				short++
				if !strings.Contains(strings.Join(want.Reasons, "; "), "no AI evidence") {
					t.Errorf("%s %s: shortcut taken, but the model path found AI evidence: %q", set, it.ID, want.Reasons)
				}
			}
			if got.Match != want.Match || got.Near != want.Near {
				t.Errorf("%s %s: shortcut says match %v near %v, the model path %v %v", set, it.ID, got.Match, got.Near, want.Match, want.Near)
			}
		}
	}
	if short == 0 || short == all {
		t.Errorf("shortcut taken for %d of %d items: the sets should exercise both paths", short, all)
	}
	t.Logf("shortcut taken for %d of %d labelled items", short, all)
}

func TestModelCompileErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    Model
		path string
	}{
		{"unknown feature", Model{Weights: map[string]float64{"title.nope": 1}}, "topic.model.weights.title.nope"},
		{"term of an unknown group", Model{Weights: map[string]float64{"term.nope.AI": 1}}, "topic.model.weights.term.nope.AI"},
		{"head of a non-actor", Model{Weights: map[string]float64{"head.ai": 1}}, "topic.model.weights.head.ai"},
		{"ignore group", Model{Weights: map[string]float64{"title.mask": 1}}, "topic.model.weights.title.mask"},
		{"nan weight", Model{Weights: map[string]float64{"title.ai": math.NaN()}}, "topic.model.weights.title.ai"},
		{"infinite bias", Model{Bias: math.Inf(1)}, "topic.model.bias"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile(modelProfile(&tc.m))
			var pe *ProfileError
			if !errors.As(err, &pe) || pe.Path != tc.path {
				t.Fatalf("error %v, want one at %s", err, tc.path)
			}
		})
	}
	// A weight for a term since taken out of its group is ignored.
	if _, err := Compile(modelProfile(&Model{Weights: map[string]float64{"term.gov.ministry": 1, "term.gov.정부": 0.5}})); err != nil {
		t.Errorf("a stale term weight: %v", err)
	}
	// Without a model, a profile needs rules.
	p := modelProfile(nil)
	for i := range p.Groups {
		if p.Groups[i].Kind == "ai" || p.Groups[i].Kind == "actor" {
			p.Groups[i].Weight = 1
		}
		if p.Groups[i].Kind == "negative" {
			p.Groups[i].Weight = -1
		}
	}
	if _, err := Compile(p); err == nil || !strings.Contains(err.Error(), "topic.rule") {
		t.Errorf("no rules and no model: %v", err)
	}
}

// TestTrainLearns trains on items where the subject decides and checks that
// the weights say so and the model then separates them.
func TestTrainLearns(t *testing.T) {
	var items []Labeled
	for i := range 20 {
		lang := []string{"en", "ko"}[i%2]
		items = append(items,
			Labeled{Lang: lang, Title: "Government sets AI rules", Label: true},
			Labeled{Lang: lang, Title: "정부, 인공지능 지원", Label: true},
			Labeled{Lang: lang, Title: "Startup AI wins government contract", Label: false},
			Labeled{Lang: lang, Title: "스타트업, 정부 인공지능 사업 수주", Label: false},
			Labeled{Lang: lang, Title: "Government AI plan", Summary: "A funding round closed.", Label: false},
		)
	}
	items = append(items, Labeled{Lang: "en", Title: "Weather today", Label: true}) // no AI: never learned from
	m, st, err := Train(modelProfile(nil), items, DefaultTrainOptions())
	if err != nil {
		t.Fatal(err)
	}
	if st.Gated != 100 || st.Positives != 40 {
		t.Errorf("stats %+v, want 100 gated items, 40 positive", st)
	}
	if m.Weights["head.gov"] <= 0 || m.Weights["head.company"] >= 0 || m.Weights["lead.money"] >= 0 {
		t.Errorf("weights %v: want head.gov > 0, head.company < 0, lead.money < 0", m.Weights)
	}
	c, err := Compile(modelProfile(m))
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items[:100] {
		if r := c.Classify(Doc{Title: it.Title, Summary: it.Summary}); r.Match != it.Label {
			t.Errorf("%q: match %v, want %v (%q)", it.Title, r.Match, it.Label, r.Reasons)
		}
	}
	// Deterministic.
	m2, _, _ := Train(modelProfile(nil), items, DefaultTrainOptions())
	if m2.Bias != m.Bias || len(m2.Weights) != len(m.Weights) {
		t.Errorf("two runs differ: %v / %v", m, m2)
	}
	// One class only is an error, not a model.
	if _, _, err := Train(modelProfile(nil), items[:1], DefaultTrainOptions()); err == nil {
		t.Error("training on positives only succeeded")
	}
	// An option out of range is named, and nothing is trained.
	for name, edit := range map[string]func(*TrainOptions){
		"l2":            func(o *TrainOptions) { o.L2 = -1 },
		"term-l2":       func(o *TrainOptions) { o.TermL2 = math.NaN() },
		"headline-only": func(o *TrainOptions) { o.HeadlineOnly = -0.5 },
		"offset":        func(o *TrainOptions) { o.Offset = math.Inf(1) },
	} {
		o := DefaultTrainOptions()
		edit(&o)
		if m, _, err := Train(modelProfile(nil), items, o); err == nil || m != nil || !strings.Contains(err.Error(), name+" must be") {
			t.Errorf("%s out of range: model %v, error %v", name, m, err)
		}
	}
}

func TestSolveSPD(t *testing.T) {
	a := [][]float64{{4, 2, 0}, {2, 5, 1}, {0, 1, 3}}
	want := []float64{1, -2, 3}
	b := make([]float64, 3)
	for i := range a {
		for j := range a {
			b[i] += a[i][j] * want[j]
		}
	}
	got, err := solveSPD(a, b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("x = %v, want %v", got, want)
		}
	}
	if _, err := solveSPD([][]float64{{0}}, []float64{1}); err == nil {
		t.Error("a singular system solved")
	}
}

func TestMarshalModelTOML(t *testing.T) {
	m := &Model{Bias: -1.5, Weights: map[string]float64{"title.ai": 0.5, "ai+actor": 0.25, "head.gov": 1}}
	p := modelProfile(m)
	c, err := Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	out := c.MarshalModelTOML(m)
	want := "[topic.model]\nbias = -1.5\n\n[topic.model.weights]\n\"title.ai\" = 0.5\n\"head.gov\" = 1\n\"ai+actor\" = 0.25\n"
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	back, err := DecodeTOML(append([]byte("[topic]\n"), out...))
	if err != nil {
		t.Fatal(err)
	}
	if back.Model.Bias != m.Bias || len(back.Model.Weights) != 3 || back.Model.Weights["head.gov"] != 1 {
		t.Errorf("round trip: %+v", back.Model)
	}
}

// TestModelUntrainedGroup: a group added after training weighs what its own
// weight says; a removed group's weights can be dropped with it.
func TestModelUntrainedGroup(t *testing.T) {
	m := &Model{Bias: -1, Weights: map[string]float64{"title.ai": 0.5, "title.gov": 1, "lead.money": -3}}
	p := modelProfile(m)
	p.Groups = append(p.Groups, Group{Name: "visa", Kind: "instrument", Weight: 4, Terms: []string{"visa"}})
	c, err := Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Classify(Doc{Title: "AI visa"})
	// -1 + 0.5 (ai) + 0.25*4*2 (visa in the title) + ai+instrument (untrained: 0) = 1.5
	if !r.Match || math.Abs(r.Score-1.5) > 1e-9 || !hasReason(r, `title: visa ("visa") +2.0`) {
		t.Errorf("score %v match %v, reasons %q", r.Score, r.Match, r.Reasons)
	}
	// An untrained strong group matches alone, as under the rules.
	p.Groups = append(p.Groups, Group{Name: "bread", Kind: "strong", Weight: 5, Terms: []string{"bakery"}})
	if c, err = Compile(p); err != nil {
		t.Fatal(err)
	}
	if r := c.Classify(Doc{Title: "Local bakery wins an award"}); !r.Match {
		t.Errorf("an untrained strong phrase alone: %q", r.Reasons)
	}
	m.Weights["leadhead.money"], m.Weights["term.money.funding round"] = -1, -0.5
	without := m.WithoutGroup("money")
	if len(without.Weights) != 2 || without.Weights["title.ai"] != 0.5 || without.Weights["title.gov"] != 1 || m.Weights["lead.money"] != -3 {
		t.Errorf("WithoutGroup: %v (original %v)", without.Weights, m.Weights)
	}
}

var (
	crossValidate = flag.Bool("topic.cv", false, "cross-validate the model on the real development sets (5 folds) and print precision and recall per language")
	cvErrors      = flag.String("topic.cv.errors", "", "with -topic.cv: write each cross-validated error (kind, language, score, text, reasons) to this file")
	cvScores      = flag.String("topic.cv.scores", "", "with -topic.cv: write every cross-validated item's language, label, kind and score to this file, one per line, tab-separated")
)

// TestCrossValidate estimates, without the held-out sets, how the model
// does on items it was not trained on: the real development items in five
// folds, each measured by a model trained on the other four plus the rest of
// train.txt. Run: go test ./aggregate/topic -run TestCrossValidate -topic.cv -v
func TestCrossValidate(t *testing.T) {
	if !*crossValidate {
		t.Skip("cross-validation runs with -topic.cv")
	}
	var fixed, cv []Labeled
	for _, name := range trainingFiles(t) {
		if strings.HasPrefix(name, "real-") && strings.HasSuffix(name, "-dev.jsonl") {
			cv = append(cv, loadSet(t, name)...)
		} else {
			fixed = append(fixed, loadSet(t, name)...)
		}
	}
	const k = 5
	type counts struct{ tp, fp, fn int }
	by := map[string]*counts{}
	var errs, scores strings.Builder
	for fold := range k {
		train := append([]Labeled(nil), fixed...)
		var test []Labeled
		for i, it := range cv {
			if i%k == fold {
				test = append(test, it)
			} else {
				train = append(train, it)
			}
		}
		c := trainedClassifier(t, train, DefaultTrainOptions())
		for _, it := range test {
			r := c.Classify(Doc{Title: it.Title, Summary: it.Summary, Content: it.Content})
			cn := by[it.Lang]
			if cn == nil {
				cn = &counts{}
				by[it.Lang] = cn
			}
			switch {
			case r.Match && it.Label:
				cn.tp++
			case r.Match:
				cn.fp++
			case it.Label:
				cn.fn++
			}
			fmt.Fprintf(&scores, "%s\t%t\t%s\t%.4f\n", it.Lang, it.Label, it.Kind, r.Score)
			if r.Match != it.Label {
				kind := map[bool]string{true: "FP", false: "FN"}[r.Match]
				fmt.Fprintf(&errs, "%s %s %.2f %s\n   %s\n   %s\n   %s\n", kind, it.Lang, r.Score, it.Kind, it.Title, it.Summary, strings.Join(r.Reasons, " | "))
			}
		}
	}
	for _, out := range []struct {
		file string
		text *strings.Builder
	}{{*cvErrors, &errs}, {*cvScores, &scores}} {
		if out.file != "" {
			if err := os.WriteFile(out.file, []byte(out.text.String()), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, lang := range []string{"en", "ko"} {
		cn := by[lang]
		t.Logf("%s: precision %.3f recall %.3f (tp %d fp %d fn %d)", lang,
			float64(cn.tp)/float64(cn.tp+cn.fp), float64(cn.tp)/float64(cn.tp+cn.fn), cn.tp, cn.fp, cn.fn)
	}
}

// TestModelReadsTheBodysOpening: a model weighs the opening of a body; a
// term far into it changes nothing, one near its start does.
func TestModelReadsTheBodysOpening(t *testing.T) {
	c, err := Compile(modelProfile(&Model{Bias: -1, Weights: map[string]float64{"title.ai": 0.5, "lead.gov": 2}}))
	if err != nil {
		t.Fatal(err)
	}
	filler := strings.Repeat("정책 없는 문장입니다. ", 200) // far more than a paragraph
	near := c.Classify(Doc{Title: "AI", Content: "정부가 나섰다. " + filler})
	far := c.Classify(Doc{Title: "AI", Content: filler + "정부가 나섰다."})
	if !near.Match || far.Match {
		t.Errorf("government at the body's start: %v %q; at its end: %v %q", near.Match, near.Reasons, far.Match, far.Reasons)
	}
}

// TestModelsShareScratch: classifiers of different sizes (a profile before
// and after a reload) share the pooled scratch space and must not trip on
// what the other left in it.
func TestModelsShareScratch(t *testing.T) {
	small, err := Compile(modelProfile(&Model{Bias: -1, Weights: map[string]float64{"title.ai": 2}}))
	if err != nil {
		t.Fatal(err)
	}
	big := sharedDefault(t)
	for range 50 {
		big.Classify(Doc{Title: "과기정통부, 초거대AI 지원사업 공모", Summary: "스타트업과 대학이 참여한다."})
		if r := small.Classify(Doc{Title: "AI"}); !r.Match || r.Score != 1 {
			t.Fatalf("the small model after the big one: %v %v", r.Match, r.Score)
		}
	}
}

func TestWithinRunes(t *testing.T) {
	for _, s := range []string{"", "abc", "정부가", "AI 기본법 시행령", strings.Repeat("가", 40), strings.Repeat("a", 40), "a가b나c"} {
		for n := range 45 {
			if got, want := withinRunes([]byte(s), n), utf8.RuneCountInString(s) <= n; got != want {
				t.Errorf("withinRunes(%q, %d) = %v, want %v", s, n, got, want)
			}
		}
	}
}

// trainedClassifier is the built-in profile with a model trained on items with o.
func trainedClassifier(t *testing.T, items []Labeled, o TrainOptions) *Classifier {
	t.Helper()
	p := Default()
	m, _, err := Train(p, items, o)
	if err != nil {
		t.Fatal(err)
	}
	p.Model = m
	c, err := Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPossessiveIsNoSubject: a country that owns something in the headline
// ("China's AI ambitions") is not the headline's subject; a country that acts
// ("China bans ...") is.
func TestPossessiveIsNoSubject(t *testing.T) {
	c := mustDefault(t)
	subject := func(title string) bool {
		for _, r := range c.Classify(Doc{Title: title}).Reasons {
			if strings.HasPrefix(r, "headline subject:") {
				return true
			}
		}
		return false
	}
	for _, title := range []string{"China's AI ambitions grow as data centres spread", "China’s AI ambitions grow as data centres spread"} {
		if subject(title) {
			t.Errorf("%q: the possessive country was read as the headline's subject", title)
		}
	}
	if !subject("China bans AI start-ups from exporting data") {
		t.Error("a country that acts was not read as the headline's subject")
	}
}

// TestAggregatorDescriptionIsNoLead: an item whose description is only what Hacker News or
// Reddit write for every item is judged as a headline-only one (lead.none), as Google
// News's description that repeats the headline is.
func TestAggregatorDescriptionIsNoLead(t *testing.T) {
	c := sharedDefault(t)
	title := "Senate panel advances bill to curb AI chip exports to China"
	alone := c.Classify(Doc{Title: title})
	for _, summary := range []string{
		"Article URL: https://example.com/chips Comments URL: https://news.ycombinator.com/item?id=41234567 Points: 12 # Comments: 3",
		"Comments",
		"submitted by /u/someone [link] [comments]",
	} {
		got := c.Classify(Doc{Title: title, Summary: summary})
		if got.Score != alone.Score || got.Match != alone.Match {
			t.Errorf("description %q: score %v match %v, want the headline alone's %v %v; reasons %q",
				summary, got.Score, got.Match, alone.Score, alone.Match, got.Reasons)
		}
	}
	withLead := c.Classify(Doc{Title: title, Summary: "The Senate Banking Committee voted 18-5 on Tuesday to advance the bill."})
	if withLead.Score == alone.Score {
		t.Errorf("a real lead scores as the headline alone (%v): the test cannot tell them apart", alone.Score)
	}
}

// TestTrailersAreNoLead: what an outlet or its feed software appends to every description
// (a copyright notice, WordPress's "The post … appeared first on …", "Continue reading")
// changes no score: the notice's "금지" (a ban) raised an AI product launch by 2.2.
func TestTrailersAreNoLead(t *testing.T) {
	c := sharedDefault(t)
	for _, tc := range []struct{ title, lead, trailer string }{
		{"삼성전자, 새 AI 스마트폰 공개", "삼성전자가 생성형 AI 기능을 넣은 새 스마트폰을 공개했다.", " <저작권자 © 전자신문, 무단 전재 및 재배포 금지>"},
		{"삼성전자, 새 AI 스마트폰 공개", "삼성전자가 생성형 AI 기능을 넣은 새 스마트폰을 공개했다.", " ⓒ 한경닷컴, 무단전재 및 재배포 금지"},
		{"과기정통부, AI 반도체 지원사업 공고", "과학기술정보통신부는 AI 반도체 실증 지원사업을 공고했다.", " <저작권자(c) 연합뉴스, 무단 전재-재배포 금지>"},
		{"Regulators review the AI Act's code of practice", "The European Commission opened a consultation on the code.",
			" The post Regulators review the AI Act's code of practice appeared first on Policy Tech Review."},
		{"OpenAI launches a new model for coders", "OpenAI released a coding model on Tuesday.",
			" Continue reading OpenAI launches a new model for coders →"},
	} {
		want := c.Classify(Doc{Title: tc.title, Summary: tc.lead})
		got := c.Classify(Doc{Title: tc.title, Summary: tc.lead + tc.trailer})
		if got.Score != want.Score || got.Match != want.Match {
			t.Errorf("%q with trailer %q: score %v match %v, want the lead alone's %v %v; reasons %q",
				tc.title, tc.trailer, got.Score, got.Match, want.Score, want.Match, got.Reasons)
		}
	}
}

// TestModelAloneIsOneClearError: a file with only a [topic.model] table (what
// topic train once wrote) is one error saying a profile is a whole [topic]
// table, not one per weight naming a feature the file has no group for.
func TestModelAloneIsOneClearError(t *testing.T) {
	p, err := DecodeTOML([]byte("[topic.model]\nbias = -2.5\n\n[topic.model.weights]\n\"title.ai\" = 0.3\n\"lead.none\" = 1.6\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(p)
	if err == nil {
		t.Fatal("a lone [topic.model] compiled")
	}
	if msg := err.Error(); strings.Count(msg, "\n") != 0 || !strings.Contains(msg, "has a [topic.model] and nothing else") ||
		!strings.Contains(msg, "gleaner topic show") {
		t.Errorf("error: %s", msg)
	}
}

// TestKeptReasonNamesTheWordRead: the reader's note names a prefix term by the
// word it matched ("investigates"), not by the profile's stem ("investigat").
func TestKeptReasonNamesTheWordRead(t *testing.T) {
	c, err := Compile(Default())
	if err != nil {
		t.Fatal(err)
	}
	r := c.Classify(Doc{Title: "EU investigates OpenAI over AI Act compliance"})
	if !r.Match || len(r.Reasons) == 0 || !strings.Contains(r.Reasons[0], "(investigates)") {
		t.Fatalf("reasons %q, want the kept note to name \"investigates\"", r.Reasons)
	}
	if strings.Contains(r.Reasons[0], "investigat)") {
		t.Errorf("the kept note names the stem: %q", r.Reasons[0])
	}
	// As written, case and all.
	r = c.Classify(Doc{Title: "EU Investigates AI gigafactories under the AI Act"})
	if !r.Match || len(r.Reasons) == 0 || !strings.Contains(r.Reasons[0], "(Investigates)") {
		t.Errorf("reasons %q, want the kept note to name \"Investigates\" as written", r.Reasons)
	}
}
