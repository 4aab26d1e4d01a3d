package aggregate

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate/story"
)

func groupItems(n int, at time.Time) []Item {
	topics := []string{"AI basic act passes the National Assembly", "export controls on AI chips tightened",
		"AI safety institute opens in Seoul", "copyright rules for AI training data proposed"}
	var out []Item
	for i := range n {
		t := topics[i%len(topics)]
		out = append(out, Item{ID: int64(i + 1), StoryID: int64(i%len(topics) + 1),
			Title:     fmt.Sprintf("%s, outlet %d reports", t, i),
			Summary:   fmt.Sprintf("Lawmakers and officials said on day %d that %s after months of debate.", i%3, t),
			Published: at.Add(-time.Duration(i) * time.Minute)})
	}
	return out
}

// TestGrouperLoadsOnFirstUse checks that a grouper with a loader reads the store
// only when it is first used, that Load (signing on every core) indexes exactly
// what adding each item in turn does, and that a failed load is reported and
// tried again.
func TestGrouperLoadsOnFirstUse(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	stored := groupItems(300, now)
	probe := Item{ID: 1000, Title: "AI safety institute opens in Seoul, a late report", Summary: "Officials said on day 1 that AI safety institute opens in Seoul after months of debate.", Published: now}

	// Reference: every stored item added in turn.
	ref := NewStoryGrouper(story.DefaultConfig()).WithClock(clock)
	for i := range stored {
		it := stored[i]
		ref.Add(&it, it.StoryID)
	}
	p := probe
	wantStory, wantSim, wantOK := ref.Find(&p)
	if !wantOK {
		t.Fatal("the probe joins no story even in the reference index; the test data is wrong")
	}

	calls, fail := 0, true
	var reported []error
	g := NewStoryGrouper(story.DefaultConfig()).WithClock(clock).WithLoader(func() ([]Item, error) {
		calls++
		if fail {
			return nil, errors.New("database is locked")
		}
		return groupItems(300, now), nil
	}, func(n int, _ time.Duration, err error) {
		if err != nil {
			reported = append(reported, err)
		} else if n != len(stored) {
			t.Errorf("report: %d items loaded, want %d", n, len(stored))
		}
	})
	it := probe
	g.Prepare(&it) // workers sign without loading
	if calls != 0 {
		t.Fatalf("Prepare loaded the index (%d calls)", calls)
	}
	if _, _, ok := g.Find(&it); ok || calls != 1 || len(reported) != 1 {
		t.Fatalf("failed load: ok %v, %d calls, reported %v", ok, calls, reported)
	}
	fail = false
	id, sim, ok := g.Find(&it)
	if calls != 2 {
		t.Fatalf("the load after a failure was not retried: %d calls", calls)
	}
	if id != wantStory || sim != wantSim || ok != wantOK {
		t.Errorf("after Load: story %d sim %v ok %v; adding in turn gives %d %v %v", id, sim, ok, wantStory, wantSim, wantOK)
	}
	if g.Len() != ref.Len() {
		t.Errorf("Load indexed %d items, adding in turn %d", g.Len(), ref.Len())
	}
	g.Find(&it)
	g.Add(&it, id)
	if calls != 2 {
		t.Errorf("loaded again after success: %d calls", calls)
	}
}

