package story

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func readSet(t testing.TB, name string) []Labeled {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "stories", name))
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

// floors are what the defaults achieve minus a small margin, so that a change that makes
// grouping worse fails here. The real sets (real-dev, real-holdout: real reports of one
// event by several outlets, with near misses) are scored apart on same-language pairs and
// on Korean-English pairs, the targets being precision 0.95 and recall 0.85 on the first,
// 0.9 and 0.6 on the second; real-holdout was never used to choose the method or its
// settings. The project's earlier sets (dev, holdout, fresh) labeled a Korean and an English
// report of one event as two groups, written before stories could cross languages, so only
// their same-language pairs are scored.
//
// Measured with the defaults: real-dev same 0.996/0.771, cross 0.982/0.679; real-holdout
// same 0.920/0.824, cross 0.979/0.638; dev 0.973/1.000; holdout 0.740/0.951; fresh
// 0.897/1.000. The real sets grew by a second collection (119 reports of 57 events, most
// of them dated by day only), whose reports of one event spread over more days than the
// first's: recall fell with it. A third collection (133 reports of 26 events and 21 near
// misses, 85 dated by day only, 35 of its 174 pairs more than the 48 h window apart) was
// scored before it joined: same language 0.984/0.659, cross 0.878/0.518; within the window
// same-language recall was 0.82. Recall floors fell with it (real-dev same 0.82 -> 0.76,
// cross 0.72 -> 0.67; real-holdout cross 0.75 -> 0.66). A wider window (72 h, or a flat
// first day) found more of its pairs but merged 8 to 42 labelled near misses of real-dev,
// so the window stays at 48 h. A fourth collection (124 reports of 31 events and 17 near
// misses, 81 dated by day only) was scored before it joined: same language 0.957/0.736,
// cross 1.000/0.389 (its Korean and English reports of one event share few names or
// numbers: UNESCO's recommendation, the EU's AI Act proposal); real-holdout's cross
// recall floor fell with it (0.66 -> 0.62). A fifth collection (141 reports of 25 events
// and 18 near misses, 108 dated by day only; 17 events in both languages) was scored
// before it joined: same language 0.963/0.755, cross 0.965/0.621 (in the curated feed
// 1.000/0.753 and 1.000/0.629). Its reports of one event spread over up to two weeks
// (a court ruling and the commentary after it), and real-dev's recall floors fell with it
// (same 0.76 -> 0.74, cross 0.67 -> 0.60). A sixth collection (117 reports of 30 events
// and 14 near misses, most of its events in one language) scored 1.000/0.840 on its
// same-language pairs and 1.000/0.146 on its 41 Korean-English ones before it joined. Its
// US guidance on Huawei's Ascend chips was the same announcement as real-dev's rescinded
// AI diffusion rule (BIS, 13 May 2025) and was relabelled as that event.
var floors = map[string]struct{ same, cross pairFloor }{
	// The seventh collection (stories-6 and -7: reports of one event by several outlets
	// in one language, and governments acting on one app the same week) joined both sets
	// with harder near misses: real-dev's Korean-English precision went from 0.987 to
	// 0.947 (0.935 before the place check), so its floor is 0.94 where it was 0.95. The
	// eighth (stories-8 and -9: one event's reports in both languages) took real-holdout's
	// Korean-English recall from 0.688 to 0.628, and its floor from 0.65 to 0.61. The
	// ninth (stories-10 and -11: events in both languages, with the sub-events of one
	// trip or summit as near misses) took real-dev's precision from 0.978 to 0.949 (same
	// language) and from 0.953 to 0.908 (Korean-English): Xi's proposal at APEC and APEC's
	// declaration, a dinner announced and held, two governments barring DeepSeek the same
	// week where one headline names no country. Their floors fell to 0.94 and 0.90; the
	// place a lead starts with, for a headline that names none, took them to 0.957 and
	// 0.923, and the floors to 0.95 and 0.92. Bridging two small stories, one of both
	// languages, on all their pairs raised recall in both sets, and its floors. The
	// eleventh (stories-14 and -15: Korean events with English coverage, whose English
	// reports are often law-firm notes or agency releases days later) took real-dev from
	// 0.959/0.851 to 0.958/0.844 (same language) and from 0.927/0.710 to 0.910/0.702
	// (Korean-English): creators opposing the AI action plan and the strategy committee's
	// copyright roundtable that answered them merge. The floors fell to 0.84 and 0.90/0.70.
	// Merging split stories at a mean of 0.9 (bridgeScore) raised real-holdout to
	// 0.942/0.902 and 0.942/0.754, and its recall floors to 0.90 and 0.75. The twelfth
	// (stories-16 and -17: 73 reports of 12 events and 6 near misses; late reports days
	// after the event, and meetings whose outlets each headline another item of the
	// agenda) scored 1.000/0.645 and 1.000/0.393 before it joined, and took real-dev from
	// 0.962/0.856 and 0.921/0.744 to 0.964/0.838 and 0.923/0.712; its same-language recall
	// floor fell to 0.83. The thirteenth (stories-18: 14 reports of 3 events, each in both
	// languages) scored 1.000/0.900 and 1.000/0.917 before it joined; real-dev 0.964/0.839
	// and 0.924/0.715 with it. The fourteenth (stories-19: 16 Korean reports of 4 events and
	// a near miss) found all of its 18 pairs and none wrong before it joined. 88 more names
	// in the bilingual table took real-holdout, measured once, to 0.942/0.905 and
	// 0.944/0.770 (real-dev as it was), and its Korean-English recall floor to 0.76. The
	// fifteenth (stories-20a and -20b: 108 reports, 20 events and 20 near-miss groups, 80
	// dated by day only) scored 0.941/0.821 and 0.816/0.563 before it joined; real-dev
	// 0.963/0.840 and 0.917/0.703 with it. The sixteenth (stories-21a and -21b: 99 reports
	// of 22 events and 16 near-miss groups, gathered at the session's end and tuned on by
	// nothing) scored 1.000/0.974 and 0.800/0.947 and joined real-holdout: 0.952/0.916 and
	// 0.921/0.786 with it. Its wrong merges are near misses that answer the event (a
	// senator's probe of the report it cites; Microsoft's brief in Anthropic's suit), so
	// real-holdout's Korean-English precision floor fell to 0.92, and its recall floors
	// rose to 0.91 and 0.78. The seventeenth (stories-22a and -22b: 146 reports of 34
	// events and 26 near-miss groups, 106 dated by day only, gathered after the session's
	// last change to the grouping) scored 0.982/0.667 and 1.000/0.587 and joined
	// real-holdout: 0.955/0.879 and 0.928/0.760 with it. Its misses are reports days apart
	// (opinion pieces and law-firm notes a week after a hearing or a vote) and Korean and
	// English reports that share no name ("AI프라이버시 전담팀" against "AI privacy team"),
	// so real-holdout's recall floors fell to 0.86 and 0.74.
	"real-dev.jsonl":     {same: pairFloor{0.95, 0.83}, cross: pairFloor{0.90, 0.70}},
	"real-holdout.jsonl": {same: pairFloor{0.93, 0.86}, cross: pairFloor{0.92, 0.74}},
	"dev.jsonl":          {same: pairFloor{0.95, 0.97}},
	"holdout.jsonl":      {same: pairFloor{0.72, 0.93}},
	"fresh.jsonl":        {same: pairFloor{0.87, 0.97}},
}

