package store

import (
	"context"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/aggregate/story"
)

// bridgeItems are four real reports of one event (testdata/stories/real-dev.jsonl: Japan's
// request to OpenAI over Sora 2): a Korean headline written as clickbait and an English
// report, which group, then two plain Korean reports, which the clickbait headline does
// not draw into the story and which start one of their own.
func bridgeItems() (first, second []aggregate.Item) {
	mk := func(key, lang, title, summary, at string) aggregate.Item {
		p, err := time.Parse(time.RFC3339, at)
		if err != nil {
			panic(err)
		}
		it := item(key, "https://"+key+".example/1", title, true, p)
		it.Summary, it.Lang, it.FirstSeen = summary, lang, p
		return it
	}
	first = []aggregate.Item{
		mk("ko2", "ko", "“우리 피카츄 돌려내!” 뿔난 일본 정부, OpenAI에 전쟁 선포", "일본 정부가 OpenAI에 공식적으로 강력한 경고를 날렸습니다.", "2025-10-15T23:53:00+09:00"),
		mk("en4", "en", "Japan Asks OpenAI To Stop Sora 2 From Infringing on 'Irreplaceable Treasures' Anime and Manga",
			"The Japanese government has made a formal request asking OpenAI to refrain from copyright infringement. The request came after Sora 2 began generating videos featuring copyrighted characters from anime and video games.",
			"2025-10-15T17:22:00-04:00"),
	}
	second = []aggregate.Item{
		mk("ko1", "ko", "일본 정부, 오픈AI에 만화·애니메이션 표절 중단 요구",
			"일본 정부가 오픈AI가 '소라 2(Sora 2)'를 통해 애니메이션과 게임 캐릭터 등 자국 저작물을 무단으로 활용하고 있다며, 도용 행위를 중단하라는 요청서를 정식으로 전달했다.",
			"2025-10-16T09:00:00+09:00"),
		mk("ko3", "ko", "일본 정부, OpenAI에 저작권 침해 자제 요구... '게임·만화·애니메이션은 일본의 보물'",
			"지난 10월 15일, 일본 정부가 화제의 AI 영상 생성 도구 '소라 2'를 개발한 OpenAI를 향해 강력한 메시지를 전달했다. 게임, 만화, 애니메이션 캐릭터들은 '일본이 세계에 자랑하는 대체 불가능한 보물'이라며, 저작권 침해를 삼가달라고 공식 요청한 것이다.",
			"2025-10-16T09:00:00+09:00"),
	}
	return first, second
}

// groupOnly hides a grouper's Bridges: a save with it merges nothing.
type groupOnly struct{ aggregate.Grouper }

// TestStoryBridges saves, with the daemon's grouper, an event's reports in two saves in
// which they split into a story with Korean and English reports and a Korean one; the
// second save merges the later story into the first: every report in one story, the
// merged story's id recorded, its page answered by the story it joined, its entry id
// still naming its lead for a label, and the id never given to a new story. Without
// Bridges the two stories stay apart.
func TestStoryBridges(t *testing.T) {
	ctx := context.Background()
	for _, bridge := range []bool{false, true} {
		s := openTest(t)
		src := sync(t, s, "https://a.example/feed", "https://b.example/feed")
		clock := func() time.Time { return time.Date(2025, 10, 16, 1, 0, 0, 0, time.UTC) }
		var g aggregate.Grouper = aggregate.NewStoryGrouper(story.DefaultConfig()).WithClock(clock)
		if !bridge {
			g = groupOnly{g}
		}
		first, second := bridgeItems()
		for i, items := range [][]aggregate.Item{first, second} {
			if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[i].ID}, Items: items}}, g); err != nil {
				t.Fatal(err)
			}
		}
		stories := map[string]int64{}
		rows, err := s.r.QueryContext(ctx, "SELECT guid, story_id FROM items")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var key string
			var id int64
			if err := rows.Scan(&key, &id); err != nil {
				t.Fatal(err)
			}
			stories[key] = id
		}
		rows.Close()
		if stories["ko2"] == 0 || stories["ko2"] != stories["en4"] || stories["ko1"] != stories["ko3"] {
			t.Fatalf("bridge %v: stories %v: want ko2 with en4 and ko1 with ko3, as each save groups them", bridge, stories)
		}
		var merges int
		if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM story_merges").Scan(&merges); err != nil {
			t.Fatal(err)
		}
		if !bridge {
			if stories["ko1"] == stories["ko2"] || merges != 0 {
				t.Errorf("without Bridges: stories %v, %d merges; want two stories", stories, merges)
			}
			continue
		}
		keep, drop := stories["ko2"], int64(0)
		if stories["ko1"] != keep {
			t.Fatalf("stories %v: want one story of all four reports", stories)
		}
		if err := s.r.QueryRowContext(ctx, "SELECT id FROM story_merges WHERE into_id = ?", keep).Scan(&drop); err != nil {
			t.Fatalf("the merged story's id is not recorded: %v", err)
		}
		var rowsLeft int
		if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM stories").Scan(&rowsLeft); err != nil || rowsLeft != 1 {
			t.Errorf("stories rows: %d (%v), want 1", rowsLeft, err)
		}
		st, ok, err := s.Story(ctx, drop)
		if err != nil || !ok || st.ID != keep || len(st.Members) != 4 || st.Reports != 4 {
			t.Errorf("Story(%d), merged into %d: id %d, ok %v, %d members, %d reports, %v; want the story it joined, of 4",
				drop, keep, st.ID, ok, len(st.Members), st.Reports, err)
		}
		// A merge of a story no longer stored, or of the merged one again, does nothing.
		if done, err := s.MergeStories(ctx, []story.Merge{{Keep: keep, Drop: 99999}, {Keep: keep, Drop: drop}}); err != nil || len(done) != 0 {
			t.Errorf("MergeStories of gone stories = %v, %v; want none", done, err)
		}
		// A label naming the merged story's entry finds the item that entry showed.
		var entry string
		var lead int64
		if err := s.r.QueryRowContext(ctx, "SELECT entry_id, lead_item_id FROM story_merges WHERE id = ?", drop).Scan(&entry, &lead); err != nil || entry == "" || lead == 0 {
			t.Fatalf("the merged story's entry and lead: %q, %d, %v", entry, lead, err)
		}
		if ids, err := s.FindItems(ctx, entry); err != nil || len(ids) == 0 || ids[0] != lead {
			t.Errorf("FindItems(%q) = %v, %v; want the merged entry's lead %d first", entry, ids, err, lead)
		}
		// A new story takes neither id.
		later := item("new", "https://new.example/1", "Unrelated: a council votes on parking fees", true, clock())
		if _, _, err := s.Save(ctx, []aggregate.Fetched{{State: aggregate.FetchState{SourceID: src[0].ID}, Items: []aggregate.Item{later}}}, g); err != nil {
			t.Fatal(err)
		}
		var id int64
		if err := s.r.QueryRowContext(ctx, "SELECT story_id FROM items WHERE guid = 'new'").Scan(&id); err != nil {
			t.Fatal(err)
		}
		if id == keep || id == drop || id == 0 {
			t.Errorf("a new story got id %d; merged %d into %d", id, drop, keep)
		}
	}
}