// TestAssignGroupsAsOneAtATime checks that deciding the stories of a save's items
// before it (Assign, with the index of stored items and one of the items before
// each) groups them as looking each one up and adding it in turn did, and that a
// report of the same URL goes with it.
func TestAssignGroupsAsOneAtATime(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	stored := groupItems(40, now.Add(-2*time.Hour))
	topics := [][2]string{
		{"Commerce revises export licences for Nvidia H20 chips", "Licence holders must report every shipment of H20 accelerators to China within 30 days."},
		{"Fair Trade Commission fines Kakao 27 billion won over ranking algorithm", "Regulators said the platform pushed its own taxi service ahead of rivals in search results."},
		{"Education ministry bans generative chatbots from university exams", "Universities must block ChatGPT and similar tools during tests from the spring semester."},
		{"Copyright office registers first script written with an AI assistant", "The registration covers only the human author's edits, the office said in a ruling."},
	}
	var batch []Item
	for i := range 24 {
		tp := topics[i%len(topics)]
		batch = append(batch, Item{Title: fmt.Sprintf("%s (report %d)", tp[0], i),
			Summary:   tp[1],
			URL:       fmt.Sprintf("https://news.example/%d", i),
			Published: now.Add(-time.Duration(i) * time.Minute)})
	}
	batch[7].URL = batch[2].URL      // the same article from two sources
	for _, i := range []int{5, 14} { // later reports of stored stories
		batch[i].Title, batch[i].Summary = stored[i].Title+", a late report", stored[i].Summary
	}

	g := NewStoryGrouper(story.DefaultConfig()).WithClock(clock)
	ref := NewStoryGrouper(story.DefaultConfig()).WithClock(clock)
	for i := range stored {
		a, b := stored[i], stored[i]
		g.Add(&a, a.StoryID)
		ref.Add(&b, b.StoryID)
	}
	label := func(story int64, first int) string {
		if story > 0 {
			return fmt.Sprint("S", story)
		}
		return fmt.Sprint("new", first)
	}

	// One at a time in order of publication, as Assign decides them: the same
	// URL's story, else Find, else a new story; then Add.
	want := make([]string, len(batch))
	byURL := map[string]int64{}
	newStory := map[int64]int{}            // new story id -> the item that started it
	for i := len(batch) - 1; i >= 0; i-- { // the batch lists the newest first
		it := batch[i]
		it.ID = int64(1000 + i)
		id, ok := byURL[it.URL]
		if !ok {
			id, _, ok = ref.Find(&it)
		}
		if !ok {
			id = int64(5000 + i)
			newStory[id] = i
		}
		byURL[it.URL] = id
		ref.Add(&it, id)
		if first, isNew := newStory[id]; isNew {
			want[i] = label(0, first)
		} else {
			want[i] = label(id, 0)
		}
	}

	items := slices.Clone(batch)
	needs := make([]StoryNeed, len(items))
	for i := range items {
		needs[i] = StoryNeed{Item: &items[i]}
	}
	before := g.Len()
	g.Assign(needs)
	got := make([]string, len(items))
	firstOf := map[int]int{}
	for i := len(needs) - 1; i >= 0; i-- {
		n := needs[i]
		if n.Choice.Story != 0 {
			got[i] = label(n.Choice.Story, 0)
			continue
		}
		if _, ok := firstOf[n.Choice.Group]; !ok {
			firstOf[n.Choice.Group] = i
		}
		got[i] = label(0, firstOf[n.Choice.Group])
	}
	if !slices.Equal(got, want) {
		t.Errorf("Assign grouped\n%q\none at a time\n%q", got, want)
	}
	if got[2] != got[7] || needs[2].Choice.Similarity != 1 {
		t.Errorf("the same URL: %q %+v, want %q with similarity 1", got[2], needs[2].Choice, got[7])
	}
	groupsFound := 0
	for _, w := range want {
		if w[0] == 'n' {
			groupsFound++
		}
	}
	if groupsFound == 0 || groupsFound == len(want) {
		t.Fatalf("the test data should start some stories and join others: %q", want)
	}

	// Saved, the items are indexed as members of their stories.
	for i := range items {
		items[i].ID, items[i].StoryID = int64(1000+i), int64(1+i%3)
	}
	items[0].StoryID = 0 // not saved
	g.Added(needs)
	if g.Len() != before+len(items)-1 {
		t.Errorf("Added indexed %d items, want %d", g.Len()-before, len(items)-1)
	}
}

// TestSignatureCache checks that the grouper's cache of signatures gives each
// item what signing it gives, for copies of one text published at other times
// (the text names a day, which the index places by the published time), and
// signs copies published hours apart, as outlets carry a wire story, once.
// Should signing come to read more of an item, the cache must key on it too.
func TestSignatureCache(t *testing.T) {
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	g := NewStoryGrouper(story.DefaultConfig())
	text := Item{Title: "정부, 27일 AI 기본법 시행령 확정", Summary: "과학기술정보통신부는 27일 시행령을 확정했다고 어제 밝혔다."}
	for i, pub := range []time.Time{at, at.Add(-40 * time.Hour), at.Add(30 * 24 * time.Hour), at} {
		it := text
		it.ID, it.Published = int64(i+1), pub
		g.Prepare(&it)
		if want := g.ix.Sign(storyDoc(&it)); !reflect.DeepEqual(*it.storySig, want) {
			t.Fatalf("item %d published %s: the cached signature is not the item's", i, pub)
		}
	}
	x, y := text, text
	x.Published, y.Published, y.ID = at, at.Add(3*time.Hour), 77
	g.Prepare(&x)
	g.Prepare(&y)
	if x.storySig != y.storySig {
		t.Errorf("the same text published three hours apart was signed twice")
	}
}