type pairFloor struct{ precision, recall float64 }

func (f pairFloor) check(kind string, p PairScore) error {
	if p.Precision < f.precision || p.Recall < f.recall {
		return fmt.Errorf("%s: precision %.3f (floor %.2f), recall %.3f (floor %.2f)", kind, p.Precision, f.precision, p.Recall, f.recall)
	}
	return nil
}

func checkFloors(r Report, name string) error {
	f := floors[name]
	err := f.same.check("same language", r.SameLang)
	if f.cross != (pairFloor{}) {
		err = errors.Join(err, f.cross.check("cross language", r.CrossLang))
	}
	return err
}

func TestEvaluateFloors(t *testing.T) {
	for name := range floors {
		t.Run(name, func(t *testing.T) {
			r := Evaluate(DefaultConfig(), readSet(t, name))
			t.Logf("%s: same language %.3f/%.3f, cross language %.3f/%.3f, %d near misses merged, %d stories",
				name, r.SameLang.Precision, r.SameLang.Recall, r.CrossLang.Precision, r.CrossLang.Recall, len(r.NearMerged), r.Stories)
			if err := checkFloors(r, name); err != nil {
				var buf bytes.Buffer
				r.Write(&buf)
				t.Errorf("%s: %v\n%s", name, err, buf.String())
			}
		})
	}
}

