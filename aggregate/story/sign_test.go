package story

import (
	"reflect"
	"sync"
	"testing"
	"time"
)

// TestFindSigMatchesFind checks that the split API answers exactly as Find and Add do, so
// that the writer can take signatures made elsewhere without changing a single grouping.
func TestFindSigMatchesFind(t *testing.T) {
	items := readSet(t, "dev.jsonl")
	x, y := NewIndex(DefaultConfig()), NewIndex(DefaultConfig())
	for i, it := range items {
		d := labeledDoc(it, i)
		mx, okx := x.Find(d)
		sig := Sign(d)
		my, oky := y.FindSig(sig, d.Published)
		if mx != my || okx != oky {
			t.Fatalf("item %s: Find %+v,%v; FindSig %+v,%v", it.ID, mx, okx, my, oky)
		}
		sid := d.ID
		if okx {
			sid = mx.StoryID
		}
		x.Add(d, sid)
		y.AddSig(sig, d.ID, sid, d.Published)
	}
}

// TestSignConcurrent signs the same items on several goroutines at once (run with -race):
// Sign shares pooled buffers and must still return the same value everywhere.
func TestSignConcurrent(t *testing.T) {
	items := readSet(t, "dev.jsonl")
	want := make([]Signature, len(items))
	for i, it := range items {
		want[i] = Sign(labeledDoc(it, i))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := len(items) - 1; i >= 0; i-- {
				if got := Sign(labeledDoc(items[i], i)); !reflect.DeepEqual(got, want[i]) {
					errs <- items[i].ID
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for id := range errs {
		t.Errorf("%s: concurrent Sign differs", id)
	}
}

func TestAnchors(t *testing.T) {
	sig := Sign(doc("정부, AI 추경 1.8조 편성…GPU 1만장", "상원은 99-1로 가결했다. 2,500억원은 1,5배."))
	var sh shingler
	for _, n := range []string{"1.8", "1", "99", "2.500", "1.5"} {
		sh.anchors = sh.anchors[:0]
		sh.addAnchors(n)
		found := false
		for _, a := range sig.set.anchors() {
			found = found || a == sh.anchors[0]
		}
		if !found {
			t.Errorf("anchor %q missing", n)
		}
	}
	if n := len(sig.set.anchors()); n != 5 {
		t.Errorf("%d anchors, want 5 (1.8, 1, 99, 2.500, 1.5)", n)
	}
	if s := Sign(doc("no numbers here", "")); len(s.set.anchors()) != 0 {
		t.Errorf("%d anchors in a text without numbers", len(s.set.anchors()))
	}
}

// TestShortItemJoins: a title-only rewrite is wholly contained in the full report, which its
// Jaccard similarity alone (short set against long) would not show; a title that shares only
// two of the subject's words with the report does not join. (Three or four shared names in a
// bare title can: see the report of the overlap's precision on holdout.jsonl.)
func TestShortItemJoins(t *testing.T) {
	full := item(1, t0, "Japan Cabinet approves first AI basic plan, eyes 1 trillion yen support",
		"Japan's Cabinet on Tuesday approved the country's first basic plan on artificial intelligence under last year's AI promotion law, aiming to mobilise 1 trillion yen in public and private support for domestic AI development over five years. The plan sets up a strategy headquarters led by the prime minister, asks companies to cooperate with government investigations into harmful uses, and names research, compute, data centres, skills and international rule-making as its five priorities for the next decade.")
	short := item(2, t0.Add(time.Hour), "Japan Cabinet approves AI basic plan with 1 trillion yen goal", "")
	other := item(3, t0.Add(time.Hour), "Japan chip startup raises funds for AI servers", "")
	a, b, c := Sign(full), Sign(short), Sign(other)
	e := compare(&a.set, &b.set)
	if e.similarity >= DefaultThreshold || e.score < DefaultThreshold {
		t.Errorf("title-only rewrite: similarity %.3f, score %.3f; want similarity below the threshold and score above it", e.similarity, e.score)
	}
	ix := NewIndex(DefaultConfig())
	ix.AddSig(a, 1, 1, full.Published)
	if m, ok := ix.FindSig(b, short.Published); !ok || m.StoryID != 1 || m.Overlap <= m.Similarity {
		t.Errorf("title-only rewrite: FindSig = %+v, %v; want story 1 through the overlap", m, ok)
	}
	if e := compare(&a.set, &c.set); e.score >= DefaultThreshold {
		t.Errorf("unrelated short title: score %.3f, want below %.2f", e.score, DefaultThreshold)
	}
}

// TestAnchorsDisagree: the same wording with other numbers scores lower than with the same.
func TestAnchorsDisagree(t *testing.T) {
	a := Sign(doc("과방위 소위, AI 기본법 개정안 의결", "과태료 부과를 2029년까지 3년 유예하는 개정안이 2일 소위를 통과했다."))
	b := Sign(doc("과방위 소위, AI 기본법 개정안 의결", "과태료 부과를 2029년까지 3년 유예하는 개정안이 2일 소위를 통과했다."))
	c := Sign(doc("과방위 소위, AI 기본법 개정안 의결", "과태료 부과를 2030년까지 4년 유예하는 개정안이 5일 소위를 통과했다."))
	same, other := compare(&a.set, &b.set), compare(&a.set, &c.set)
	if same.anchors != 1 || other.anchors != 0 || other.score >= same.score*(1-anchorWeight)+1e-9 {
		t.Errorf("same numbers %+v, other numbers %+v", same, other)
	}
}
