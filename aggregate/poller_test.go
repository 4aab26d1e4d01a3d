package aggregate_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/fetch"
	"github.com/gleaner/gleaner/aggregate/story"
	"github.com/gleaner/gleaner/aggregate/topic"
	"github.com/gleaner/gleaner/internal/syncbuf"
	"github.com/gleaner/gleaner/store"
)

// clock is a settable time source for schedules.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// site is an httptest server whose answer per path the test sets, recording
// the requests it gets.
type site struct {
	*httptest.Server
	mu       sync.Mutex
	handlers map[string]http.HandlerFunc
	reqs     []*http.Request
}

func newSite(t *testing.T) *site {
	s := &site{handlers: map[string]http.HandlerFunc{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.reqs = append(s.reqs, r.Clone(context.Background()))
		h := s.handlers[r.URL.Path]
		s.mu.Unlock()
		if h == nil {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) handle(path string, h http.HandlerFunc) {
	s.mu.Lock()
	s.handlers[path] = h
	s.mu.Unlock()
}

func (s *site) requests(path string) []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*http.Request
	for _, r := range s.reqs {
		if r.URL.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// feedWithETag serves body with an ETag and answers If-None-Match with 304.
func feedWithETag(body, etag string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, body)
	}
}

type harness struct {
	store  *store.Store
	poller *aggregate.Poller
	clock  *clock
	src    []aggregate.Source
}

// saver lets a test make saves fail.
type saver struct {
	*store.Store
	fail bool
}

func (s *saver) Save(ctx context.Context, b []aggregate.Fetched, g aggregate.Grouper) ([]aggregate.SaveStats, bool, error) {
	if s.fail {
		return nil, false, errors.New("store: database is locked")
	}
	return s.Store.Save(ctx, b, g)
}

func newHarness(t *testing.T, sv *saver, sources ...aggregate.Source) *harness {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if sv == nil {
		sv = &saver{}
	}
	sv.Store = st
	c, err := topic.Compile(topic.Default())
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)}
	fc := fetch.New(nil, fetch.Options{Timeout: 5 * time.Second})
	p := aggregate.NewPoller(sv, fc, c, aggregate.PollerOptions{Concurrency: 4, MaxBackoff: 12 * time.Hour, MaxAge: 14 * 24 * time.Hour, Now: clk.Now})
	src, states, err := st.SyncSources(context.Background(), sources)
	if err != nil {
		t.Fatal(err)
	}
	p.SetSources(src, states)
	return &harness{store: st, poller: p, clock: clk, src: src}
}

func (h *harness) status(t *testing.T, i int) aggregate.FetchState {
	t.Helper()
	st, err := h.store.SourceStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st[i].State
}

const koreanRSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>정책 뉴스</title><link>%s/</link><ttl>30</ttl>
<item><title>과기정통부, 인공지능 기본법 시행령 입법예고</title><link>/news/1?utm_source=rss&amp;id=7</link>
<pubDate>Tue, 03 Mar 2026 10:00:00 KST</pubDate><description>과학기술정보통신부는 인공지능 기본법 시행령 제정안을 입법예고했다.</description></item>
<item><title>오늘의 날씨 &amp;lt;맑음&amp;gt;</title><link>/news/2</link><pubDate>2026.03.03 09:00</pubDate><description>전국이 맑겠다.</description></item>
<item><title>미래에서 온 기사: 정부, AI 반도체 지원 예산 확대</title><link>/news/3</link><pubDate>Tue, 03 Mar 2099 10:00:00 +0900</pubDate><description>정부가 AI 반도체 지원 예산을 늘린다.</description></item>
<item><title>날짜 없는 기사: 국회, AI 기본법 개정안 발의</title><description>국회에서 인공지능 기본법 개정안이 발의됐다.</description></item>
<item><title>과기정통부, 인공지능 기본법 시행령 입법예고</title><link>/news/1?utm_source=rss&amp;id=7</link><description>같은 항목이 두 번</description></item>
</channel></rss>`

func TestPollNormalisesClassifiesAndStores(t *testing.T) {
	s := newSite(t)
	s.handle("/feed", feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v1"`))
	seoul, _ := time.LoadLocation("Asia/Seoul")
	h := newHarness(t, nil, aggregate.Source{Name: "정책", URL: s.URL + "/feed", Interval: 15 * time.Minute, Timezone: seoul})
	reports := h.poller.PollAll(context.Background())
	if len(reports) != 1 || reports[0].Err != nil {
		t.Fatalf("reports: %+v", reports)
	}
	r := reports[0]
	if r.Seen != 4 || r.New != 4 {
		t.Errorf("seen %d new %d, want 4 and 4 (the repeated item counted once)", r.Seen, r.New)
	}
	entries, err := h.store.Curated(context.Background(), aggregate.Query{Limit: 10, MaxRelated: 10})
	if err != nil {
		t.Fatal(err)
	}
	byTitle := map[string]aggregate.Entry{}
	for _, e := range entries {
		byTitle[e.Item.Title] = e
	}
	e, ok := byTitle["과기정통부, 인공지능 기본법 시행령 입법예고"]
	if !ok {
		t.Fatalf("policy item not curated; got %v", entries)
	}
	if want := s.URL + "/news/1?id=7"; e.Item.URL != want {
		t.Errorf("link %q, want %q (relative resolved, utm removed)", e.Item.URL, want)
	}
	if want := time.Date(2026, 3, 3, 1, 0, 0, 0, time.UTC); !e.Item.Published.Equal(want) {
		t.Errorf("KST date read as %v, want %v", e.Item.Published, want)
	}
	if e.Item.Lang != "ko" || len(e.Item.Verdict.Reasons) == 0 {
		t.Errorf("lang %q reasons %v", e.Item.Lang, e.Item.Verdict.Reasons)
	}
	if f, ok := byTitle["미래에서 온 기사: 정부, AI 반도체 지원 예산 확대"]; !ok || !f.Item.Published.Equal(h.clock.Now()) {
		t.Errorf("future date not clamped to first seen: %+v", f.Item.Published)
	}
	if f, ok := byTitle["날짜 없는 기사: 국회, AI 기본법 개정안 발의"]; !ok || !f.Item.Published.Equal(h.clock.Now()) {
		t.Errorf("missing date not set to first seen: %v", f.Item.Published)
	}
	if _, ok := byTitle["오늘의 날씨 <맑음>"]; ok {
		t.Errorf("weather item curated")
	}
	st := h.status(t, 0)
	if st.ETag != `"v1"` || st.FeedTitle != "정책 뉴스" || st.ItemsSeen != 4 || st.ConsecutiveErrors != 0 {
		t.Errorf("state: %+v", st)
	}
	// <ttl>30</ttl> raises the 15m interval to 30m.
	if gap := st.NextFetch.Sub(h.clock.Now()); gap < 30*time.Minute || gap > 32*time.Minute {
		t.Errorf("next fetch in %v, want about 30m from <ttl>", gap)
	}

	// The next poll is conditional and a 304 changes nothing.
	h.clock.Add(31 * time.Minute)
	reports = h.poller.PollAll(context.Background())
	if !reports[0].NotModified {
		t.Fatalf("second poll: %+v", reports[0])
	}
	reqs := s.requests("/feed")
	if got := reqs[len(reqs)-1].Header.Get("If-None-Match"); got != `"v1"` {
		t.Errorf("If-None-Match = %q", got)
	}
	if st2 := h.status(t, 0); st2.ItemsSeen != 4 || !st2.LastSuccess.Equal(h.clock.Now()) {
		t.Errorf("after 304: %+v", st2)
	}
}

