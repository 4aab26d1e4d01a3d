package publish

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

// t0 anchors every fixture time, so that renderings are byte-for-byte repeatable.
var t0 = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)

var kst = time.FixedZone("KST", 9*3600)

var (
	yonhap = aggregate.Outlet{Name: "연합뉴스", FeedURL: "https://www.yna.co.kr/rss/industry.xml", Title: "연합뉴스 산업", Link: "https://www.yna.co.kr/", FeedID: ""}
	etnews = aggregate.Outlet{Name: "전자신문", FeedURL: "https://rss.etnews.com/Section901.xml", Title: "전자신문 속보", Link: "https://www.etnews.com/"}
	zdnet  = aggregate.Outlet{Name: "지디넷코리아", FeedURL: "https://zdnet.co.kr/feed", Title: "ZDNet Korea", Link: "https://zdnet.co.kr/"}
	wire   = aggregate.Outlet{Name: "Policy Wire", FeedURL: "https://policywire.example.org/atom.xml", Title: "Policy Wire — AI", Link: "https://policywire.example.org/", FeedID: "tag:policywire.example.org,2024:feed"}
	bare   = aggregate.Outlet{Name: "Bare Outlet", FeedURL: "https://bare.example.net/rss"}
)

// fixtureEntries are the shapes the formats must handle: a Korean story with
// other outlets, an English item without content or byline, a Korean item without
// a published date, one with many facets, and one whose outlet has no title, link
// or feed id. Newest first, as the store returns them.
func fixtureEntries() []aggregate.Entry {
	return []aggregate.Entry{
		{
			ID: "https://www.yna.co.kr/view/AKR20250310000100017",
			Item: aggregate.Item{
				GUID:      "https://www.yna.co.kr/view/AKR20250310000100017",
				URL:       "https://www.yna.co.kr/view/AKR20250310000100017",
				Title:     "과기정통부, 인공지능 기본법 하위법령 입법예고",
				Summary:   "과학기술정보통신부는 10일 인공지능 기본법 시행령 제정안을 입법예고한다고 밝혔다. 고영향 AI 사업자의 의무가 구체화된다.",
				Content:   `<p>과학기술정보통신부는 10일 <a href="/view/AKR20250101">인공지능 기본법</a> 시행령 제정안을 입법예고한다고 밝혔다.</p><img src="/photo/ai.jpg" alt="브리핑">`,
				Author:    "김철수 기자",
				Lang:      "ko",
				Published: time.Date(2025, 3, 10, 17, 30, 0, 0, kst),
				FirstSeen: t0.Add(-20 * time.Minute),
				Verdict: aggregate.Verdict{Match: true, Score: 6.5,
					Reasons: []string{"title: 인공지능 기본법", "title: 과기정통부", "summary: 시행령", "summary: 고영향 AI"},
					Facets:  []string{"legislation", "regulation"}},
				ID:      101,
				StoryID: 11,
			},
			Outlet: yonhap,
			Also: []aggregate.Related{
				{Outlet: etnews, Title: "AI기본법 시행령 입법예고…고영향 AI 기준 공개", URL: "https://www.etnews.com/20250310000201", Lang: "ko", Published: time.Date(2025, 3, 10, 17, 45, 0, 0, kst), Similarity: 0.82},
				{Outlet: zdnet, Title: "정부, AI 기본법 시행령 입법예고", URL: "https://zdnet.co.kr/view/?no=20250310174512", Lang: "ko", Published: time.Date(2025, 3, 10, 18, 2, 0, 0, kst), Similarity: 0.77},
			},
			Reports: 3,
			Langs:   []string{"ko"},
			Updated: t0.Add(-5 * time.Minute),
		},
		{
			ID: "urn:uuid:0d3c9b8e-3b5f-5c1e-9b0a-6a4f2d1e7c11",
			Item: aggregate.Item{
				URL:       "https://policywire.example.org/2025/03/commerce-chip-export-rule",
				Title:     "Commerce Department tightens AI chip export rule",
				Summary:   "The U.S. Commerce Department issued an interim final rule on exports of advanced AI chips & model weights.",
				Lang:      "en",
				Published: t0.Add(-2 * time.Hour),
				FirstSeen: t0.Add(-90 * time.Minute),
				Verdict: aggregate.Verdict{Match: true, Score: 4,
					Reasons: []string{"title: AI chip", "title: Commerce Department"},
					Facets:  []string{"export-controls"}},
				ID:      102,
				StoryID: 12,
			},
			Outlet: wire,
			// A story of many reports in two languages: the entry names a few.
			Also: []aggregate.Related{
				{Outlet: bare, Title: "US tightens rules on AI chip exports", URL: "https://bare.example.net/news/40", Lang: "en", Published: t0.Add(-110 * time.Minute), Similarity: 0.64},
				{Outlet: yonhap, Title: "美 상무부, AI 칩 수출 규정 강화", URL: "https://www.yna.co.kr/view/AKR20250310000200071", Lang: "ko", Published: t0.Add(-100 * time.Minute), Similarity: 0.41},
			},
			Reports: 25,
			Langs:   []string{"en", "ko"},
			Updated: t0.Add(-90 * time.Minute),
		},
		{
			ID: "urn:uuid:5b1f3a7c-2f4e-5d2a-8c3b-1e9d0f6a4b22",
			Item: aggregate.Item{
				URL:       "https://zdnet.co.kr/view/?no=20250310080000",
				Title:     "국회 과방위, 생성형 AI 저작권 공청회 개최",
				Summary:   "국회 과학기술정보방송통신위원회가 생성형 AI 학습 데이터의 저작권 문제를 다루는 공청회를 열었다.",
				Lang:      "ko",
				FirstSeen: t0.Add(-3 * time.Hour),
				Verdict: aggregate.Verdict{Match: true, Score: 3,
					Reasons: []string{"title: 국회", "title: 생성형 AI"},
					Facets:  []string{"copyright"}},
			},
			Outlet:  zdnet,
			Updated: t0.Add(-3 * time.Hour),
		},
		{
			ID: "https://policywire.example.org/2025/03/eu-ai-act-gpai-code",
			Item: aggregate.Item{
				GUID:      "https://policywire.example.org/2025/03/eu-ai-act-gpai-code",
				URL:       "https://policywire.example.org/2025/03/eu-ai-act-gpai-code",
				Title:     "EU publishes third draft of the AI Act code of practice",
				Summary:   "The European Commission's AI Office published the third draft of the general-purpose AI code of practice.",
				Content:   "<p>The <em>AI Office</em> published the draft.</p><ul><li>transparency</li><li>copyright</li></ul>",
				Author:    "Jane Doe",
				Lang:      "en",
				Published: t0.Add(-26 * time.Hour),
				Updated:   t0.Add(-25 * time.Hour),
				FirstSeen: t0.Add(-25 * time.Hour),
				Verdict: aggregate.Verdict{Match: true, Score: 9,
					Reasons: []string{"strong: AI Act"},
					Facets:  []string{"regulation", "eu", "copyright", "transparency", "safety", "general-purpose-ai"}},
			},
			Outlet:  wire,
			Updated: t0.Add(-25 * time.Hour),
		},
		{
			ID: "urn:uuid:9a8b7c6d-5e4f-5a3b-9c2d-1e0f9a8b7c33",
			Item: aggregate.Item{
				URL:       "https://bare.example.net/news/42",
				Title:     "Lawmakers question AI procurement rules",
				Lang:      "en",
				Published: t0.Add(-50 * time.Hour),
				FirstSeen: t0.Add(-49 * time.Hour),
				Verdict:   aggregate.Verdict{Match: true, Score: 2.5, Reasons: []string{"title: lawmakers", "title: AI"}},
			},
			Outlet:  bare,
			Updated: t0.Add(-49 * time.Hour),
		},
	}
}