// TestFloorsCanFail shows the guard bites: thresholds that merge everything fall below the
// precision floors, ones that merge nothing below the recall floors.
func TestFloorsCanFail(t *testing.T) {
	for _, name := range []string{"real-dev.jsonl", "real-holdout.jsonl", "dev.jsonl"} {
		items := readSet(t, name)
		for _, th := range []float64{0.01, 0.999} {
			c := DefaultConfig()
			c.Threshold, c.CrossThreshold = th, th
			r := Evaluate(c, items)
			if err := checkFloors(r, name); err == nil {
				t.Errorf("%s, thresholds %v: same %.3f/%.3f cross %.3f/%.3f passed the floors", name, th,
					r.SameLang.Precision, r.SameLang.Recall, r.CrossLang.Precision, r.CrossLang.Recall)
			}
		}
	}
}

func TestEvaluateCountsPairs(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	same := "EU publishes third draft of AI code of practice, easing copyright commitments for model makers"
	items := []Labeled{
		{ID: "a1", Group: "a", Lang: "en", Title: same, Published: at},
		{ID: "a2", Group: "a", Lang: "en", Title: same, Published: at.Add(time.Hour)},
		{ID: "a3", Group: "a", Lang: "ko", Title: "일본 중의원, 벌칙 없는 첫 AI 진흥법 통과", Published: at.Add(2 * time.Hour)},
		{ID: "b1", Group: "b", Lang: "en", Near: "a", Title: same, Published: at.Add(3 * time.Hour)},
	}
	r := Evaluate(DefaultConfig(), items)
	// Predicted: a1,a2,b1 together (3 pairs), a3 alone. True: a1,a2,a3 (3 pairs), two of
	// them Korean-English.
	if r.Pairs != 6 || r.TruePairs != 3 || r.PredictedPairs != 3 || r.CorrectPairs != 1 || r.Stories != 2 {
		t.Fatalf("report %+v", r)
	}
	if r.SameLang != (PairScore{TruePairs: 1, PredictedPairs: 3, CorrectPairs: 1, Precision: 1.0 / 3, Recall: 1}) {
		t.Errorf("same language %+v", r.SameLang)
	}
	if r.CrossLang != (PairScore{TruePairs: 2, Precision: 1, Recall: 0}) {
		t.Errorf("cross language %+v", r.CrossLang)
	}
	kinds := map[string]int{}
	for _, e := range r.Errors {
		kinds[e.Kind]++
	}
	if kinds["false-merge"] != 2 || kinds["miss"] != 2 {
		t.Errorf("errors %+v, want 2 false merges and 2 misses", r.Errors)
	}
	if len(r.NearMerged) != 2 || r.NearMerged[0].B != "b1" || r.NearMerged[1].B != "b1" {
		t.Errorf("near misses merged %+v, want a1-b1 and a2-b1", r.NearMerged)
	}
	reportHas(t, r,
		"all pairs       precision 0.333  recall 0.333",
		"same language   precision 0.333  recall 1.000",
		"cross language  precision 1.000  recall 0.000",
		"near misses merged: 2\nnear-merge    1.000  a1 [a]",
		"false-merge   1.000  a1 [a]",
		"miss        x ",
	)
}

// reportHas checks that r's written report contains every one of wants.
func reportHas(t *testing.T, r Report, wants ...string) {
	t.Helper()
	var buf bytes.Buffer
	if err := r.Write(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range wants {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, buf.String())
		}
	}
}