func TestBackoffGrowsAndSuccessResets(t *testing.T) {
	s := newSite(t)
	failing := true
	s.handle("/feed", func(w http.ResponseWriter, r *http.Request) {
		if failing {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v1"`)(w, r)
	})
	h := newHarness(t, nil, aggregate.Source{Name: "x", URL: s.URL + "/feed", Interval: 10 * time.Minute})
	var gaps []time.Duration
	for i := 1; i <= 8; i++ {
		r := h.poller.PollAll(context.Background())[0]
		var fe *fetch.Error
		if !errors.As(r.Err, &fe) || fe.Kind != fetch.KindHTTP5xx {
			t.Fatalf("poll %d: err %v", i, r.Err)
		}
		st := h.status(t, 0)
		if st.ConsecutiveErrors != i || st.Status != 500 || !strings.Contains(st.LastError, "500") {
			t.Fatalf("poll %d: state %+v", i, st)
		}
		gaps = append(gaps, st.NextFetch.Sub(h.clock.Now()))
		h.clock.Add(time.Minute)
	}
	// 10m, 20m, 40m, ... with ±20% jitter, capped at 12h.
	for i, g := range gaps {
		base := min(10*time.Minute<<i, 12*time.Hour)
		if g < base*8/10 || g > base*12/10 {
			t.Errorf("failure %d: next fetch in %v, want %v ±20%%", i+1, g, base)
		}
	}
	failing = false
	h.poller.PollAll(context.Background())
	st := h.status(t, 0)
	if st.ConsecutiveErrors != 0 || st.LastError != "" {
		t.Errorf("success did not reset: %+v", st)
	}
	if gap := st.NextFetch.Sub(h.clock.Now()); gap > 32*time.Minute {
		t.Errorf("after success next fetch in %v", gap)
	}
}

func TestRetryAfterAndGone(t *testing.T) {
	s := newSite(t)
	s.handle("/busy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7200")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	// On a host of its own: the 429's Retry-After holds the whole busy host.
	other := newSite(t)
	other.handle("/gone", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) })
	h := newHarness(t, nil,
		aggregate.Source{Name: "busy", URL: s.URL + "/busy", Interval: 10 * time.Minute, Rank: 0},
		aggregate.Source{Name: "gone", URL: other.URL + "/gone", Interval: 10 * time.Minute, Rank: 1})
	h.poller.PollAll(context.Background())
	busy, gone := h.status(t, 0), h.status(t, 1)
	if gap := busy.NextFetch.Sub(h.clock.Now()); gap < 2*time.Hour {
		t.Errorf("429 with Retry-After 7200: next fetch in %v", gap)
	}
	if !gone.Gone || !gone.NextFetch.IsZero() {
		t.Errorf("410 not marked gone: %+v", gone)
	}
	// A gone source is never polled again; the other one still is.
	h.clock.Add(3 * time.Hour)
	reports := h.poller.PollAll(context.Background())
	if len(reports) != 1 || reports[0].Source.Name != "busy" {
		t.Errorf("polled after 410: %+v", reports)
	}
	if n := len(other.requests("/gone")); n != 1 {
		t.Errorf("gone source requested %d times", n)
	}
}

func TestFailedSaveKeepsOldValidators(t *testing.T) {
	s := newSite(t)
	s.handle("/feed", feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v2"`))
	sv := &saver{fail: true}
	h := newHarness(t, sv, aggregate.Source{Name: "x", URL: s.URL + "/feed", Interval: 10 * time.Minute})
	r := h.poller.PollAll(context.Background())[0]
	if r.Err == nil || !strings.Contains(r.Err.Error(), "database is locked") {
		t.Fatalf("report: %+v", r)
	}
	// /readyz reads this: a daemon whose saves fail is alive but not ready.
	failedAt := h.clock.Now()
	if f := h.poller.SaveFailing(); f == nil || !strings.Contains(f.Err, "database is locked") || !f.Since.Equal(failedAt) {
		t.Errorf("after a failed save: SaveFailing %+v, want the error since %s", f, failedAt)
	}
	h.clock.Add(time.Hour)
	h.poller.PollAll(context.Background())
	if f := h.poller.SaveFailing(); f == nil || !f.Since.Equal(failedAt) {
		t.Errorf("after a second failed save: SaveFailing %+v, want it failing since the first", f)
	}
	sv.fail = false
	h.clock.Add(time.Hour)
	r = h.poller.PollAll(context.Background())[0]
	if r.Err != nil || r.NotModified || r.New != 4 {
		t.Fatalf("after the failed save the items must be fetched again: %+v", r)
	}
	if f := h.poller.SaveFailing(); f != nil {
		t.Errorf("after a save that worked: SaveFailing %+v, want nil", f)
	}
	reqs := s.requests("/feed")
	if got := reqs[2].Header.Get("If-None-Match"); got != "" {
		t.Errorf("second request sent If-None-Match %q: the validator of an unsaved response was kept", got)
	}
}

func TestNotAFeedIsAClearError(t *testing.T) {
	s := newSite(t)
	s.handle("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><head><link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body>hi</body></html>`)
	})
	h := newHarness(t, nil, aggregate.Source{Name: "x", URL: s.URL + "/page", Interval: 10 * time.Minute})
	r := h.poller.PollAll(context.Background())[0]
	if r.Err == nil || !strings.Contains(r.Err.Error(), "not a feed") || !strings.Contains(r.Err.Error(), s.URL+"/rss.xml") {
		t.Errorf("err = %v", r.Err)
	}
	if st := h.status(t, 0); !strings.Contains(st.LastError, "not a feed") {
		t.Errorf("last error not stored: %+v", st)
	}
}