func fixtureSources() []aggregate.Source {
	return []aggregate.Source{
		{ID: 1, Name: "연합뉴스", URL: yonhap.FeedURL, Interval: 10 * time.Minute},
		{ID: 2, Name: "Policy Wire", URL: wire.FeedURL, Interval: 15 * time.Minute, Rank: 1},
		{ID: 3, Name: "지디넷코리아", URL: zdnet.FeedURL, Interval: 15 * time.Minute, Rank: 2},
	}
}

func fixtureOptions() Options {
	return Options{
		Title:       "AI 산업 정책 · AI Industry Policy",
		Description: "Korean and English news about AI industry policy, one entry per story.",
		BaseURL:     "https://feeds.example.com/ai-policy/",
		MaxItems:    100,
		MaxLimit:    500,
		CacheMaxAge: 15 * time.Minute,
		Location:    kst,
	}
}

// fakeStore applies a Query the way the store promises to: language, facet, max
// per source, limit, in the order given (newest first). It counts calls so that
// tests can see what the cache saves.
type fakeStore struct {
	mu      sync.Mutex
	entries []aggregate.Entry
	status  []aggregate.SourceStatus
	err     error
	calls   int
	stories int // calls of Story
	queries []aggregate.Query
	merged  map[int64]int64 // story id -> the story it was merged into
	block   chan struct{}   // when set, Curated waits for it to close
}

