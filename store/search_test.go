package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

// searchTitles runs a search and returns the lead titles it lists, in order.
func searchTitles(t *testing.T, s *Store, q aggregate.Query) []string {
	t.Helper()
	q.Limit, q.MaxRelated = 50, 10
	entries, err := s.Curated(context.Background(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Item.Title)
	}
	return out
}

// checkSearchIndex has FTS5 compare the search index with the text it was
// made from: any change the index missed, or got wrong, fails it.
func checkSearchIndex(t *testing.T, s *Store) {
	t.Helper()
	if _, err := s.IndexSearch(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(`INSERT INTO item_search(item_search, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Fatalf("the search index does not match the curated items: %v", err)
	}
	var queued int
	if err := s.r.QueryRow(`SELECT count(*) FROM item_search_queue`).Scan(&queued); err != nil || queued != 0 {
		t.Errorf("%d changes left queued (%v)", queued, err)
	}
}

// save stores items as one poll of source src would.
func save(t *testing.T, s *Store, src aggregate.Source, items ...aggregate.Item) {
	t.Helper()
	if _, _, err := s.Save(context.Background(), []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src.ID}, Items: items}}, nil); err != nil {
		t.Fatal(err)
	}
}

func koItem(key, title string, match bool, published time.Time) aggregate.Item {
	it := item(key, "https://ko.example/"+key, title, match, published)
	it.Lang, it.Summary = "ko", title+"에 관한 기사입니다."
	return it
}

// TestSearch: curated items are found by any three or more characters of
// their title or summary's opening, Hangul included, and by shorter words
// too; by every word given; with the feed's filters; newest first and paged
// like the feed. Items the filter left out are not found.
func TestSearch(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed")
	items := []aggregate.Item{
		koItem("k1", "국회, 인공지능 기본법 통과", true, t0.Add(-1*time.Hour)),
		koItem("k2", "과기정통부, GPU 1만장 확보", true, t0.Add(-2*time.Hour)),
		koItem("k3", "인공지능 기본법 시행령 입법예고", true, t0.Add(-3*time.Hour)),
		koItem("k4", "프로야구 개막전 매진", false, t0.Add(-4*time.Hour)),
		item("e1", "https://en.example/1", "EU AI Act: code of practice for general-purpose AI", true, t0.Add(-5*time.Hour)),
		item("e2", "https://en.example/2", "US tightens AI chip export controls", true, t0.Add(-6*time.Hour)),
		item("e3", "https://en.example/3", "Bakery wins award for 100% rye", true, t0.Add(-7*time.Hour)),
		item("e4", "https://en.example/4", "Senate passes rail bill after train strike; impact of billions", true, t0.Add(-8*time.Hour)),
		item("e5", "https://en.example/5", "Lawmakers weigh the AIs' rights", true, t0.Add(-9*time.Hour)),
		item("e6", "https://en.example/6", "État de l'IA: Über-regulation fears in Brussels", true, t0.Add(-10*time.Hour)),
		item("e7", "https://en.example/7", "Café owners and naïve regulators", true, t0.Add(-11*time.Hour)),
		item("e8", "https://en.example/8", "İstanbul'da yapay zekâ: Əliyev signs AI decree", true, t0.Add(-12*time.Hour)),
		item("e9", "https://en.example/9", "STRAẞE gesperrt", true, t0.Add(-13*time.Hour)),
		koItem("k5", "ＡＩ 반도체 지원법 통과", true, t0.Add(-14*time.Hour)),
	}
	save(t, s, src[0], items...)
	checkSearchIndex(t, s)
	cases := []struct {
		q    aggregate.Query
		want []string
	}{
		{aggregate.Query{Match: "기본법"}, []string{"국회, 인공지능 기본법 통과", "인공지능 기본법 시행령 입법예고"}},
		{aggregate.Query{Match: "인공지능 시행령"}, []string{"인공지능 기본법 시행령 입법예고"}}, // every word
		{aggregate.Query{Match: "국회"}, []string{"국회, 인공지능 기본법 통과"}},         // two characters: LIKE
		{aggregate.Query{Match: "ai act"}, []string{"EU AI Act: code of practice for general-purpose AI"}},
		{aggregate.Query{Match: "EXPORT"}, []string{"US tightens AI chip export controls"}},
		{aggregate.Query{Match: "관한 기사"}, []string{"국회, 인공지능 기본법 통과", "과기정통부, GPU 1만장 확보", "인공지능 기본법 시행령 입법예고", "ＡＩ 반도체 지원법 통과"}}, // the summary
		{aggregate.Query{Match: "프로야구"}, nil}, // not curated
		{aggregate.Query{Match: "100%"}, []string{"Bakery wins award for 100% rye"}},
		{aggregate.Query{Match: "%"}, []string{"Bakery wins award for 100% rye"}}, // a wildcard is a character
		{aggregate.Query{Match: `"rye" OR bakery`}, nil},                          // no query syntax: three words
		// Punctuation a query carries (quotes around a phrase, a hyphen, a full
		// stop, parentheses) is no part of a word.
		{aggregate.Query{Match: `"AI Act"`}, []string{"EU AI Act: code of practice for general-purpose AI"}},
		{aggregate.Query{Match: "code-of-practice"}, []string{"EU AI Act: code of practice for general-purpose AI"}},
		{aggregate.Query{Match: "(AI) Act."}, []string{"EU AI Act: code of practice for general-purpose AI"}},
		{aggregate.Query{Match: `"기본법"`}, []string{"국회, 인공지능 기본법 통과", "인공지능 기본법 시행령 입법예고"}},
		{aggregate.Query{Match: `'AI Act'`}, []string{"EU AI Act: code of practice for general-purpose AI"}},
		{aggregate.Query{Match: `‘AI Act’`}, []string{"EU AI Act: code of practice for general-purpose AI"}},
		{aggregate.Query{Match: `'rights'`}, []string{"Lawmakers weigh the AIs' rights"}},
		{aggregate.Query{Match: `'Lawmakers weigh'`}, []string{"Lawmakers weigh the AIs' rights"}},
		{aggregate.Query{Match: `AIs'`}, []string{"Lawmakers weigh the AIs' rights"}},
		// Every word counts, however many a hyphenated query makes.
		{aggregate.Query{Match: "code-of-practice-for-general-purpose-AI-Act-EU-rules-alpha-beta-gamma-delta-epsilon-zeta-nomatchword"}, nil},
		{aggregate.Query{Match: "기본법", Lang: "en"}, nil},
		// Words, not strings: "AI" is not in "rail" or "train", but "AIs'" is a plural.
		{aggregate.Query{Match: "AI", Lang: "en"}, []string{"EU AI Act: code of practice for general-purpose AI", "US tightens AI chip export controls", "Lawmakers weigh the AIs' rights", "İstanbul'da yapay zekâ: Əliyev signs AI decree"}},
		{aggregate.Query{Match: "act"}, []string{"EU AI Act: code of practice for general-purpose AI"}}, // not "impact"
		{aggregate.Query{Match: "bill"}, []string{"Senate passes rail bill after train strike; impact of billions"}},
		{aggregate.Query{Match: "billion"}, []string{"Senate passes rail bill after train strike; impact of billions"}},
		{aggregate.Query{Match: "bil"}, nil},
		{aggregate.Query{Match: "인공"}, []string{"국회, 인공지능 기본법 통과", "인공지능 기본법 시행령 입법예고"}}, // Hangul: inside words
		// Case aside beyond ASCII, as the index reads it.
		{aggregate.Query{Match: "état"}, []string{"État de l'IA: Über-regulation fears in Brussels"}},
		{aggregate.Query{Match: "über-regulation brussels"}, []string{"État de l'IA: Über-regulation fears in Brussels"}},
		{aggregate.Query{Match: "IA"}, []string{"État de l'IA: Über-regulation fears in Brussels"}},
		// Letters typed full-width (an input method's mode) find the ASCII ones,
		// and stored full-width ones still; ASCII does not look for full-width.
		{aggregate.Query{Match: "ＡＩ", Lang: "en"}, []string{"EU AI Act: code of practice for general-purpose AI", "US tightens AI chip export controls", "Lawmakers weigh the AIs' rights", "İstanbul'da yapay zekâ: Əliyev signs AI decree"}},
		{aggregate.Query{Match: "ＡＩ 반도체"}, []string{"ＡＩ 반도체 지원법 통과"}},
		{aggregate.Query{Match: "ＥＸＰＯＲＴ"}, []string{"US tightens AI chip export controls"}},
		// A Latin letter beyond ASCII goes on with the word: "caf" is not in "Café".
		{aggregate.Query{Match: "caf"}, nil},
		{aggregate.Query{Match: "na"}, nil},
		{aggregate.Query{Match: "ber"}, nil},
		{aggregate.Query{Match: "café"}, []string{"Café owners and naïve regulators"}},
		// İ lowers to ASCII in Go, not in SQLite; Ə is a Latin letter in either case.
		{aggregate.Query{Match: "İstanbul"}, []string{"İstanbul'da yapay zekâ: Əliyev signs AI decree"}},
		{aggregate.Query{Match: "liyev"}, nil},
		{aggregate.Query{Match: "əliyev"}, []string{"İstanbul'da yapay zekâ: Əliyev signs AI decree"}},
		{aggregate.Query{Match: "stra"}, nil}, // ẞ is ß in capitals: a letter of the word
		{aggregate.Query{Match: "regulators"}, []string{"Café owners and naïve regulators"}},
		{aggregate.Query{Match: "AI 기본법"}, nil},
		{aggregate.Query{Match: "GPU 확보"}, []string{"과기정통부, GPU 1만장 확보"}},
		{aggregate.Query{Match: "기본법", Before: aggregate.Cursor{Published: t0.Add(-1 * time.Hour)}}, []string{"인공지능 기본법 시행령 입법예고"}},
	}
	for _, c := range cases {
		if got := searchTitles(t, s, c.q); !slices.Equal(got, c.want) {
			t.Errorf("search %q (lang %q, before %v): %q, want %q", c.q.Match, c.q.Lang, c.q.Before.Published, got, c.want)
		}
	}

	// A revised title is found by its new words, not its old ones; an item
	// reclassified out of the feed, or deleted, is no longer found.
	revised := items[1]
	revised.Title, revised.Summary = "과기정통부, GPU 2만장으로 확대", "국가AI컴퓨팅센터 확대"
	save(t, s, src[0], revised)
	checkSearchIndex(t, s)
	if got := searchTitles(t, s, aggregate.Query{Match: "2만장"}); len(got) != 1 {
		t.Errorf("the revised title is not found: %q", got)
	}
	if got := searchTitles(t, s, aggregate.Query{Match: "1만장"}); len(got) != 0 {
		t.Errorf("the old title is still found: %q", got)
	}
	if _, err := s.Reclassify(ctx, time.Time{}, func(title, _, _ string) aggregate.Verdict {
		m := !strings.Contains(title, "시행령")
		return aggregate.Verdict{Match: m, Score: b2f(m), Reasons: []string{"test"}}
	}, nil); err != nil {
		t.Fatal(err)
	}
	if got := searchTitles(t, s, aggregate.Query{Match: "기본법"}); !slices.Equal(got, []string{"국회, 인공지능 기본법 통과"}) {
		t.Errorf("after reclassify: %q", got)
	}
	checkSearchIndex(t, s)
	if _, err := s.Retain(ctx, t0.Add(400*24*time.Hour), Retention{KeepUnmatched: time.Hour, KeepMatched: time.Hour}); err != nil {
		t.Fatal(err)
	}
	if got := searchTitles(t, s, aggregate.Query{Match: "AI"}); len(got) != 0 {
		t.Errorf("deleted items are found: %q", got)
	}
	checkSearchIndex(t, s)
}

// TestSearchIndexesItemsStoredBefore: a database from before the search index
// gets one, of every curated item it holds, when it is opened.
func TestSearchIndexesItemsStoredBefore(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed")
	save(t, s, src[0], koItem("k1", "국회, 인공지능 기본법 통과", true, t0))
	// Undo migration 12, as if the file came from an older gleaner.
	// (Migration 14 dropped the insert trigger that 12 made; both run again.)
	for _, q := range []string{`DROP TRIGGER item_search_delete`, `DROP TRIGGER item_search_update`,
		`DROP TABLE item_search`, `DROP TABLE item_search_queue`, `DROP VIEW item_search_text`, `DELETE FROM schema_migrations WHERE version IN (12, 14)`} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	path := s.Path()
	s.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := searchTitles(t, s, aggregate.Query{Match: "기본법"}); len(got) != 1 {
		t.Errorf("an item stored before the index is not found: %q", got)
	}
	checkSearchIndex(t, s)
}

// TestPagingBack pages through the curated feed two entries at a time, each
// page after the last entry of the one before: every entry comes once, in
// the feed's order, stories published at the same moment included.
func TestPagingBack(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed")
	var items []aggregate.Item
	for i := range 7 {
		// Pairs published at the same moment: the story id breaks the tie.
		items = append(items, item(fmt.Sprint(i), fmt.Sprintf("https://x.example/%d", i), fmt.Sprint("AI policy ", i), true, t0.Add(-time.Duration(i/2)*time.Hour)))
	}
	save(t, s, src[0], items...)
	all, err := s.Curated(ctx, aggregate.Query{Limit: 100})
	if err != nil || len(all) != 7 {
		t.Fatalf("%d entries, %v", len(all), err)
	}
	var paged []string
	q := aggregate.Query{Limit: 2}
	for range 10 {
		page, err := s.Curated(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			paged = append(paged, e.ID)
			if e.Cursor.StoryID != e.Item.StoryID || !e.Cursor.Published.Equal(e.Item.Published) {
				t.Errorf("entry %s at %+v, want its story %d at %v", e.ID, e.Cursor, e.Item.StoryID, e.Item.Published)
			}
		}
		q.Before = page[len(page)-1].Cursor
	}
	var want []string
	for _, e := range all {
		want = append(want, e.ID)
	}
	if !slices.Equal(paged, want) {
		t.Errorf("paged %q, want %q", paged, want)
	}
}

// TestSaveLeavesSearchToIndexSearch: a save queues its curated items for the
// search index and pays nothing more; IndexSearch applies the queue, says how
// much it applied, and does nothing when it is empty.
func TestSaveLeavesSearchToIndexSearch(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	src := sync(t, s, "https://a.example/feed")
	save(t, s, src[0], koItem("k1", "국회, 인공지능 기본법 통과", true, t0), koItem("k2", "프로야구 개막전 매진", false, t0))
	var queued int
	if err := s.r.QueryRow(`SELECT count(*) FROM item_search_queue`).Scan(&queued); err != nil || queued != 1 {
		t.Fatalf("queued after a save: %d (%v), want the one curated item", queued, err)
	}
	if n, err := s.IndexSearch(ctx); err != nil || n != 1 {
		t.Fatalf("IndexSearch: %d, %v; want 1", n, err)
	}
	if n, err := s.IndexSearch(ctx); err != nil || n != 0 {
		t.Fatalf("IndexSearch of an empty queue: %d, %v", n, err)
	}
	checkSearchIndex(t, s)
	entries, err := s.Curated(ctx, aggregate.Query{Match: "기본법", Limit: 10})
	if err != nil || len(entries) != 1 {
		t.Fatalf("search after IndexSearch: %d entries, %v", len(entries), err)
	}
}
