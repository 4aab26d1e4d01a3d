package story

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// save runs docs through the index as one save of the store would: Assign, then Saved with
// the ids the store gives (a new story takes its first item's id).
func save(ix *Index, docs ...Doc) map[int64]int64 {
	ps := make([]Pending, len(docs))
	for i, d := range docs {
		ps[i] = Pending{Sig: ix.Sign(d), Published: d.Published}
	}
	choices := ix.Assign(ps)
	ids, stories := make([]int64, len(docs)), make([]int64, len(docs))
	byGroup := map[int]int64{}
	out := map[int64]int64{}
	for _, i := range sortByPublished(docs, func(d *Doc) time.Time { return d.Published }) {
		ids[i] = docs[i].ID
		switch c := choices[i]; {
		case c.Story != 0:
			stories[i] = c.Story
		case byGroup[c.Group] != 0:
			stories[i] = byGroup[c.Group]
		default:
			stories[i], byGroup[c.Group] = docs[i].ID, docs[i].ID
		}
		out[docs[i].ID] = stories[i]
	}
	ix.Saved(ids, stories)
	return out
}

// rfc3339 parses an RFC 3339 time or fails the test.
func rfc3339(t *testing.T, s string) time.Time {
	t.Helper()
	p, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// soraSplit saves, in two saves, four real reports of one event (Japan's request to OpenAI
// over Sora 2, from real-dev) that split into a story with a Korean and an English report
// and a story of two Korean ones, and returns the two stories. No bridge is left after the
// first save.
func soraSplit(t *testing.T, ix *Index) (keep, drop int64) {
	t.Helper()
	at := func(s string) time.Time { return rfc3339(t, s) }
	first := save(ix,
		Doc{ID: 1, Title: "“우리 피카츄 돌려내!” 뿔난 일본 정부, OpenAI에 전쟁 선포", Summary: "일본 정부가 OpenAI에 공식적으로 강력한 경고를 날렸습니다.",
			Published: at("2025-10-15T23:53:00+09:00")},
		Doc{ID: 2, Title: "Japan Asks OpenAI To Stop Sora 2 From Infringing on 'Irreplaceable Treasures' Anime and Manga",
			Summary:   "The Japanese government has made a formal request asking OpenAI to refrain from copyright infringement. The request came after Sora 2 began generating videos featuring copyrighted characters from anime and video games.",
			Published: at("2025-10-15T17:22:00-04:00")})
	if len(ix.Bridges()) != 0 || first[1] != first[2] {
		t.Fatalf("first save: stories %v, want one; or bridges", first)
	}
	second := save(ix,
		Doc{ID: 3, Title: "일본 정부, 오픈AI에 만화·애니메이션 표절 중단 요구",
			Summary:   "일본 정부가 오픈AI가 '소라 2(Sora 2)'를 통해 애니메이션과 게임 캐릭터 등 자국 저작물을 무단으로 활용하고 있다며, 도용 행위를 중단하라는 요청서를 정식으로 전달했다.",
			Published: at("2025-10-16T09:00:00+09:00")},
		Doc{ID: 4, Title: "일본 정부, OpenAI에 저작권 침해 자제 요구... '게임·만화·애니메이션은 일본의 보물'",
			Summary:   "지난 10월 15일, 일본 정부가 화제의 AI 영상 생성 도구 '소라 2'를 개발한 OpenAI를 향해 강력한 메시지를 전달했다. 게임, 만화, 애니메이션 캐릭터들은 '일본이 세계에 자랑하는 대체 불가능한 보물'이라며, 저작권 침해를 삼가달라고 공식 요청한 것이다.",
			Published: at("2025-10-16T09:00:00+09:00")})
	keep, drop = first[1], second[3]
	if second[3] != second[4] || drop == keep {
		t.Fatalf("second save: stories %v, first %v; want the two Korean reports in a story of their own", second, first)
	}
	return keep, drop
}

// TestBridges: four real reports of one event (Japan's request to OpenAI over Sora 2, from
// real-dev), saved in two saves, split into a story with a Korean and an English report
// and a story of two Korean ones; Bridges after the second save merges the later story
// into the earlier, MergeStories moves its members, and nothing is left to bridge. A
// Korean story saved alone, like nothing else, is not bridged.
func TestBridges(t *testing.T) {
	at := func(s string) time.Time { return rfc3339(t, s) }
	ix := NewIndex(DefaultConfig())
	keep, drop := soraSplit(t, ix)
	got := ix.Bridges()
	if len(got) != 1 || got[0] != (Merge{Keep: keep, Drop: drop}) {
		t.Fatalf("Bridges = %v, want story %d into the earlier story %d", got, drop, keep)
	}
	ix.MergeStories(keep, drop)
	if s := ix.stories[drop]; s != nil {
		t.Errorf("story %d still has %d members", drop, s.count)
	}
	if s := ix.stories[keep]; s == nil || s.count != 4 {
		t.Fatalf("story %d after the merge: %+v, want 4 members", keep, s)
	}
	if got := ix.Bridges(); len(got) != 0 {
		t.Errorf("Bridges again = %v, want none", got)
	}
	// A Korean report of another event starts a story that stays alone.
	third := save(ix, Doc{ID: 5, Title: "과기정통부, 국가AI컴퓨팅센터 사업자 선정", Summary: "과학기술정보통신부는 국가AI컴퓨팅센터 구축 사업자를 선정했다고 17일 밝혔다.",
		Published: at("2025-10-17T09:00:00+09:00")})
	if got := ix.Bridges(); len(got) != 0 || third[5] == keep {
		t.Errorf("an unrelated Korean story: Bridges = %v, story %d", got, third[5])
	}
}

// TestBridgesOneLanguage: three English reports of one regulator's probe (real-dev), saved
// together, split into two stories at join time (the terse "Guarantor, investigation into
// the OpenAI video algorithm." does not draw the third in); Bridges merges them.
func TestBridgesOneLanguage(t *testing.T) {
	at := func(s string) time.Time { return rfc3339(t, s) }
	ix := NewIndex(DefaultConfig())
	got := save(ix,
		Doc{ID: 1, Title: "Italian Data Protection Authority investigates new OpenAI model Sora",
			Summary:   "An investigation against the US company OpenAI and its new AI model, ‘Sora’, has been opened by the Italian Data Protection Authority over personal data concerns.",
			Published: at("2024-03-08T09:00:00+00:00")},
		Doc{ID: 2, Title: "Guarantor, investigation into the OpenAI video algorithm.",
			Summary:   "The Privacy Guarantor has started an investigation against OpenAI, the US company that in recent weeks announced the launch of a new artificial intelligence model, called 'Sora', capable, as announced, of creating dynamic, realistic and imaginative scenes, starting from a few textual instructions.",
			Published: at("2024-03-08T09:00:00+01:00")},
		Doc{ID: 3, Title: "08/03/2024 - Italy's Privacy Authority Investigates OpenAI's \"Sora\"",
			Summary:   "The Italian Data Protection Authority has launched an inquiry into OpenAI's \"Sora,\" focusing on data processing and user privacy within the EU. OpenAI must clarify \"Sora's\" availability, data handling, and regulatory compliance, underlining the critical intersection of AI innovation and privacy laws.",
			Published: at("2024-03-08T09:00:00+01:00")})
	stories := map[int64]bool{got[1]: true, got[2]: true, got[3]: true}
	if len(stories) != 2 {
		t.Fatalf("stories %v: want the split into two this test is about", got)
	}
	merges := ix.Bridges()
	if len(merges) != 1 || !stories[merges[0].Keep] || !stories[merges[0].Drop] {
		t.Fatalf("Bridges = %v, want the two stories %v merged", merges, got)
	}
}

// TestBridgeCandidatesStrongestFirst: past maxBridgeCandidates pairs of stories, Bridges
// weighs those of the strongest pulls. The split story of TestBridges is noted last, among
// hundreds of weaker pulls between unrelated one-report stories, and is still merged.
func TestBridgeCandidatesStrongestFirst(t *testing.T) {
	at := func(s string) time.Time { return rfc3339(t, s) }
	ix := NewIndex(DefaultConfig())
	keep, drop := soraSplit(t, ix)
	// Unrelated one-report stories, each of words of its own.
	var fillers []Doc
	for i := range maxBridgeCandidates {
		var words []string
		for k := range 8 {
			words = append(words, fmt.Sprintf("zq%dx%d", i, k))
		}
		fillers = append(fillers, Doc{ID: int64(100 + i), Title: strings.Join(words[:4], " "), Summary: strings.Join(words, " "),
			Published: at("2025-10-16T09:00:00+09:00")})
	}
	save(ix, fillers...)
	ix.hints = ix.hints[:0]
	for i := range len(fillers) - 1 {
		ix.hints = append(ix.hints, hint{ix.byItem[fillers[i].ID], ix.byItem[fillers[i+1].ID], 1})
	}
	ix.hints = append(ix.hints, hint{ix.byItem[3], ix.byItem[2], 1.5})
	got := ix.Bridges()
	if !slices.Contains(got, Merge{Keep: keep, Drop: drop}) {
		t.Errorf("Bridges = %v, want story %d into story %d among them", got, drop, keep)
	}
}

// TestBridgesMixed: four real reports of the UK regulator clearing Microsoft's OpenAI deal
// (real-dev), put by hand (Move) in a story of two Korean reports and an English one and a
// story of the first Korean report alone, whose lookup noted a Korean member of the other
// (as the split happened on real-dev). Weighed on all their pairs, the two are merged;
// weighed on the English member alone, as a story of one language is against one of
// two, they are not (0.87). With two more English reports of real-dev in the story, the
// English members alone scored 0.92, above bridgeScore, and so showed nothing.
func TestBridgesMixed(t *testing.T) {
	at := func(s string) time.Time { return rfc3339(t, s) }
	ix := NewIndex(DefaultConfig())
	save(ix,
		Doc{ID: 1, Title: "英, MS-오픈AI 130억달러 파트너십 승인…심사 14개월만",
			Summary:   "영국 규제당국이 마이크로소프트(MS)와 오픈AI의 파트너십에 승인 결정을 내렸다. 5일(현지시간) 블룸버그에 따르면 영국 경쟁시장청(CMA)은 지난 2023년 체결된 MS와 오픈AI의 계약이 인수합병 규정에 따른 전면 조사의 필요성이 없다고 밝혔다.",
			Published: at("2025-03-06T09:00:00+09:00")},
		Doc{ID: 2, Title: "영국 경쟁시장청, MS·오픈AI 파트너십 조사 종료… “문제 없어”",
			Summary:   "영국 경쟁시장청(CMA)은 5일(현지시각) 마이크로소프트와 오픈AI의 파트너십에 대해 인수합병 규정에 따른 전면 조사의 대상이 되지 않는다고 발표했다. 이번 발표는 2023년 12월 조사가 시작된 이후 14개월만이다.",
			Published: at("2025-03-06T12:00:00+09:00")},
		Doc{ID: 3, Title: "英 경쟁당국, “마이크로소프트-오픈AI 파트너십은 합병 조사 대상 아니다” 결론",
			Summary:   "영국의 경쟁시장청(Competition and Markets Authority, CMA)이 마이크로소프트(Microsoft)와 오픈AI(OpenAI) 간의 파트너십은 영국 기업법 합병 조항에 따른 조사 대상이 아니라고 판단했다.",
			Published: at("2025-03-06T09:00:00+09:00")},
		Doc{ID: 6, Title: "UK drops antitrust probe into Microsoft and OpenAI tie-up",
			Summary:   "Britain dropped its probe into Microsoft’s partnership with ChatGPT maker OpenAI on Wednesday, saying the software giant did not have the level of control over the AI company that would warrant further investigation.",
			Published: at("2025-03-05T12:00:00+00:00")})
	for _, id := range []int64{2, 3, 6} {
		ix.Move(id, id, 100)
	}
	ix.Move(1, 1, 200)
	if mean, ok := ix.bridgeMean(200, 100); ok && mean >= bridgeScore {
		t.Fatalf("the Korean report against the English members alone: mean %.2f; the test shows nothing", mean)
	}
	ix.hints = append(ix.hints[:0], hint{ix.byItem[1], ix.byItem[2], 1.2})
	got := ix.Bridges()
	if len(got) != 1 || got[0] != (Merge{Keep: 100, Drop: 200}) {
		t.Errorf("Bridges = %v, want story 200 into story 100, published first", got)
	}
}