// TestEvaluateCurated scores the items in the feed apart, through an index of their own:
// leaving out the near miss b1 that the full run merges, the kept a1 and a2 group cleanly;
// the near a4 joins them as a story mate, the near c1, like nothing kept, stays out; and the
// report says how many items and pairs reached the feed.
func TestEvaluateCurated(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	same := "EU publishes third draft of AI code of practice, easing copyright commitments for model makers"
	items := []Labeled{
		{ID: "a1", Group: "a", Lang: "en", Title: same, Published: at},
		{ID: "a2", Group: "a", Lang: "en", Title: same, Published: at.Add(time.Hour)},
		{ID: "a3", Group: "a", Lang: "en", Title: "Nvidia shares rise", Published: at.Add(2 * time.Hour)},
		{ID: "b1", Group: "b", Lang: "en", Near: "a", Title: same, Published: at.Add(3 * time.Hour)},
		{ID: "a4", Group: "a", Lang: "en", Title: same + " (update)", Published: at.Add(4 * time.Hour)},
		{ID: "c1", Group: "c", Lang: "en", Title: "Samsung unveils a foldable phone", Published: at.Add(4 * time.Hour)},
	}
	r := EvaluateCurated(DefaultConfig(), items, []bool{true, true, false, false, false, false}, []bool{false, false, false, false, true, true})
	if len(r.NearMerged) == 0 || r.Curated == nil {
		t.Fatalf("the full run should merge the near miss: %+v", r)
	}
	c := r.Curated
	if c.Kept != 3 || c.Mates != 1 || c.Items != 3 || c.TruePairs != 3 || c.CorrectPairs != 3 || c.PredictedPairs != 3 || len(c.NearMerged) != 0 {
		t.Errorf("curated %+v, want a1, a2 and the mate a4, grouped", c)
	}
	reportHas(t, r,
		"in the curated feed: 3 of 6 items (2 kept by the topic filter, 1 story mates)",
		"  3 of the 6 pairs of one story have both items there",
		"  same language   precision 1.000  recall 1.000  (true 3, predicted 3, correct 3)",
		"  near misses merged: 0",
	)
}

