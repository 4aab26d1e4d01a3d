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
		{"threshold one", Config{Window: time.Hour, Threshold: 1}, ""},
		{"zero window", Config{Window: 0, Threshold: 0.2}, "window must be positive"},
		{"negative window", Config{Window: -time.Hour, Threshold: 0.2}, "window must be positive"},
		{"zero threshold", Config{Window: time.Hour, Threshold: 0}, "threshold must be in (0,1]"},
		{"negative threshold", Config{Window: time.Hour, Threshold: -0.5}, "threshold must be in (0,1]"},
		{"threshold above one", Config{Window: time.Hour, Threshold: 1.5}, "threshold must be in (0,1]"},
		{"NaN threshold", Config{Window: time.Hour, Threshold: math.NaN()}, "threshold must be in (0,1]"},
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
	if m.Score > m.Similarity || m.Score < DefaultConfig().Threshold {
		t.Errorf("Score %.3f should be at most Similarity %.3f and at least the threshold", m.Score, m.Similarity)
	}
	if exact := Similarity(rewrite, item(1, t0, decreeTitle, decreeSummary)); math.Abs(exact-m.Similarity) > 0.1 {
		t.Errorf("estimate %.3f far from exact %.3f", m.Similarity, exact)
	}
}

func TestWindow(t *testing.T) {
	c := DefaultConfig()
	ix := NewIndex(c)
	ix.Add(item(1, t0, decreeTitle, decreeSummary), 1)

	// Even an identical text stops grouping once the time discount takes its score below the
	// threshold, at (1-Threshold)*Window, and never groups outside the window.
	edge := time.Duration((1 - c.Threshold) * float64(c.Window))
	for _, d := range []time.Duration{edge - time.Minute, -edge + time.Minute} {
		if _, ok := ix.Find(item(2, t0.Add(d), decreeTitle, decreeSummary)); !ok {
			t.Errorf("identical item %s away: not found, want found", d)
		}
	}
	for _, d := range []time.Duration{edge + time.Minute, c.Window + time.Second, -c.Window - time.Second} {
		if m, ok := ix.Find(item(3, t0.Add(d), decreeTitle, decreeSummary)); ok {
			t.Errorf("identical item %s away: Find = %+v, want no match", d, m)
		}
	}
	// The score falls with the time between the items.
	m1, _ := ix.Find(item(4, t0.Add(time.Hour), decreeTitle, decreeSummary))
	m2, _ := ix.Find(item(5, t0.Add(24*time.Hour), decreeTitle, decreeSummary))
	if !(m1.Similarity == 1 && m2.Similarity == 1 && m1.Score > m2.Score) {
		t.Errorf("1h: %+v, 24h: %+v; want similarity 1 for both and a lower score a day later", m1, m2)
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

// TestSignatureIsFixed pins the MinHash of one text. The index is rebuilt from the store on
// every start and must answer as before, so the hash functions may never depend on the
// process (a per-process seed would still pass every other test in a single run).
func TestSignatureIsFixed(t *testing.T) {
	sig := Sign(item(1, t0, decreeTitle, decreeSummary))
	h := fnv.New64a()
	for _, v := range sig.mins {
		fmt.Fprintf(h, "%d,", v)
	}
	if got := h.Sum64(); got != wantSignatureSum {
		t.Errorf("signature checksum = %#x, want %#x: the hash functions changed, so indexes rebuilt after an upgrade answer differently", got, wantSignatureSum)
	}
}

const wantSignatureSum = 0x23a578ebc5076732

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

// TestEstimateTracksExact checks that the fingerprint estimate that rules candidates out
// stays close to the exact Jaccard similarity that decides.
func TestEstimateTracksExact(t *testing.T) {
	items := readSet(t, "dev.jsonl")
	var sum float64
	n := 0
	for i := 0; i+1 < len(items); i += 2 {
		a, b := labeledDoc(items[i], i), labeledDoc(items[i+1], i+1)
		sa, sb := Sign(a), Sign(b)
		d := math.Abs(estimate(&sa.fp, &sb.fp) - Similarity(a, b))
		if d > 0.15 {
			t.Errorf("%s/%s: estimate off by %.3f", items[i].ID, items[i+1].ID, d)
		}
		sum += d
		n++
	}
	if mean := sum / float64(n); mean > 0.03 {
		t.Errorf("mean absolute error %.3f, want <= 0.03", mean)
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

func TestChooseBanding(t *testing.T) {
	for _, th := range []float64{0.05, 0.1, 0.21, 0.5, 0.9, 1} {
		b := chooseBanding(th)
		if b.bands*b.rows > numHashes || b.bands > maxBands {
			t.Errorf("threshold %v: %+v does not fit the signature", th, b)
		}
		if p := pCandidate(th, b.bands, b.rows); p < 0.9 && b.rows > 1 {
			t.Errorf("threshold %v: %+v finds a pair at the threshold with p=%.3f", th, b, p)
		}
	}
	if b := chooseBanding(DefaultThreshold); b.rows < 2 {
		t.Errorf("default threshold banding %+v: one row per band would make every same-topic item a candidate", b)
	}
}

// TestFingerprintNeverBelowMinHash checks what lets the fingerprint stand in for the MinHash
// values without changing a decision: its word-at-a-time count is the byte-by-byte one, it
// counts every position whose values agree, and mayReach never turns a pair away for
// agreeing more.
func TestFingerprintNeverBelowMinHash(t *testing.T) {
	items := readSet(t, "dev.jsonl")
	sigs := make([]Signature, len(items))
	for i, it := range items {
		sigs[i] = Sign(labeledDoc(it, i))
	}
	above := 0
	for i := range sigs {
		for j := i; j < len(sigs); j += 7 {
			a, b := &sigs[i], &sigs[j]
			values, bytes := 0, 0
			for k := range numHashes {
				if a.mins[k] == b.mins[k] {
					values++
				}
				if byte(a.fp[k/8]>>(8*(k%8))) == byte(b.fp[k/8]>>(8*(k%8))) {
					bytes++
				}
			}
			if got := estimate(&a.fp, &b.fp); got != float64(bytes)/numHashes {
				t.Fatalf("%s/%s: estimate %v, counting bytes gives %d/%d", items[i].ID, items[j].ID, got, bytes, numHashes)
			}
			if bytes < values {
				t.Fatalf("%s/%s: %d fingerprint bytes agree, fewer than the %d values", items[i].ID, items[j].ID, bytes, values)
			}
			if bytes > values {
				above++
			}
		}
	}
	if above == 0 {
		t.Error("no pair's fingerprints agreed by chance where the values differ: are they the values' bytes?")
	}
	for _, sizes := range [][2]int{{1, 1}, {8, 200}, {40, 45}, {200, 3}} {
		for _, min := range []float64{0.05, 0.21, 0.5, 1} {
			was := false
			for n := 0; n <= numHashes; n++ {
				now := mayReach(float64(n)/numHashes, sizes[0], sizes[1], min)
				if was && !now {
					t.Fatalf("mayReach(%d/256, %v, %v) false after true for fewer agreements", n, sizes, min)
				}
				was = now
			}
		}
	}
}
