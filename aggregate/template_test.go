package aggregate

import (
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/gleaner/gleaner/aggregate/fetch"
	"github.com/gleaner/gleaner/aggregate/story"
	"github.com/gleaner/gleaner/aggregate/topic"
)

// pressReleases is a ministry's feed whose every description is the same line but for
// its date, as press-release feeds write them.
const pressReleases = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>보도자료</title><link>https://ministry.example/</link><description>press</description>
<item><title>과기정통부, 독자 AI 파운데이션 모델 5개 팀 선정</title><link>https://ministry.example/1</link><description>과학기술정보통신부 보도자료입니다(2026.12.01). 자세한 내용은 첨부파일을 참고하시기 바랍니다.</description><pubDate>Tue, 01 Dec 2026 09:00:00 +0900</pubDate></item>
<item><title>국가AI컴퓨팅센터 사업자 공모 착수</title><link>https://ministry.example/2</link><description>과학기술정보통신부 보도자료입니다(2026.12.02). 자세한 내용은 첨부파일을 참고하시기 바랍니다.</description><pubDate>Wed, 02 Dec 2026 09:00:00 +0900</pubDate></item>
<item><title>과기정통부, 5G 주파수 경매 계획 발표</title><link>https://ministry.example/3</link><description>과학기술정보통신부 보도자료입니다(2026.12.02). 자세한 내용은 첨부파일을 참고하시기 바랍니다.</description><pubDate>Wed, 02 Dec 2026 10:00:00 +0900</pubDate></item>
<item><title>과기정통부, 연구개발 예산 설명회 개최</title><link>https://ministry.example/4</link><description>올해 연구개발 예산 설명회를 서울에서 열었다.</description><pubDate>Wed, 02 Dec 2026 11:00:00 +0900</pubDate></item>
</channel></rss>`

// TestTemplateDescriptionsAreDropped: the description three releases share is no lead, so
// the topic filter judges each by its headline and the story index does not make the two
// AI releases one story by it; the release with a description of its own keeps it.
func TestTemplateDescriptionsAreDropped(t *testing.T) {
	f, err := gofeed.NewParser().ParseString(pressReleases)
	if err != nil {
		t.Fatal(err)
	}
	c, err := topic.Compile(topic.Default())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	p := NewPoller(nil, parsedFetcher{f}, c, PollerOptions{Now: func() time.Time { return now }})
	var st FetchState
	var gap time.Duration
	items, err := p.ingest(&fetch.Response{FinalURL: "https://ministry.example/rss"}, Source{Timezone: time.UTC}, &st, now, &gap)
	if err != nil || len(items) != 4 {
		t.Fatalf("%d items, %v", len(items), err)
	}
	for _, it := range items[:3] {
		if it.Summary != "" {
			t.Errorf("%q kept the shared description %q", it.Title, it.Summary)
		}
	}
	if !strings.Contains(items[3].Summary, "설명회") {
		t.Errorf("%q lost its own description: %q", items[3].Title, items[3].Summary)
	}
	a, b := items[0], items[1]
	if sim := story.Similarity(story.Doc{Title: a.Title, Summary: a.Summary}, story.Doc{Title: b.Title, Summary: b.Summary}); sim >= story.DefaultThreshold {
		t.Errorf("two unrelated releases are alike: %.3f", sim)
	}
	// With the shared description, the same two were alike.
	if sim := story.Similarity(story.Doc{Title: a.Title, Summary: f.Items[0].Description}, story.Doc{Title: b.Title, Summary: f.Items[1].Description}); sim < story.DefaultThreshold {
		t.Errorf("with their shared description the two releases score %.3f: the test cannot tell", sim)
	}
}

func TestTemplateKey(t *testing.T) {
	same := [][2]string{
		{"Press release 2026-12-01 from the Ministry", "press release 2026-12-02 from the ministry"},
		{"과학기술정보통신부 보도자료입니다(2026.12.01).", "과학기술정보통신부 보도자료입니다(2026.12.02)."},
	}
	for _, p := range same {
		if templateKey(p[0]) != templateKey(p[1]) {
			t.Errorf("%q and %q should share a template key", p[0], p[1])
		}
	}
	if templateKey("The ministry selected five teams.") == templateKey("The ministry opened an auction.") {
		t.Errorf("two leads share a template key")
	}
	// Two items sharing a description are not yet a template; three are.
	two := []normalized{{Item: Item{Summary: "Same."}}, {Item: Item{Summary: "Same."}}, {Item: Item{Summary: "Other."}}}
	dropTemplateSummaries(two)
	if two[0].Summary == "" {
		t.Errorf("two items sharing a description made it a template")
	}
	three := func(summary string, origins ...string) []normalized {
		var out []normalized
		for i := range 3 {
			n := normalized{Item: Item{Summary: summary}}
			if len(origins) > 0 {
				n.Origin = origins[i]
			}
			out = append(out, n)
		}
		dropTemplateSummaries(out)
		return out
	}
	if got := three("Press release from the Ministry."); got[2].Summary != "" {
		t.Errorf("three items sharing a short description kept it")
	}
	// Three outlets' verbatim copies of a wire lead, through an aggregator or in one feed.
	if got := three("Press release from the Ministry.", "Reuters", "AP", "AFP"); got[0].Summary == "" {
		t.Errorf("three outlets' items lost the description they share")
	}
	wire := "The Senate voted 99-1 on Tuesday to strip a proposed ten-year moratorium on state rules for artificial intelligence from the budget bill, after a deal on the provision's terms fell apart over the weekend."
	if got := three(wire); got[1].Summary == "" {
		t.Errorf("three copies of a wire lead of %d bytes lost it", len(wire))
	}
}
