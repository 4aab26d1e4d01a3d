package story

import (
	"fmt"
	"hash/fnv"
	"math"
	"strings"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2025, 4, 15, 10, 0, 0, 0, time.UTC)

func item(id int64, at time.Time, title, summary string) Doc {
	return Doc{ID: id, Title: title, Summary: summary, Published: at}
}

const (
	decreeTitle   = "AI 기본법 시행령 초안 공개…고영향 AI 사업자 책무 구체화"
	decreeSummary = "과학기술정보통신부는 15일 내년 1월 시행되는 AI 기본법의 시행령 초안을 공개했다. 초안은 고영향 인공지능 판단 기준과 사업자 책무, 생성형 AI 결과물 표시 방법 등을 구체화했으며, 과태료 부과는 최소 1년 이상 계도기간을 두기로 했다."
)

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		c    Config
		want string // substring of the error, "" for none
	}{
		{"default", DefaultConfig(), ""},
		{"threshold one", Config{Window: time.Hour, Threshold: 1, CrossThreshold: 1}, ""},
		{"zero window", Config{Window: 0, Threshold: 0.2, CrossThreshold: 0.3}, "window must be positive"},
		{"negative window", Config{Window: -time.Hour, Threshold: 0.2, CrossThreshold: 0.3}, "window must be positive"},
		{"zero threshold", Config{Window: time.Hour, Threshold: 0, CrossThreshold: 0.3}, "threshold must be in (0,1]"},
		{"negative threshold", Config{Window: time.Hour, Threshold: -0.5, CrossThreshold: 0.3}, "threshold must be in (0,1]"},
		{"threshold above one", Config{Window: time.Hour, Threshold: 1.5, CrossThreshold: 0.3}, "threshold must be in (0,1]"},
		{"NaN threshold", Config{Window: time.Hour, Threshold: math.NaN(), CrossThreshold: 0.3}, "threshold must be in (0,1]"},
		{"NaN cross threshold", Config{Window: time.Hour, Threshold: 0.2, CrossThreshold: math.NaN()}, "cross_threshold must be in (0,1]"},
		{"alias of one name", Config{Window: time.Hour, Threshold: 0.2, CrossThreshold: 0.3, Aliases: [][]string{{"엔비디아", "Nvidia"}, {"MSIT"}}}, "aliases[1]: a concept needs at least two names"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
	// Both bad fields are named at once.
	err := Config{}.Validate()
	if err == nil || !strings.Contains(err.Error(), "window") || !strings.Contains(err.Error(), "threshold") {
		t.Errorf("Config{}.Validate() = %v, want both fields named", err)
	}
}

func TestFindOnEmptyIndex(t *testing.T) {
	ix := NewIndex(DefaultConfig())
	if m, ok := ix.Find(item(1, t0, decreeTitle, decreeSummary)); ok {
		t.Errorf("Find on empty index = %+v, true; want false", m)
	}
	if n := ix.Len(); n != 0 {
		t.Errorf("Len = %d, want 0", n)
	}
}

func TestFindJoinsRewrite(t *testing.T) {
	ix := NewIndex(DefaultConfig())
	ix.Add(item(1, t0, decreeTitle, "(서울=연합뉴스) 조성미 기자 = "+decreeSummary), 1)
	ix.Add(item(2, t0.Add(time.Hour), "개인정보위, 딥시크 국내 신규 다운로드 잠정 중단", "개인정보보호위원회는 딥시크 앱의 국내 신규 다운로드가 잠정 중단됐다고 밝혔다."), 2)

	rewrite := item(3, t0.Add(40*time.Minute), "AI 기본법 시행령 초안 나왔다…고영향 AI 기준·표시 의무 구체화",
		"(서울=뉴스1) 김승준 기자 = 과학기술정보통신부가 AI 기본법 시행령 초안을 15일 공개했다. 시행령 초안에는 고영향 AI 판단 기준과 사업자 책무, 생성형 AI 결과물 표시 방법이 담겼다. 과태료 부과에 앞서 1년 이상의 계도기간을 운영할 계획이다.")
	m, ok := ix.Find(rewrite)
	if !ok || m.StoryID != 1 || m.ItemID != 1 {
		t.Fatalf("Find(rewrite) = %+v, %v; want story 1 via item 1", m, ok)
	}
	if m.Score < storyShare || m.Similarity < DefaultConfig().Threshold || m.Cross {
		t.Errorf("match %+v: want a same-language similarity above the threshold and a score of at least %v", m, storyShare)
	}
}

func TestWindow(t *testing.T) {
	c := DefaultConfig()
	ix := NewIndex(c)
	// A text that names no day of its event.
	undated := strings.Replace(decreeSummary, "15일 ", "", 1)
	if undated == decreeSummary {
		t.Fatal("decreeSummary no longer names the 15th")
	}
	ix.Add(item(1, t0, decreeTitle, undated), 1)

	// Even an identical text stops grouping once the time discount takes its score below the
	// threshold, at (1-Threshold)*Window, and never groups outside the window.
	edge := time.Duration((1 - c.Threshold) * float64(c.Window))
	for _, d := range []time.Duration{edge - time.Minute, -edge + time.Minute} {
		if _, ok := ix.Find(item(2, t0.Add(d), decreeTitle, undated)); !ok {
			t.Errorf("identical item %s away: not found, want found", d)
		}
	}
	for _, d := range []time.Duration{edge + time.Minute, c.Window + time.Second, -c.Window - time.Second} {
		if m, ok := ix.Find(item(3, t0.Add(d), decreeTitle, undated)); ok {
			t.Errorf("identical item %s away: Find = %+v, want no match", d, m)
		}
	}

	// Two reports that name the same day of their event (the 15th) reach further: the
	// evidence falls to nothing over sameDayReach windows, from sameDayWeight.
	dated := NewIndex(c)
	dated.Add(item(1, t0, decreeTitle, decreeSummary), 1)
	reach := sameDayReach * c.Window
	dedge := time.Duration((1 - c.Threshold/sameDayWeight) * float64(reach))
	for _, d := range []time.Duration{c.Window + time.Hour, dedge - time.Minute} {
		if _, ok := dated.Find(item(2, t0.Add(d), decreeTitle, decreeSummary)); !ok {
			t.Errorf("identical dated item %s away: not found, want found", d)
		}
		// The same report naming no day stays outside the window.
		if m, ok := dated.Find(item(2, t0.Add(d), decreeTitle, undated)); ok {
			t.Errorf("identical undated item %s away: Find = %+v, want no match", d, m)
		}
	}
	for _, d := range []time.Duration{dedge + time.Minute, reach + time.Second} {
		if m, ok := dated.Find(item(3, t0.Add(d), decreeTitle, decreeSummary)); ok {
			t.Errorf("identical dated item %s away: Find = %+v, want no match", d, m)
		}
	}
	// Naming another day (the 16th) keeps the window.
	other := strings.Replace(decreeSummary, "15일", "16일", 1)
	if m, ok := dated.Find(item(4, t0.Add(c.Window+time.Hour), decreeTitle, other)); ok {
		t.Errorf("item naming another day %s away: Find = %+v, want no match", c.Window+time.Hour, m)
	}

	// A Korean and an English report that name no day fall over crossWindows windows.
	cross := NewIndex(c)
	cross.Add(item(1, t0, "Italy's privacy watchdog opens probe into OpenAI's Sora", "The authority asked OpenAI to explain how the model is trained."), 1)
	cross.Add(item(2, t0, "伊 개인정보 당국, 오픈AI 소라 조사 착수", "이탈리아 개인정보보호 당국이 오픈AI에 설명을 요구했다."), 2)
	en, ko := &cross.slots[0], &cross.slots[1]
	if en.vec.dense || !ko.vec.dense {
		t.Fatal("the two reports are not one of each language")
	}
	for _, d := range []time.Duration{time.Hour, c.Window + 12*time.Hour, crossWindows*c.Window - time.Hour, crossWindows*c.Window + time.Second} {
		pko, pen := newProbe(&ko.vec, t0.Add(d)), newProbe(&en.vec, t0.Add(d))
		want := linearFall(int64(d), int64(crossWindows*c.Window))
		if got := cross.timeWeight(&pko, en); got != want {
			t.Errorf("Korean report %s after the English: weight %.3f, want %.3f", d, got, want)
		}
		if got, same := cross.timeWeight(&pen, en), linearFall(int64(d), int64(c.Window)); got != same {
			t.Errorf("English report %s after the English: weight %.3f, want %.3f", d, got, same)
		}
	}

	// The score falls with the time between the items.
	sig := ix.Sign(item(4, t0, decreeTitle, decreeSummary))
	p1, p2 := newProbe(&sig.vec, t0.Add(time.Hour)), newProbe(&sig.vec, t0.Add(24*time.Hour))
	r1, _, _ := ix.pair(&p1, &ix.slots[0])
	r2, _, _ := ix.pair(&p2, &ix.slots[0])
	if !(r1 > r2 && r2 > 0) {
		t.Errorf("score 1h later %.3f, 24h later %.3f; want it lower a day later", r1, r2)
	}
}

func TestPrune(t *testing.T) {
	ix := NewIndex(DefaultConfig())
	texts := []string{
		"과기정통부, AI 대학원 5곳 추가 공모…최대 10년 지원",
		"금융위, 망분리 완화…연내 금융사 생성형 AI 활용 허용",
		"산업부, 2030년까지 AI 팩토리 500곳 구축…제조 AI 전환 전략",
	}
	for i, s := range texts {
		ix.Add(item(int64(i+1), t0.Add(time.Duration(i)*time.Hour), s, ""), int64(i+1))
	}
	ix.Prune(t0.Add(90 * time.Minute)) // drops the first two
	if n := ix.Len(); n != 1 {
		t.Fatalf("Len after Prune = %d, want 1", n)
	}
	for i, s := range texts {
		_, ok := ix.Find(item(10, t0.Add(2*time.Hour), s, ""))
		if want := i == 2; ok != want {
			t.Errorf("after Prune, Find(%q) found = %v, want %v", s, ok, want)
		}
	}
	// A freed slot is reused and behaves like a new one.
	ix.Add(item(20, t0.Add(3*time.Hour), texts[0], ""), 20)
	if m, ok := ix.Find(item(21, t0.Add(3*time.Hour), texts[0], "")); !ok || m.StoryID != 20 {
		t.Errorf("after reuse: Find = %+v, %v; want story 20", m, ok)
	}
	if n := ix.Len(); n != 2 {
		t.Errorf("Len = %d, want 2", n)
	}
	ix.Prune(t0.Add(100 * time.Hour))
	if n, buckets := ix.Len(), ix.buckets.len(); n != 0 || buckets != 0 {
		t.Errorf("after pruning everything: Len = %d, buckets = %d; want 0, 0", n, buckets)
	}
}

// TestSignatureIsFixed pins the features and weights of one text. The index is rebuilt from
// the store on every start and must answer as before, so the hashes may never depend on the
// process (a per-process seed would still pass every other test in a single run).
func TestSignatureIsFixed(t *testing.T) {
	sig := Sign(item(1, t0, decreeTitle, decreeSummary))
	h := fnv.New64a()
	for i, f := range sig.vec.h {
		fmt.Fprintf(h, "%x:%.4f:%v,", f, sig.vec.w[i], sig.vec.isShared(i))
	}
	fmt.Fprintf(h, "%v", sig.vec.dates.r[:sig.vec.dates.n])
	if got := h.Sum64(); got != wantSignatureSum {
		t.Errorf("signature checksum = %#x, want %#x: the features changed, so indexes rebuilt after an upgrade answer differently", got, wantSignatureSum)
	}
}

const wantSignatureSum uint64 = 0x37310304b970e189

func TestDeterministicGrouping(t *testing.T) {
	items := readSet(t, "dev.jsonl")
	a := Evaluate(DefaultConfig(), items)
	b := Evaluate(DefaultConfig(), items)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("two runs over the same items gave different reports")
	}
	// Two indexes fed the same items answer the same, match by match.
	x, y := NewIndex(DefaultConfig()), NewIndex(DefaultConfig())
	for i, it := range items {
		d := labeledDoc(it, i)
		mx, okx := x.Find(d)
		my, oky := y.Find(d)
		if mx != my || okx != oky {
			t.Fatalf("item %s: %+v,%v vs %+v,%v", it.ID, mx, okx, my, oky)
		}
		sid := d.ID
		if okx {
			sid = mx.StoryID
		}
		x.Add(d, sid)
		y.Add(d, sid)
	}
}
func TestConcurrentUse(t *testing.T) {
	ix := NewIndex(DefaultConfig())
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				id := int64(g*100 + i)
				d := item(id, t0.Add(time.Duration(i)*time.Minute), fmt.Sprintf("정부 AI 정책 발표 %d", i%7), decreeSummary)
				if m, ok := ix.Find(d); ok {
					ix.Add(d, m.StoryID)
				} else {
					ix.Add(d, id)
				}
				if i%10 == 0 {
					ix.Prune(t0.Add(-time.Hour))
				}
			}
		}()
	}
	wg.Wait()
	if n := ix.Len(); n != 400 {
		t.Errorf("Len = %d, want 400", n)
	}
}