func TestPermanentRedirectIsRemembered(t *testing.T) {
	s := newSite(t)
	s.handle("/old", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusMovedPermanently) })
	s.handle("/new", feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v1"`))
	h := newHarness(t, nil, aggregate.Source{Name: "x", URL: s.URL + "/old", Interval: 10 * time.Minute})
	h.poller.PollAll(context.Background())
	if st := h.status(t, 0); st.CurrentURL != s.URL+"/new" {
		t.Fatalf("current URL %q", st.CurrentURL)
	}
	h.clock.Add(time.Hour)
	h.poller.PollAll(context.Background())
	if n := len(s.requests("/old")); n != 1 {
		t.Errorf("old URL requested %d times; later polls must use the new one", n)
	}
}

func TestRunPollsDueSourcesAndStops(t *testing.T) {
	s := newSite(t)
	s.handle("/feed", feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v1"`))
	h := newHarness(t, nil, aggregate.Source{Name: "x", URL: s.URL + "/feed", Interval: 10 * time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- h.poller.Run(ctx) }()
	deadline := time.After(10 * time.Second)
	for h.poller.Rounds() == 0 {
		select {
		case <-deadline:
			t.Fatal("no round ran")
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if n := len(s.requests("/feed")); n != 1 {
		t.Errorf("%d requests; the source is not due again for 10 minutes", n)
	}
}

func TestPermanentRedirectToAPageIsNotAdopted(t *testing.T) {
	s := newSite(t)
	s.handle("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/home", http.StatusMovedPermanently)
	})
	s.handle("/home", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><body>welcome</body></html>")
	})
	h := newHarness(t, nil, aggregate.Source{Name: "x", URL: s.URL + "/old", Interval: 10 * time.Minute})
	r := h.poller.PollAll(context.Background())[0]
	if r.Err == nil {
		t.Fatal("a home page was accepted as a feed")
	}
	if st := h.status(t, 0); st.CurrentURL != "" {
		t.Errorf("current URL %q adopted from a redirect to a page", st.CurrentURL)
	}
}

func TestHugeMaxAgeIsCapped(t *testing.T) {
	s := newSite(t)
	s.handle("/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "max-age=31536000")
		feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v1"`)(w, r)
	})
	h := newHarness(t, nil, aggregate.Source{Name: "x", URL: s.URL + "/feed", Interval: 10 * time.Minute})
	h.poller.PollAll(context.Background())
	if gap := h.status(t, 0).NextFetch.Sub(h.clock.Now()); gap > 13*time.Hour || gap < 12*time.Hour {
		t.Errorf("next fetch in %v: max-age of a year must be capped at max_backoff (12h)", gap)
	}
}

func TestFirstPollsAreSpreadAndRestartKeepsSchedule(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var src []aggregate.Source
	for i := range 40 {
		src = append(src, aggregate.Source{Name: fmt.Sprint(i), URL: fmt.Sprintf("https://s%d.example/feed", i), Interval: time.Hour, Rank: i})
	}
	now := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)
	c, err := topic.Compile(topic.Default())
	if err != nil {
		t.Fatal(err)
	}
	newPoller := func() *aggregate.Poller {
		return aggregate.NewPoller(st, fetch.New(nil, fetch.Options{}), c,
			aggregate.PollerOptions{FirstSpread: 10 * time.Minute, Now: func() time.Time { return now }})
	}
	p := newPoller()
	stored, states, err := st.SyncSources(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	p.SetSources(stored, states)
	distinct := map[time.Time]bool{}
	for id, next := range p.Schedule() {
		if next.Before(now) || next.After(now.Add(10*time.Minute)) {
			t.Errorf("source %d first due at %v, outside the 10m spread", id, next)
		}
		distinct[next] = true
	}
	if len(distinct) < 30 {
		t.Errorf("only %d distinct first-poll times for 40 sources", len(distinct))
	}
	// A source with a stored schedule keeps it across a restart.
	later := now.Add(3 * time.Hour)
	states[0].NextFetch = later
	states[0].LastAttempt = now
	p = newPoller()
	p.SetSources(stored, states)
	if got := p.Schedule()[stored[0].ID]; !got.Equal(later) {
		t.Errorf("restored schedule %v, want %v", got, later)
	}
}