func (s *fakeStore) Curated(ctx context.Context, q aggregate.Query) ([]aggregate.Entry, error) {
	s.mu.Lock()
	block := s.block
	s.mu.Unlock()
	if block != nil {
		<-block
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	s.queries = append(s.queries, q)
	if s.err != nil {
		return nil, s.err
	}
	var out []aggregate.Entry
	per := map[string]int{}
	for _, e := range s.entries {
		// The fixtures are newest first; the place of each is its lead's time,
		// as the store has it (first seen, for an item without a date).
		e.Cursor = aggregate.Cursor{Published: cmp.Or(e.Item.Published, e.Item.FirstSeen), StoryID: e.Item.StoryID}
		if q.Lang != "" && e.Item.Lang != q.Lang {
			continue
		}
		if q.Facet != "" && !slices.Contains(e.Item.Verdict.Facets, q.Facet) {
			continue
		}
		if b := q.Before; !b.Published.IsZero() && !e.Cursor.Published.Before(b.Published) &&
			(!e.Cursor.Published.Equal(b.Published) || e.Cursor.StoryID >= b.StoryID) {
			continue
		}
		if q.Match != "" && !matchesAll(e.Item.Title+" "+e.Item.Summary, q.Match) {
			continue
		}
		outlet := e.Outlet.FeedURL + "\x00" + strings.ToLower(e.Outlet.Origin) // as the store counts
		if q.MaxPerSource > 0 && per[outlet] >= q.MaxPerSource {
			continue
		}
		per[outlet]++
		out = append(out, e)
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
	}
	return out, nil
}

// matchesAll reports whether text holds every word of words, case aside.
func matchesAll(text, words string) bool {
	for _, w := range strings.Fields(words) {
		if !strings.Contains(strings.ToLower(text), strings.ToLower(w)) {
			return false
		}
	}
	return true
}

// Story is the story of the entry led by an item of story id: its lead, the
// reports it names, and made-up ones up to its count of reports.
func (s *fakeStore) Story(ctx context.Context, id int64) (aggregate.Story, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stories++
	if s.err != nil {
		return aggregate.Story{}, false, s.err
	}
	if to, ok := s.merged[id]; ok {
		id = to
	}
	for _, e := range s.entries {
		if e.Item.StoryID != id || id == 0 {
			continue
		}
		st := aggregate.Story{ID: id, EntryID: e.ID, Visible: true, Updated: e.Updated, Langs: e.Langs, Reports: max(e.Reports, 1+len(e.Also))}
		st.Members = append(st.Members, aggregate.StoryMember{ItemID: e.Item.ID, Lead: true, Related: aggregate.Related{
			Outlet: e.Outlet, Title: e.Item.Title, URL: e.Item.URL, Lang: e.Item.Lang, Published: e.Item.Published, Similarity: 1}})
		for _, r := range e.Also {
			st.Members = append(st.Members, aggregate.StoryMember{Related: r})
		}
		for i := len(st.Members); i < st.Reports; i++ {
			st.Members = append(st.Members, aggregate.StoryMember{Related: aggregate.Related{
				Outlet: aggregate.Outlet{Name: fmt.Sprintf("Outlet %d", i), FeedURL: fmt.Sprintf("https://outlet%d.example/feed", i)},
				Title:  fmt.Sprintf("Report %d", i), URL: fmt.Sprintf("https://outlet%d.example/news/%d", i, id), Lang: "en",
				Published: e.Item.Published.Add(time.Duration(i) * time.Minute), Similarity: 0.5}})
		}
		return st, true, nil
	}
	return aggregate.Story{}, false, nil
}

// StoryFates answers as Story does, for many ids at once.
func (s *fakeStore) StoryFates(ctx context.Context, ids []int64) (map[int64]int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return nil, s.err
	}
	out := map[int64]int64{}
	for _, id := range ids {
		to := id
		if m, ok := s.merged[id]; ok {
			to = m
		}
		for _, e := range s.entries {
			if e.Item.StoryID == to && to != 0 {
				out[id] = to
			}
		}
	}
	return out, nil
}

// StoriesUpdated answers as Story does: the Updated of each story's entry.
func (s *fakeStore) StoriesUpdated(ctx context.Context, ids []int64) (map[int64]time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return nil, s.err
	}
	out := map[int64]time.Time{}
	for _, id := range ids {
		for _, e := range s.entries {
			if e.Item.StoryID == id && id != 0 {
				out[id] = e.Updated
			}
		}
	}
	return out, nil
}

func (s *fakeStore) SourceStatus(ctx context.Context) ([]aggregate.SourceStatus, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status, s.err
}

func (s *fakeStore) set(entries []aggregate.Entry) {
	s.mu.Lock()
	s.entries = entries
	s.mu.Unlock()
}

func (s *fakeStore) callCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

// newTestHandler returns a refreshed Handler over the fixtures with a fixed clock.
func newTestHandler(t testing.TB, o Options, entries []aggregate.Entry) (*Handler, *fakeStore) {
	t.Helper()
	st := &fakeStore{entries: entries}
	h := New(o, st, st, testLogger(t))
	h.now = func() time.Time { return t0 }
	h.SetSources(fixtureSources())
	if _, err := h.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	return h, st
}

// get requests path from h directly and returns the recorded response.
func get(t testing.TB, h http.Handler, method, target string, header ...string) *http.Response {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func body(t testing.TB, resp *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustStatus(t testing.TB, resp *http.Response, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("status %d, want %d", resp.StatusCode, want)
	}
}