// TestStoryScoreInOwnLanguage: a Korean report that rewrites a story's Korean member joins
// the story although the story's English members share little with it. The mean it needs
// is taken over the members in its own language; over all four members it would be the
// strong pair diluted by three weak ones, under storyShare.
func TestStoryScoreInOwnLanguage(t *testing.T) {
	ix := NewIndex(DefaultConfig())
	ix.Add(item(1, t0, decreeTitle, decreeSummary), 100)
	for i, title := range []string{
		"Korea publishes draft decree for its AI Basic Act",
		"Seoul sets out duties for high-impact AI operators",
		"Fines under Korea's AI law to wait at least a year",
	} {
		ix.Add(item(int64(2+i), t0.Add(time.Duration(i+1)*time.Hour), title, ""), 100)
	}
	probe := item(9, t0.Add(5*time.Hour), "과기정통부, AI 기본법 시행령 초안 공개…고영향 AI 사업자 책무 담아",
		"과학기술정보통신부가 15일 AI 기본법 시행령 초안을 공개했다. 고영향 인공지능 판단 기준과 사업자 책무, 생성형 AI 결과물 표시 방법을 담았다.")
	m, ok := ix.Find(probe)
	if !ok || m.StoryID != 100 || m.Cross {
		t.Fatalf("Find = %+v, %v; want story 100 through its Korean member", m, ok)
	}
	// The same probe against the Korean member alone scores the same mean: the English
	// members did not count.
	alone := NewIndex(DefaultConfig())
	alone.Add(item(1, t0, decreeTitle, decreeSummary), 100)
	m2, ok2 := alone.Find(probe)
	if !ok2 || m2.Score != m.Score {
		t.Errorf("mean with the English members %.3f, with the Korean member alone %.3f (%v)", m.Score, m2.Score, ok2)
	}
}

// TestCandidatesPerStory: a lookup compares at most maxStoryCandidates members of one story,
// however many share its keys, and still finds the story.
func TestCandidatesPerStory(t *testing.T) {
	ix := NewIndex(DefaultConfig())
	for i := int64(1); i <= 40; i++ {
		ix.Add(item(i, t0.Add(time.Duration(i)*time.Minute), decreeTitle, decreeSummary), 1)
	}
	before := ix.compared
	m, ok := ix.Find(item(100, t0.Add(time.Hour), decreeTitle, decreeSummary))
	if !ok || m.StoryID != 1 {
		t.Fatalf("Find = %+v, %v; want story 1", m, ok)
	}
	if got := ix.compared - before; got != maxStoryCandidates {
		t.Errorf("compared %d members of the one story, want %d", got, maxStoryCandidates)
	}
}
