package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gleaner/gleaner/aggregate/story"
	"github.com/gleaner/gleaner/aggregate/topic"
)

// TestTrainTopicFromFiles reads two labelled files in order, names the file
// and line of a bad one, and trains a model that the returned classifier
// carries.
func TestTrainTopicFromFiles(t *testing.T) {
	dir := t.TempDir()
	a, b, bad := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl"), filepath.Join(dir, "bad.jsonl")
	for name, text := range map[string]string{
		a:   `{"id":"1","title":"EU AI Act enters into force, the European Commission says","label":true}` + "\n",
		b:   `{"id":"2","title":"Nvidia unveils a faster AI chip","label":false}` + "\n",
		bad: "\n{\"id\": 3}\n",
	} {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	items, err := ReadLabeledFiles(a, b)
	if err != nil || len(items) != 2 || items[0].ID != "1" || items[1].ID != "2" {
		t.Fatalf("read %+v %v", items, err)
	}
	if _, err := ReadLabeledFiles(a, bad); err == nil || !strings.HasPrefix(err.Error(), bad+": line 2:") {
		t.Errorf("a bad file: %v, want its name and line", err)
	}
	c, err := topic.Compile(topic.Default())
	if err != nil {
		t.Fatal(err)
	}
	trained, m, st, err := TrainTopic(c, items, topic.DefaultTrainOptions())
	if err != nil {
		t.Fatal(err)
	}
	if st.Items != 2 || m == nil || trained.Profile().Model != m || c.Profile().Model == m {
		t.Errorf("stats %+v; the trained classifier's model is the new one: %v; the old one's is not: %v",
			st, trained.Profile().Model == m, c.Profile().Model != m)
	}
}

// TestCuratedStoryFloors guards story grouping as readers of the curated feed meet it: the
// real sets' items that the built-in topic filter keeps, and the near ones that join their
// stories as mates, grouped alone as the daemon groups them. Measured (aggregate/story
// floors hold the whole sets): real-dev same language 0.952/0.843, Korean-English
// 0.891/0.652 (612 of 756 items in the feed); real-holdout 0.981/0.854 and 1.000/0.700
// (296 of 394), never used to choose anything. The fourth collection, scored before it
// joined either set, gave 0.952/0.728 and 1.000/0.419 in the feed (111 of its 124
// reports); the fifth 1.000/0.753 and 1.000/0.629 (135 of 141); the sixth 1.000/0.840
// and 1.000/0.154 (115 of 117: its Korean and English reports of one event, mostly
// Korean plans of 2018-2022, share few names and write sums in won and in dollars).
// With the fifth, and the topic model retrained on the seventh topic collection,
// real-dev's cross-language recall fell from 0.633 to 0.552 and its floor from 0.60 to
// 0.53; with the sixth, real-holdout's fell from 0.677 to 0.608 and its floor from 0.64
// to 0.58. The seventh gave 0.940/0.891 and 0.830/0.830 before it joined (206 of 233);
// its Korean announcements of the first US-China AI talks and the English reports of
// the talks held the next day are labelled two events, and merge (8 pairs), so
// real-dev's Korean-English precision fell from 0.985 to 0.916 and its floor from 0.94
// to 0.91. Bridging a story of one language to the same event's story with reports in
// the other (story.Index.Bridges) then took real-dev to 0.952/0.843 and 0.891/0.652
// (Korean-English recall +0.10; the talks announced and held, two events by their
// labels, now merge whole: 32 pairs) and real-holdout, measured once, to 0.981/0.854 and
// 1.000/0.700; the precision floors fell to 0.94 and 0.87, the recall floors rose.
// The eighth collection (168 reports of 28 events, each in both languages) scored
// 0.985/0.865 and 0.962/0.560 before it joined; with it real-dev is 0.953/0.845 and
// 0.896/0.652 (671 of 859), real-holdout 0.984/0.855 and 1.000/0.656 (346 of 459), and
// real-holdout's Korean-English recall floor 0.63. A Korean and an English report
// falling over two windows (story.crossWindows) took real-dev to 0.949/0.854 and
// 0.895/0.699. The ninth collection (176 reports of 26 events, each in both languages)
// scored 0.987/0.862 and 0.987/0.608 before it joined (1.000/0.859 and 0.986/0.577 the
// commit before); with it real-dev is 0.942/0.854 and 0.876/0.676 (791 of 1003): its
// sub-events of one trip or summit (Xi's proposal at APEC and APEC's declaration; a
// dinner announced and held) are labelled apart and merge. real-holdout is 0.985/0.891
// and 0.984/0.690 (376 of 491). The place a lead starts with, for a headline that names
// none (story.shingler.place), took real-dev to 0.948/0.854 and 0.890/0.676 and left
// real-holdout as it was. Bridging two small stories, one of both languages, on all
// their pairs took real-dev to 0.948/0.861 and 0.892/0.689, and real-holdout, measured
// once, to 0.986/0.901 and 0.985/0.719. The tenth collection (108 reports of 14 events,
// each in both languages) scored 1.000/0.854 and 1.000/0.635 before it joined (1.000/0.850
// and 1.000/0.625 at the session's first commit); with it real-dev is 0.950/0.855 and
// 0.898/0.679, real-holdout 0.986/0.900 and 0.986/0.717. The eleventh (97 reports,
// stories-14 and -15, most of them Korean events) scored 1.000/0.861 and 0.846/0.767
// before it joined (creators opposing the AI action plan and the strategy committee's
// copyright roundtable merge); with it real-dev is 0.952/0.854 and 0.884/0.683,
// real-holdout 0.980/0.901 and 0.987/0.718. The topic model, retrained with the tenth
// topic collection, keeps other reports: real-dev 0.965/0.854 and 0.894/0.662,
// real-holdout 0.980/0.900 and 0.987/0.740; real-dev's Korean-English recall floor is
// 0.65. Words for officials' remarks, public bodies using AI and regional programmes,
// chosen on the topic development sets' cross-validation errors, then keep the held
// talks in Geneva (a near miss of their announcement, and merged with it) and a task
// force meeting beside a dinner of the same week: real-dev 0.945/0.853 and 0.862/0.679,
// real-holdout 0.980/0.904 and 0.987/0.740, and real-dev's Korean-English precision floor
// is 0.85. The topic model, retrained with the twelfth topic collection (these sets'
// own reports, labelled by TOPIC.md) and with headline-only copies, keeps fewer near
// misses of real-dev and a few more of real-holdout (Lee's arrival at the G7 and his
// session there; Nvidia denying the DOJ subpoena, now a story mate of the reports of it):
// real-dev 0.971/0.851 and 0.895/0.658, real-holdout 0.970/0.902 and 0.974/0.712 (it was
// 0.980/0.902 and 0.987/0.733 with the collection alone). With the thirteenth topic
// collection and words for facial recognition and DeepMind: real-dev 0.966/0.855 and
// 0.892/0.668, real-holdout 0.980/0.899 and 0.987/0.715. Heads of government in the
// place check: real-dev 0.969/0.855 and 0.899/0.668, real-holdout as it was. Merging
// split stories at a mean of 0.9: real-dev 0.977/0.862 and 0.917/0.724, real-holdout
// 0.980/0.911 and 0.988/0.757 (recall floors 0.90 and 0.75). The twelfth story collection
// (73 reports, 48 of them kept, scoring 1.000/0.512 and 1.000/0.333 here before it joined)
// took real-dev to 0.977/0.840 and 0.919/0.700, and its same-language recall floor to 0.83.
// The thirteenth (14 reports, 10 kept; 1.000/0.500 and 1.000/0.583 here before it joined,
// where every report gave 0.900 and 0.917: the Albanian AI minister's reports split in two,
// its first English report, a day before the rest, and a Korean one apart from the other
// four): real-dev 0.978/0.835 and 0.920/0.698. Mates decided in their turn (story.Assign):
// real-dev 0.978/0.844 and 0.922/0.720, real-holdout 0.980/0.908 and 0.988/0.748 (its
// Korean-English recall floor back to 0.74). With the fourteenth (16 Korean reports, all
// their pairs found): real-dev 0.978/0.847 and 0.922/0.720. 88 more names in the
// bilingual table (bodies, people, companies and laws of any week's news): real-dev as it
// was, real-holdout, measured once, 0.980/0.914 and 0.988/0.776 (recall floors 0.91 and
// 0.77). The fifteenth collection (108 reports, 88 kept; 0.964/0.806 and 0.800/0.444 here
// before it joined, its misses China's companion-AI rules written up over five days in
// words that share little, its wrong merges previews with the event they announce):
// real-dev 0.977/0.843 and 0.916/0.700 (1,113 of 1,361 kept). The sixteenth (99 reports,
// 77 kept; 1.000/1.000 and 0.815/0.917 here) joined real-holdout: 0.983/0.926 and
// 0.964/0.786 (511 of 648 kept), its Korean-English precision floor 0.96. The seventeenth
// (146 reports, 116 kept; 0.974/0.607 and 1.000/0.511 here before it joined, its misses
// reports days apart and Korean and English reports that share no name) joined
// real-holdout: 0.982/0.882 and 0.967/0.754 (627 of 794 kept), its recall floors 0.87
// and 0.74. The topic model retrained with the eighteenth topic collection: real-dev
// 0.977/0.843 and 0.915/0.696 (1,112 kept), real-holdout 0.982/0.883 and 0.967/0.754 (628).
func TestCuratedStoryFloors(t *testing.T) {
	c, err := topic.Compile(topic.Default())
	if err != nil {
		t.Fatal(err)
	}
	type floor struct{ precision, recall float64 }
	for name, f := range map[string]struct {
		kept        int // at least
		same, cross floor
	}{
		"real-dev.jsonl":     {1040, floor{0.94, 0.83}, floor{0.85, 0.65}},
		"real-holdout.jsonl": {600, floor{0.97, 0.87}, floor{0.96, 0.74}},
	} {
		items, err := ReadStoryLabeled(filepath.Join("..", "..", "testdata", "stories", name))
		if err != nil {
			t.Fatal(err)
		}
		r := EvaluateStories(c, story.DefaultConfig(), items)
		k := r.Curated
		t.Logf("%s: %d of %d kept; same language %.3f/%.3f, cross %.3f/%.3f", name, k.Kept, r.Items,
			k.SameLang.Precision, k.SameLang.Recall, k.CrossLang.Precision, k.CrossLang.Recall)
		if k.Kept < f.kept {
			t.Errorf("%s: the topic filter keeps %d items, floor %d", name, k.Kept, f.kept)
		}
		for _, s := range []struct {
			kind string
			got  story.PairScore
			want floor
		}{{"same language", k.SameLang, f.same}, {"cross language", k.CrossLang, f.cross}} {
			if s.got.Precision < s.want.precision || s.got.Recall < s.want.recall {
				t.Errorf("%s, %s: precision %.3f (floor %.2f), recall %.3f (floor %.2f)", name, s.kind,
					s.got.Precision, s.want.precision, s.got.Recall, s.want.recall)
			}
		}
	}
}