// TestRewritesFromTwoOutletsBecomeOneStory runs the story grouper through the
// real pipeline: two outlets' rewrites of one press release become one entry.
func TestRewritesFromTwoOutletsBecomeOneStory(t *testing.T) {
	s := newSite(t)
	rss := func(items ...string) string {
		return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title><link>` + s.URL + `/</link>` +
			strings.Join(items, "") + `</channel></rss>`
	}
	item := func(link, title, desc, date string) string {
		return `<item><title>` + title + `</title><link>` + s.URL + link + `</link><pubDate>` + date + `</pubDate><description>` + desc + `</description></item>`
	}
	s.handle("/yna", feedWithETag(rss(item("/yna/1", "정부, 연내 GPU 1만장 확보…국가AI컴퓨팅센터 구축 속도",
		"과학기술정보통신부는 10일 인공지능(AI) 컴퓨팅 인프라 확충 방안을 발표하고 올해 안에 첨단 그래픽처리장치(GPU) 1만장을 확보해 국가AI컴퓨팅센터를 조기에 개소하겠다고 밝혔다. 정부는 이를 위해 1조4천600억원을 투입하고, 민간 클라우드 기업과 협력해 대학·스타트업에 연산 자원을 우선 제공할 계획이다.",
		"Tue, 03 Mar 2026 10:00:00 +0900")), `"y"`))
	s.handle("/newsis", feedWithETag(rss(
		item("/newsis/1", "과기정통부 \"GPU 1만장 연내 확보…국가AI컴퓨팅센터 조기 개소\"",
			"정부가 올해 안에 첨단 GPU 1만장을 확보하고 국가AI컴퓨팅센터를 조기에 개소한다. 과학기술정보통신부는 10일 이 같은 내용의 AI 컴퓨팅 인프라 확충 방안을 발표했다. 정부는 1조4600억원을 투입해 대학과 스타트업에 연산 자원을 우선 제공할 계획이라고 밝혔다.",
			"Tue, 03 Mar 2026 10:25:00 +0900"),
		item("/newsis/2", "국회 과방위, 인공지능 기본법 개정안 의결",
			"국회 과학기술정보방송통신위원회는 전체회의를 열고 고영향 AI 사업자의 의무를 구체화한 인공지능 기본법 개정안을 의결했다.",
			"Tue, 03 Mar 2026 11:00:00 +0900")), `"n"`))
	h := newHarness(t, nil,
		aggregate.Source{Name: "연합뉴스", URL: s.URL + "/yna", Interval: time.Hour, Rank: 0},
		aggregate.Source{Name: "뉴시스", URL: s.URL + "/newsis", Interval: time.Hour, Rank: 1})
	h.poller.SetGrouper(aggregate.NewStoryGrouper(story.DefaultConfig()).WithClock(h.clock.Now))
	for _, r := range h.poller.PollAll(context.Background()) {
		if r.Err != nil || r.Kept == 0 {
			t.Fatalf("poll %s: %+v", r.Source.Name, r)
		}
	}
	entries, err := h.store.Curated(context.Background(), aggregate.Query{Limit: 10, MaxRelated: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Fatalf("%d entries, want 2 (the GPU story once, the bill once): %+v", len(entries), entries)
	}
	gpu := entries[1]
	if gpu.Outlet.Name != "연합뉴스" || len(gpu.Also) != 1 || gpu.Also[0].Outlet.Name != "뉴시스" || gpu.Also[0].Similarity <= 0 {
		t.Errorf("GPU story: lead %s, also %+v", gpu.Outlet.Name, gpu.Also)
	}
	if len(entries[0].Also) != 0 {
		t.Errorf("the bill joined another story: %+v", entries[0].Also)
	}
}

// TestOverlongLinksAndIDsAreDropped polls a feed whose items carry a link and a
// GUID of 200,000 characters: the items are stored and curated, without the link,
// and with an identity of bounded size that stays the same on the next poll.
func TestOverlongLinksAndIDsAreDropped(t *testing.T) {
	long := "https://example.org/" + strings.Repeat("a", 200_000)
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>정책 뉴스</title><link>https://example.org/</link>
<item><title>과기정통부, 인공지능 기본법 시행령 입법예고</title><link>` + long + `</link>
<description>과학기술정보통신부는 인공지능 기본법 시행령 제정안을 입법예고했다.</description></item>
<item><title>국회, 인공지능 기본법 개정안 발의</title><guid isPermaLink="true">` + long + `/guid</guid>
<description>국회에서 인공지능 기본법 개정안이 발의됐다.</description></item>
<item><title>정부, AI 반도체 지원 예산 확대</title><link>https://example.org/news/3</link>
<description>정부가 AI 반도체 지원 예산을 늘린다.</description></item>
</channel></rss>`
	s := newSite(t)
	s.handle("/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, doc)
	})
	h := newHarness(t, nil, aggregate.Source{Name: "x", URL: s.URL + "/feed", Interval: 10 * time.Minute})
	if r := h.poller.PollAll(context.Background())[0]; r.Err != nil || r.New != 3 {
		t.Fatalf("first poll: %+v", r)
	}
	entries, err := h.store.Curated(context.Background(), aggregate.Query{Limit: 10, MaxRelated: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 {
		t.Fatalf("%d entries curated, want 3", len(entries))
	}
	for _, e := range entries {
		it := e.Item
		if len(it.URL) > aggregate.MaxURLLen || len(it.GUID) > aggregate.MaxURLLen || len(it.Key) > aggregate.MaxURLLen || len(e.ID) > aggregate.MaxURLLen {
			t.Errorf("%q kept %d bytes of link, %d of GUID, %d of key, %d of entry id", it.Title, len(it.URL), len(it.GUID), len(it.Key), len(e.ID))
		}
		if it.Title == "정부, AI 반도체 지원 예산 확대" && it.URL != "https://example.org/news/3" {
			t.Errorf("a link of normal length was dropped: %q", it.URL)
		}
	}
	h.clock.Add(time.Hour)
	if r := h.poller.PollAll(context.Background())[0]; r.Err != nil || r.New != 0 {
		t.Errorf("second poll of the same document: %+v (the items' identities must not change)", r)
	}
}

// TestRedirectToMetadataIsRefused polls a source that redirects to the cloud
// metadata address: the poll fails as "denied", recorded as such, and nothing
// from that address is read.
func TestRedirectToMetadataIsRefused(t *testing.T) {
	s := newSite(t)
	s.handle("/feed", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
	})
	h := newHarness(t, nil, aggregate.Source{Name: "x", URL: s.URL + "/feed", Interval: 10 * time.Minute})
	r := h.poller.PollAll(context.Background())[0]
	var fe *fetch.Error
	if !errors.As(r.Err, &fe) || fe.Kind != fetch.KindDenied {
		t.Fatalf("report: %+v", r)
	}
	st := h.status(t, 0)
	if st.ErrorKind != "denied" || !strings.Contains(st.LastError, "169.254.169.254") || st.ConsecutiveErrors != 1 {
		t.Errorf("state: %+v", st)
	}
	s.handle("/feed", feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v1"`))
	h.clock.Add(time.Hour)
	h.poller.PollAll(context.Background())
	if st := h.status(t, 0); st.ErrorKind != "" || st.LastError != "" {
		t.Errorf("a successful poll kept the error: %+v", st)
	}
}

// TestCancelledPollLeavesTheStateAsItWas cancels polls in flight, as SIGTERM
// does: a failing source keeps its count and message, and one never polled
// stays pending (it was recorded as polled, with no error count and the error
// "context canceled": shown as ok).
func TestCancelledPollLeavesTheStateAsItWas(t *testing.T) {
	s := newSite(t)
	arrived := make(chan struct{}, 4)
	failing := true
	s.handle("/feed", func(w http.ResponseWriter, r *http.Request) {
		if failing {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		arrived <- struct{}{}
		<-r.Context().Done()
	})
	s.handle("/new", func(w http.ResponseWriter, r *http.Request) {
		arrived <- struct{}{}
		<-r.Context().Done()
	})
	h := newHarness(t, nil, aggregate.Source{Name: "x", URL: s.URL + "/feed", Interval: 10 * time.Minute})
	h.poller.PollAll(context.Background())
	h.clock.Add(time.Hour)
	h.poller.PollAll(context.Background())
	before := h.status(t, 0)
	if before.ConsecutiveErrors != 2 || before.ErrorKind != "http_5xx" {
		t.Fatalf("setup: %+v", before)
	}
	src, states, err := h.store.SyncSources(context.Background(), append(h.src, aggregate.Source{Name: "new", URL: s.URL + "/new", Interval: 10 * time.Minute, Rank: 1}))
	if err != nil {
		t.Fatal(err)
	}
	h.poller.SetSources(src, states)
	failing = false
	h.clock.Add(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }() // the other waits for the host's one slot
	reports := h.poller.PollAll(ctx)
	for _, r := range reports {
		if !errors.Is(r.Err, context.Canceled) {
			t.Errorf("%s: report %+v, want a cancellation", r.Source.Name, r)
		}
	}
	after := h.status(t, 0)
	if after.ConsecutiveErrors != 2 || after.LastError != before.LastError || after.ErrorKind != "http_5xx" || !after.LastAttempt.Equal(before.LastAttempt) {
		t.Errorf("a cancelled poll changed the failing source's state:\nbefore %+v\nafter  %+v", before, after)
	}
	fresh := h.status(t, 1)
	if !fresh.LastAttempt.IsZero() || fresh.LastError != "" || fresh.ErrorKind != "" || fresh.ConsecutiveErrors != 0 {
		t.Errorf("a cancelled first poll was recorded: %+v", fresh)
	}
}

// TestGoneSourcePutBackIsPolledAgain: a running daemon's poller takes a source
// that answered 410 Gone, was taken out of the config and put back, as one to
// poll again (README: "take it out of the config and put it back to poll it
// again"), not as the gone source it remembered.
func TestGoneSourcePutBackIsPolledAgain(t *testing.T) {
	s := newSite(t)
	gone := true
	var mu sync.Mutex
	s.handle("/feed", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if gone {
			http.Error(w, "gone", http.StatusGone)
			return
		}
		feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v1"`)(w, r)
	})
	src := aggregate.Source{Name: "back", URL: s.URL + "/feed", Interval: 15 * time.Minute}
	other := aggregate.Source{Name: "other", URL: s.URL + "/other", Interval: 15 * time.Minute}
	h := newHarness(t, nil, src, other)
	ctx := context.Background()
	h.poller.PollAll(ctx)
	if st := h.status(t, 0); !st.Gone {
		t.Fatalf("after a 410: %+v, want gone", st)
	}
	// A reload without it, then one with it again, as the daemon's reload does.
	for _, list := range [][]aggregate.Source{{other}, {src, other}} {
		stored, states, err := h.store.SyncSources(ctx, list)
		if err != nil {
			t.Fatal(err)
		}
		h.poller.SetSources(stored, states)
	}
	mu.Lock()
	gone = false
	mu.Unlock()
	if _, due := h.poller.Schedule()[h.src[0].ID]; !due {
		t.Fatalf("the source put back is not scheduled: %v", h.poller.Schedule())
	}
	h.clock.t = h.clock.t.Add(time.Minute)
	var polled bool
	for _, r := range h.poller.PollAll(ctx) {
		if r.Source.ID == h.src[0].ID {
			polled = r.Err == nil && r.New > 0
		}
	}
	if !polled || h.status(t, 0).Gone {
		t.Errorf("the source put back was not polled again: polled %v, state %+v", polled, h.status(t, 0))
	}
}

// TestRetryAfterHoldsTheHostAcrossProcesses: gleaner fetch from cron is a new
// process each run, without the fetch client's holds. A host that answered 429
// with Retry-After is not asked again, for any of its feeds, before that time:
// the next process learns the hold from the stored states.
func TestRetryAfterHoldsTheHostAcrossProcesses(t *testing.T) {
	s := newSite(t)
	s.handle("/busy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7200")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	s.handle("/feed", feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v1"`))
	st, c := storeAndClassifier(t)
	sources := []aggregate.Source{
		{Name: "busy", URL: s.URL + "/busy", Interval: 10 * time.Minute, Rank: 0},
		{Name: "feed", URL: s.URL + "/feed", Interval: 10 * time.Minute, Rank: 1},
	}
	run := func() []aggregate.Report { return cronRun(t, st, c, sources, time.Now, 4) }
	run()
	busy, feed := len(s.requests("/busy")), len(s.requests("/feed"))
	if busy != 1 {
		t.Fatalf("first run: /busy asked %d times, want 1", busy)
	}
	reports := run()
	if n := len(s.requests("/busy")); n != busy {
		t.Errorf("second run asked /busy again (%d requests) within its Retry-After", n)
	}
	if n := len(s.requests("/feed")); n != feed {
		t.Errorf("second run asked the busy host's other feed (%d requests, %d before) within the Retry-After", n, feed)
	}
	for _, r := range reports {
		if r.Kind != string(fetch.KindRateLimited) {
			t.Errorf("second run, %s: kind %q (%v), want rate_limited (not sent)", r.Source.Name, r.Kind, r.Err)
		}
	}
}

// realClockHolds passes the poller's holds to the fetch client in its own
// (real) time, for tests whose poller runs on a made-up clock.
type realClockHolds struct {
	*fetch.Client
	now func() time.Time
}

func (r realClockHolds) Hold(target string, until time.Time) {
	r.Client.Hold(target, time.Now().Add(until.Sub(r.now())))
}

// storeAndClassifier opens a store in a temporary directory, closed when the
// test ends, and compiles the built-in topic profile.
func storeAndClassifier(t *testing.T) (*store.Store, *topic.Classifier) {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "g.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c, err := topic.Compile(topic.Default())
	if err != nil {
		t.Fatal(err)
	}
	return st, c
}

// cronRun is one gleaner fetch from cron at now: a new poller and fetch client
// (holds in real time, see realClockHolds) over st's stored states.
func cronRun(t *testing.T, st *store.Store, c *topic.Classifier, sources []aggregate.Source, now func() time.Time, concurrency int) []aggregate.Report {
	t.Helper()
	p := aggregate.NewPoller(st, realClockHolds{fetch.New(nil, fetch.Options{Timeout: 5 * time.Second}), now}, c,
		aggregate.PollerOptions{Concurrency: concurrency, MaxBackoff: 12 * time.Hour, MaxAge: 14 * 24 * time.Hour, Now: now})
	stored, states, err := st.SyncSources(context.Background(), sources)
	if err != nil {
		t.Fatal(err)
	}
	p.SetSources(stored, states)
	return p.PollAll(context.Background())
}

// TestHeldPollsDoNotStarveTheHost: a day of gleaner fetch from cron every 15
// minutes, after one 429 with Retry-After: 60 to one of a host's two feeds. A
// poll held back for the host is no attempt and no error of its feed: it does
// not grow the backoff nor renew the hold, so both feeds are asked again soon
// after the hold ends (the host once held them for good, each run's hold
// renewing the next).
func TestHeldPollsDoNotStarveTheHost(t *testing.T) {
	s := newSite(t)
	var answered atomic.Int32
	s.handle("/busy", func(w http.ResponseWriter, r *http.Request) {
		if answered.Add(1) == 1 {
			w.Header().Set("Retry-After", "60")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v1"`)(w, r)
	})
	s.handle("/other", feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v2"`))
	st, c := storeAndClassifier(t)
	sources := []aggregate.Source{
		{Name: "busy", URL: s.URL + "/busy", Interval: time.Hour, Rank: 0},
		{Name: "other", URL: s.URL + "/other", Interval: time.Hour, Rank: 1},
	}
	clk := &clock{t: time.Now()}
	for range 96 { // cron every 15 minutes for a day
		cronRun(t, st, c, sources, clk.Now, 4)
		clk.Add(15 * time.Minute)
	}
	// The busy feed's backoff after one 429 is about its interval: an hour or two.
	if n := len(s.requests("/busy")); n < 20 {
		t.Errorf("the feed that got the 429 was asked %d times in a day of runs every 15 minutes", n)
	}
	if n := len(s.requests("/other")); n < 80 {
		t.Errorf("the host's other feed was asked %d times in 96 runs", n)
	}
	status, err := st.SourceStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range status {
		if s.State.ConsecutiveErrors != 0 {
			t.Errorf("%s: %d consecutive errors at the end of the day, state %+v", s.Source.Name, s.State.ConsecutiveErrors, s.State)
		}
	}
}

// TestCronHoldsTheHostForItsRetryAfter: from cron, a host that answered 429
// with Retry-After: 600 is left alone for those ten minutes, its other feed
// included, and no longer: both are asked at the next run after them (the hold
// once lasted until the busy feed's own next poll, its backoff of an hour). A
// 503 without Retry-After holds no host.
func TestCronHoldsTheHostForItsRetryAfter(t *testing.T) {
	s := newSite(t)
	var busy atomic.Int32
	s.handle("/busy", func(w http.ResponseWriter, r *http.Request) {
		if busy.Add(1) == 1 {
			w.Header().Set("Retry-After", "600")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v2"`)(w, r)
	})
	s.handle("/other", feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v1"`))
	down := newSite(t) // a host whose feed answers 503 without Retry-After
	down.handle("/down", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	down.handle("/up", feedWithETag(fmt.Sprintf(koreanRSS, down.URL), `"v1"`))
	st, c := storeAndClassifier(t)
	sources := []aggregate.Source{
		{Name: "busy", URL: s.URL + "/busy", Interval: time.Hour, Rank: 0},
		{Name: "other", URL: s.URL + "/other", Interval: time.Minute, Rank: 1},
		{Name: "down", URL: down.URL + "/down", Interval: time.Hour, Rank: 2},
		{Name: "up", URL: down.URL + "/up", Interval: time.Minute, Rank: 3},
	}
	clk := &clock{t: time.Now()}
	run := func() { cronRun(t, st, c, sources, clk.Now, 1) }
	run()                    // busy: 429; other: not sent; down: 503; up: asked
	clk.Add(5 * time.Minute) // within the Retry-After
	run()
	if n := len(s.requests("/other")); n != 0 {
		t.Errorf("within the Retry-After, the host's other feed was asked %d times", n)
	}
	if n := len(down.requests("/up")); n != 2 {
		t.Errorf("the feed beside a 503 without Retry-After was asked %d times in two runs, want 2", n)
	}
	clk.Add(10 * time.Minute) // past the Retry-After, within busy's own backoff
	run()
	if n, m := len(s.requests("/busy")), len(s.requests("/other")); n != 2 || m != 1 {
		t.Errorf("after the Retry-After, the host's feeds were asked %d and %d times, want 2 and 1", n, m)
	}
}

// TestQuietRoundsLogAtDebug: the process's first round logs its line at info;
// a later round that brought nothing (every source unchanged, none failed) logs
// it at debug, and one with new items at info again.
func TestQuietRoundsLogAtDebug(t *testing.T) {
	s := newSite(t)
	var extra atomic.Bool
	s.handle("/feed", func(w http.ResponseWriter, r *http.Request) {
		body := fmt.Sprintf(koreanRSS, s.URL)
		etag := `"v1"`
		if extra.Load() {
			body = strings.Replace(body, "<item>", `<item><title>정부, AI 반도체 지원 확대</title><link>/news/9</link><pubDate>Tue, 03 Mar 2026 11:00:00 KST</pubDate></item><item>`, 1)
			etag = `"v2"`
		}
		feedWithETag(body, etag)(w, r)
	})
	st, c := storeAndClassifier(t)
	var logs syncbuf.Buffer
	clk := &clock{t: time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC)}
	p := aggregate.NewPoller(st, fetch.New(nil, fetch.Options{Timeout: 5 * time.Second}), c,
		aggregate.PollerOptions{Concurrency: 1, MaxAge: 14 * 24 * time.Hour, Now: clk.Now, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	stored, states, err := st.SyncSources(context.Background(), []aggregate.Source{{Name: "x", URL: s.URL + "/feed", Interval: 10 * time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	p.SetSources(stored, states)
	rounds := func() int { return strings.Count(logs.String(), `msg="poll round"`) }
	p.PollAll(context.Background())
	if rounds() != 1 {
		t.Fatalf("first round: %d info lines\n%s", rounds(), logs.String())
	}
	clk.Add(time.Hour)
	p.PollAll(context.Background()) // 304
	if rounds() != 1 {
		t.Errorf("a round that brought nothing logged at info:\n%s", logs.String())
	}
	extra.Store(true)
	clk.Add(time.Hour)
	p.PollAll(context.Background())
	if rounds() != 2 {
		t.Errorf("a round with a new item: %d info lines in all, want 2\n%s", rounds(), logs.String())
	}
}

// TestRespeltURLIsPolledAtOnce: a source whose URL failed and is then fixed in
// the config to a spelling gleaner counts as the same source (a trailing
// slash) is polled at once at the fixed address, without the old address's
// validators; it waited out the old address's backoff.
func TestRespeltURLIsPolledAtOnce(t *testing.T) {
	s := newSite(t)
	s.handle("/feed/", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	s.handle("/feed", feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v1"`))
	h := newHarness(t, nil, aggregate.Source{Name: "typo", URL: s.URL + "/feed/", Interval: 15 * time.Minute})
	ctx := context.Background()
	for i := range 4 {
		if i > 0 {
			h.clock.Add(h.poller.Schedule()[h.src[0].ID].Sub(h.clock.Now()) + time.Second)
		}
		h.poller.PollAll(ctx)
	}
	st := h.status(t, 0)
	if st.ConsecutiveErrors < 3 {
		t.Fatalf("after polls of a 404: %+v, want a backoff", st)
	}
	if wait := h.poller.Schedule()[h.src[0].ID].Sub(h.clock.Now()); wait < 2*time.Minute {
		t.Fatalf("next poll in %v: want a backoff of minutes", wait)
	}
	fixed := h.src[0]
	fixed.URL = s.URL + "/feed"
	h.poller.SetSources([]aggregate.Source{fixed}, []aggregate.FetchState{{}})
	if next := h.poller.Schedule()[fixed.ID]; next.After(h.clock.Now()) {
		t.Errorf("the fixed URL is due in %v, want now", next.Sub(h.clock.Now()))
	}
	reports := h.poller.PollAll(ctx)
	if len(reports) != 1 || reports[0].Err != nil || reports[0].New == 0 {
		t.Fatalf("poll of the fixed URL: %+v", reports)
	}
	if got := s.requests("/feed"); len(got) != 1 || got[0].Header.Get("If-None-Match") != "" {
		t.Errorf("requests of the fixed URL: %d, want one without the old address's validators", len(got))
	}
}

// TestShorterIntervalBringsThePollForward: an interval shortened in the config
// applies from the last poll, not from the next one the old interval set.
func TestShorterIntervalBringsThePollForward(t *testing.T) {
	s := newSite(t)
	s.handle("/feed", feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v1"`))
	src := aggregate.Source{Name: "slow", URL: s.URL + "/feed", Interval: 10 * time.Hour}
	h := newHarness(t, nil, src)
	ctx := context.Background()
	h.clock.Add(time.Hour) // past the first polls' spread
	h.poller.PollAll(ctx)
	polled := h.clock.Now()
	if next := h.poller.Schedule()[h.src[0].ID]; next.Sub(polled) < 10*time.Hour {
		t.Fatalf("next poll in %v, want the 10h interval", next.Sub(polled))
	}
	faster := h.src[0]
	faster.Interval = 5 * time.Minute
	h.clock.Add(time.Minute)
	h.poller.SetSources([]aggregate.Source{faster}, []aggregate.FetchState{{}})
	if next := h.poller.Schedule()[faster.ID]; !next.Equal(polled.Add(5 * time.Minute)) {
		t.Errorf("after the interval became 5m: next poll %v after the last, want 5m", next.Sub(polled))
	}
	// Longer again: the next poll stays where it was (no earlier, no later).
	slower := faster
	slower.Interval = time.Hour
	h.poller.SetSources([]aggregate.Source{slower}, []aggregate.FetchState{{}})
	if next := h.poller.Schedule()[faster.ID]; !next.Equal(polled.Add(5 * time.Minute)) {
		t.Errorf("after the interval became 1h: next poll %v after the last, want 5m still", next.Sub(polled))
	}
}

// TestRetryAfterHoldsTheHostAfterARestart: a daemon restarted within a host's
// Retry-After asked the host's other feeds as soon as they were due: the hold
// lived in the fetch client of the process that got the 429.
func TestRetryAfterHoldsTheHostAfterARestart(t *testing.T) {
	s := newSite(t)
	s.handle("/busy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7200")
		w.WriteHeader(http.StatusTooManyRequests)
	})
	s.handle("/feed", feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v1"`))
	st, c := storeAndClassifier(t)
	sources := []aggregate.Source{
		{Name: "feed", URL: s.URL + "/feed", Interval: time.Minute, Rank: 0},
		{Name: "busy", URL: s.URL + "/busy", Interval: time.Minute, Rank: 1},
	}
	cronRun(t, st, c, sources, time.Now, 1) // the feed first, then the 429
	feed := len(s.requests("/feed"))
	if feed != 1 {
		t.Fatalf("first run asked the feed %d times, want once", feed)
	}
	// The restarted daemon, 40 minutes later by its clock: the other feed is
	// due (its ttl is 30 minutes), the host's hold of two hours is not over.
	later := func() time.Time { return time.Now().Add(40 * time.Minute) }
	p := aggregate.NewPoller(st, realClockHolds{fetch.New(nil, fetch.Options{Timeout: 5 * time.Second}), later}, c,
		aggregate.PollerOptions{Concurrency: 4, MaxBackoff: 12 * time.Hour, MaxAge: 14 * 24 * time.Hour, Now: later})
	stored, states, err := st.SyncSources(context.Background(), sources)
	if err != nil {
		t.Fatal(err)
	}
	p.SetSources(stored, states)
	if next := p.Schedule()[stored[0].ID]; next.After(later()) {
		t.Fatalf("the other feed is not due after the restart: next %v", next.Sub(later()))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	if err := p.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if n := len(s.requests("/feed")); n != feed {
		t.Errorf("the restarted daemon asked the busy host's other feed (%d requests, %d before) within its Retry-After", n, feed)
	}
	if n := len(s.requests("/busy")); n != 1 {
		t.Errorf("/busy asked %d times, want once", n)
	}
}

// TestRespeltURLAndShorterIntervalAtOnce: a reload that re-spells a healthy
// source's URL and shortens its interval applies both (it applied the first).
func TestRespeltURLAndShorterIntervalAtOnce(t *testing.T) {
	s := newSite(t)
	s.handle("/feed", feedWithETag(strings.Replace(fmt.Sprintf(koreanRSS, s.URL), "<ttl>30</ttl>", "", 1), `"v1"`))
	h := newHarness(t, nil, aggregate.Source{Name: "slow", URL: s.URL + "/feed", Interval: 10 * time.Hour})
	ctx := context.Background()
	h.clock.Add(time.Hour)
	h.poller.PollAll(ctx)
	polled := h.clock.Now()
	changed := h.src[0]
	changed.URL, changed.Interval = s.URL+"/feed#", 5*time.Minute
	h.poller.SetSources([]aggregate.Source{changed}, []aggregate.FetchState{{}})
	if next := h.poller.Schedule()[changed.ID]; !next.Equal(polled.Add(5 * time.Minute)) {
		t.Errorf("next poll %v after the last, want 5m", next.Sub(polled))
	}
}

// roundRecorder keeps the rounds an Observer is told of.
type roundRecorder struct {
	mu     sync.Mutex
	rounds []aggregate.RoundStats
}

func (r *roundRecorder) ObserveFetch(string, string, time.Duration) {}
func (r *roundRecorder) ObserveRound(rs aggregate.RoundStats) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rounds = append(r.rounds, rs)
}

// TestSaveErrorsAreCounted: a poll answered whose results could not be saved
// (the database full or locked) was counted as an ok fetch and nothing else:
// the round says how many, for gleaner_save_errors_total.
func TestSaveErrorsAreCounted(t *testing.T) {
	s := newSite(t)
	s.handle("/feed", feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v2"`))
	st, c := storeAndClassifier(t)
	rec := &roundRecorder{}
	sv := &saver{Store: st, fail: true}
	p := aggregate.NewPoller(sv, fetch.New(nil, fetch.Options{Timeout: 5 * time.Second}), c,
		aggregate.PollerOptions{Concurrency: 2, MaxBackoff: time.Hour, MaxAge: 14 * 24 * time.Hour, Observer: rec})
	stored, states, err := st.SyncSources(context.Background(), []aggregate.Source{{Name: "x", URL: s.URL + "/feed", Interval: 10 * time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	p.SetSources(stored, states)
	p.PollAll(context.Background())
	sv.fail = false
	p.PollAll(context.Background())
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.rounds) != 2 || rec.rounds[0].SaveErrors != 1 || rec.rounds[1].SaveErrors != 0 {
		t.Errorf("rounds %+v: want one save error in the first, none in the second", rec.rounds)
	}
}

// TestLongRoundPublishesAsItGoes: a source that answers slowly holds its round
// to its timeout; what the sources that answered brought is published
// meanwhile (OnChange every RefreshEvery), not only when the round ends.
func TestLongRoundPublishesAsItGoes(t *testing.T) {
	s, slow := newSite(t), newSite(t) // two hosts: one host's polls take turns
	s.handle("/fast", feedWithETag(fmt.Sprintf(koreanRSS, s.URL), `"v1"`))
	release := make(chan struct{})
	slow.handle("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	st, c := storeAndClassifier(t)
	var calls atomic.Int32
	published := make(chan int, 4) // curated entries at each OnChange
	p := aggregate.NewPoller(st, fetch.New(nil, fetch.Options{Timeout: 20 * time.Second}), c, aggregate.PollerOptions{
		Concurrency: 4, MaxBackoff: time.Hour, MaxAge: 14 * 24 * time.Hour, RefreshEvery: 100 * time.Millisecond,
		OnChange: func(ctx context.Context) {
			calls.Add(1)
			entries, err := st.Curated(ctx, aggregate.Query{Limit: 10})
			if err != nil {
				t.Error(err)
			}
			published <- len(entries)
		}})
	src, states, err := st.SyncSources(context.Background(), []aggregate.Source{
		{Name: "fast", URL: s.URL + "/fast", Interval: 15 * time.Minute}, {Name: "slow", URL: slow.URL + "/slow", Interval: 15 * time.Minute}})
	if err != nil {
		t.Fatal(err)
	}
	p.SetSources(src, states)
	done := make(chan []aggregate.Report)
	go func() { done <- p.PollAll(context.Background()) }()
	select {
	case n := <-published:
		if n == 0 {
			t.Errorf("published during the round with no entry")
		}
	case <-time.After(15 * time.Second):
		t.Fatal("nothing published while the slow source held the round")
	}
	close(release)
	<-done
	if n := calls.Load(); n != 1 {
		t.Errorf("OnChange ran %d times, want once: the slow source's failure changed nothing after it", n)
	}
}