func TestReadLabeled(t *testing.T) {
	good := `{"id":"x1","group":"g","lang":"ko","source":"연합뉴스","title":"t","summary":"s","published":"2025-03-10T10:00:00+09:00"}

{"id":"x2","group":"g","lang":"en","source":"Reuters","title":"t2","summary":"","published":"2025-03-10T01:00:00Z","url":"https://example.org/x2","near":"f","date_guess":true}
`
	items, err := ReadLabeled(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[0].Source != "연합뉴스" || items[1].Near != "f" || !items[1].DateGuess || !items[0].Published.Equal(items[1].Published) {
		t.Errorf("items = %+v", items)
	}

	// The same as one JSON array over many lines, after a byte-order mark.
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(good, "\n\n", "\n")), "\n")
	arr, err := ReadLabeled(strings.NewReader("\xef\xbb\xbf[\n  " + strings.Join(lines, ",\n  ") + "\n]\n"))
	if err != nil || !reflect.DeepEqual(arr, items) {
		t.Errorf("as a JSON array: %+v, %v; want %+v", arr, err, items)
	}

	// Another tool's names and forms: headline, lead, link, outlet, a date without a time
	// or zone (in the language's zone), RFC 1123, Unix seconds, numeric ids and groups, no
	// lang, and fields gleaner does not use.
	other := `{"guid":7,"story":3,"headline":"정부, AI 기본법 시행령 발표","lead":"과기정통부는 10일...","outlet":"연합뉴스","link":"https://example.org/a","date":"2025-03-10","kind":"x"}
{"id":"e1","cluster":3,"language":"en","title":"Korea issues AI act decree","description":"The science ministry...","pubDate":"Mon, 10 Mar 2025 10:00:00 +0900"}
{"id":"e2","event_id":"3","lang":"en","title":"t","published":1741568400}
`
	got, err := ReadLabeled(strings.NewReader(other))
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2025, 3, 10, 0, 0, 0, 0, time.FixedZone("", 9*3600))
	if len(got) != 3 || got[0].ID != "7" || got[0].Group != "3" || got[0].Lang != "ko" || got[0].Title != "정부, AI 기본법 시행령 발표" ||
		got[0].Summary != "과기정통부는 10일..." || got[0].Source != "연합뉴스" || got[0].URL != "https://example.org/a" || !got[0].Published.Equal(day) ||
		got[1].Group != "3" || got[1].Summary != "The science ministry..." || !got[1].Published.Equal(day.Add(10*time.Hour)) ||
		got[2].Group != "3" || !got[2].Published.Equal(day.Add(10*time.Hour)) {
		t.Errorf("items = %+v", got)
	}

	line := func(s string) string { return s + "\n" }
	ok := line(`{"id":"x1","group":"g","title":"t","published":"2025-03-10T10:00:00Z"}`)
	tests := []struct{ name, in, want string }{
		{"bad json", ok + line(`{"id":`), "line 2:"},
		{"misspelled field", ok + line(`{"id":"x2","group":"g","titel":"t","published":"2025-03-10T10:00:00Z"}`), `line 2: id "x2": no title or summary; fields not read: "titel"`},
		{"misspelled group", line(`{"id":"x2","grup":"g","title":"t","published":"2025-03-10T10:00:00Z"}`), `line 1: id "x2": missing group; fields not read: "grup"`},
		{"unreadable date", line(`{"id":"x2","group":"g","title":"t","date":"soon"}`), `line 1: id "x2": field "date": "soon" is not a date gleaner reads`},
		{"bad number date", line(`{"id":"x2","group":"g","title":"t","published":-5}`), `line 1: id "x2": field "published": -5 is not a Unix time`},
		{"group not text", line(`{"id":"x2","group":["g"],"title":"t","published":"2025-03-10T10:00:00Z"}`), `line 1: field "group": want a string or a number`},
		{"not an object", line(`"x"`), "line 1: not a JSON object"},
		{"bad time", line(`{"id":"x2","group":"g","published":"10 March"}`), "line 1:"},
		{"missing id", ok + ok[:0] + line(`{"group":"g","published":"2025-03-10T10:00:00Z"}`), "line 2: missing id"},
		{"missing group", line(`{"id":"x2","published":"2025-03-10T10:00:00Z"}`), `line 1: id "x2": missing group`},
		{"missing published", line(`{"id":"x2","group":"g"}`), `line 1: id "x2": missing published`},
		{"duplicate id", ok + "\n" + ok, `line 3: id "x1" already used on line 1`},
		{"two values", line(`{"id":"x2","group":"g","published":"2025-03-10T10:00:00Z"} {}`), "line 1: more than one JSON value"},
		{"empty", "\n\n", "no labeled items"},
		{"array duplicate", "[" + ok + "," + ok + "]", `item 2 of the JSON array: id "x1" already used on item 1 of the JSON array`},
		{"array not closed", "[" + ok, "the JSON array is not closed"},
		{"empty array", "[]", "no labeled items"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadLabeled(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestDataSets(t *testing.T) {
	for _, name := range []string{"dev.jsonl", "holdout.jsonl", "fresh.jsonl", "real-dev.jsonl", "real-holdout.jsonl"} {
		items := readSet(t, name)
		groups := map[string]int{}
		langs := map[string]map[string]bool{}
		for _, it := range items {
			groups[it.Group]++
			if langs[it.Lang] == nil {
				langs[it.Lang] = map[string]bool{}
			}
			langs[it.Lang][it.Group] = true
		}
		multi := 0
		for _, n := range groups {
			if n >= 2 {
				multi++
			}
			if n > 8 {
				t.Errorf("%s: a group has %d members, more than 8", name, n)
			}
		}
		for _, it := range items {
			if it.Near != "" && groups[it.Near] == 0 {
				t.Errorf("%s: %s is a near miss of group %q, which has no items", name, it.ID, it.Near)
			}
		}
		want := map[string]int{"dev.jsonl": 60, "holdout.jsonl": 25, "fresh.jsonl": 25, "real-dev.jsonl": 40, "real-holdout.jsonl": 25}[name]
		if multi < want {
			t.Errorf("%s: %d groups with two or more members, want at least %d", name, multi, want)
		}
		if len(langs["ko"]) == 0 || len(langs["en"]) == 0 {
			t.Errorf("%s: languages %v, want both ko and en", name, langs)
		}
	}
}