// TestConcurrentSavesKeepTheirStories runs saves from two goroutines at once, as
// the poller's and a reclassification's do: each item ends in the index under the
// story its own save gave it.
func TestConcurrentSavesKeepTheirStories(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	g := NewStoryGrouper(story.DefaultConfig()).WithClock(func() time.Time { return now })
	// Made-up words, a new one each time: no item is like another.
	word := func(r *rand.Rand) string {
		// Base 26 with its digits moved to q-z: letters only, as words are.
		return strings.Map(func(c rune) rune {
			if c <= '9' {
				return 'q' + c - '0'
			}
			return c
		}, strconv.FormatUint(r.Uint64()>>24, 26))
	}
	const perWorker = 200
	items := make([][]Item, 2)
	for w := range items {
		r := rand.New(rand.NewPCG(uint64(w), 9))
		for range perWorker {
			items[w] = append(items[w], Item{Published: now,
				Title:   word(r) + " " + word(r) + " " + word(r) + " " + word(r),
				Summary: word(r) + " " + word(r) + " " + word(r) + " " + word(r) + " " + word(r) + " " + word(r)})
		}
	}
	var wg sync.WaitGroup
	for w := range items {
		wg.Go(func() {
			for k := range items[w] {
				it := &items[w][k]
				needs := []StoryNeed{{Item: it}}
				g.Assign(needs)
				runtime.Gosched() // the write transaction: the other save may go on meanwhile
				it.ID = int64(w*1000 + k + 1)
				it.StoryID = it.ID
				g.Added(needs)
			}
		})
	}
	wg.Wait()
	for w := range items {
		for k := range items[w] {
			probe := items[w][k]
			probe.ID, probe.storySig = 0, nil
			if id, _, ok := g.Find(&probe); !ok || id != items[w][k].StoryID {
				t.Fatalf("item %d of save %d: found in story %d (%v), want %d", k, w, id, ok, items[w][k].StoryID)
			}
		}
	}
}

// TestNearPool checks the grouper's pool of near reports: a mate that found no story waits
// in it once its save committed; a later kept report of its event pulls it in; a pull whose
// save failed leaves it waiting, and one that committed moves it into the index.
func TestNearPool(t *testing.T) {
	at := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	g := NewStoryGrouper(story.DefaultConfig()).WithClock(func() time.Time { return at })
	near := Item{ID: 5, Title: "South Korea suspends new downloads of DeepSeek's chatbot app, privacy regulator says", Published: at}
	near.Verdict.Near = true
	mates := []StoryNeed{{Item: &near, Mate: true}}
	g.Assign(mates)
	if ps := g.Pulls(mates); len(ps) != 0 {
		t.Fatalf("pulls with an empty pool: %+v", ps)
	}
	g.Pulled(true)
	g.Added(mates)
	if g.Len() != 0 {
		t.Fatalf("the unjoined mate was indexed as a member: %d", g.Len())
	}
	save := func(id int64, saved bool) []Pull {
		t.Helper()
		kept := Item{ID: id, Title: "Korea's privacy regulator suspends new downloads of DeepSeek's chatbot app", Published: at.Add(time.Hour)}
		kept.Verdict.Match = true
		needs := []StoryNeed{{Item: &kept}}
		g.Assign(needs)
		pulls := g.Pulls(needs)
		for i := range pulls {
			pulls[i].StoryID = 70 // as the store would, keeping it in the kept report's story
		}
		kept.StoryID = 70
		if !saved {
			kept.StoryID = 0
		}
		g.Pulled(saved)
		g.Added(needs)
		return pulls
	}
	if ps := save(6, false); len(ps) != 1 || ps[0].ItemID != 5 || ps[0].Choice.Group == 0 {
		t.Fatalf("the kept report pulled %+v, want item 5 into its new story", ps)
	}
	if g.Len() != 0 {
		t.Errorf("a failed save indexed %d items", g.Len())
	}
	if ps := save(7, true); len(ps) != 1 || ps[0].ItemID != 5 {
		t.Fatalf("after the failed save, pulls %+v, want item 5 again", ps)
	}
	if g.Len() != 2 {
		t.Errorf("after the save, %d items indexed, want the kept report and its mate", g.Len())
	}
	if ps := save(8, true); len(ps) != 0 {
		t.Errorf("the mate was pulled twice: %+v", ps)
	}
}
