package story

import (
	"strings"
	"testing"
	"time"
)

func TestCleanTitle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"[속보] 정부, AI 추경 1.8조 편성", "정부, AI 추경 1.8조 편성"},
		{"[단독][종합] 개인정보위, 딥시크 조사", "개인정보위, 딥시크 조사"},
		{"개인정보위, 딥시크 신규 다운로드 중단(종합)", "개인정보위, 딥시크 신규 다운로드 중단"},
		// NFKC also turns the ellipsis into three dots.
		{"정부, AI 추경 편성…GPU 1만장 구매(종합2보)", "정부, AI 추경 편성...GPU 1만장 구매"},
		{"국가AI전략위 출범 - 연합뉴스", "국가AI전략위 출범"},
		{"이재명, AI 공약 발표 | 뉴시스", "이재명, AI 공약 발표"},
		{"[AI 기본법 시행 D-300] 고영향 AI 기준, 아직도 '안갯속'", "고영향 AI 기준, 아직도 '안갯속'"},
		{"UPDATE 2-US House passes Trump tax bill", "US House passes Trump tax bill"},
		{"EXCLUSIVE-Italy becomes first EU country to pass AI law", "Italy becomes first EU country to pass AI law"},
		{"US Senate strikes AI regulation ban - Reuters", "US Senate strikes AI regulation ban"},
		{"FTC orders AI companies to hand over info | The Verge", "FTC orders AI companies to hand over info"},
		// Full-width brackets and letters are folded by NFKC before the patterns run.
		{"［속보］ ＡＩ 기본법 통과", "AI 기본법 통과"},
		// A short title keeps its tail: stripping it would leave too little to compare.
		{"AI Act - explained", "AI Act - explained"},
		{"Meta refuses to sign the EU’s AI code of practice", "Meta refuses to sign the EU’s AI code of practice"},
	}
	for _, tt := range tests {
		if got := cleanTitle(tt.in); got != tt.want {
			t.Errorf("cleanTitle(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCleanSummary(t *testing.T) {
	tests := []struct{ in, want string }{
		{"(서울=연합뉴스) 조성미 기자 = 과학기술정보통신부는 10일 밝혔다.", "과학기술정보통신부는 10일 밝혔다."},
		{"[서울=뉴시스]윤정민 기자 = 정부가 GPU를 확보한다.", "정부가 GPU를 확보한다."},
		{"(워싱턴=연합뉴스) 김동현 특파원 = 미국 하원이 법안을 가결했다.", "미국 하원이 법안을 가결했다."},
		{"[뉴스토마토 김진양 기자] 정부가 계획을 내놨습니다.", "정부가 계획을 내놨습니다."},
		{"[아이뉴스24 심지혜 기자] 과기정통부가 공모를 시작했다.", "과기정통부가 공모를 시작했다."},
		{"BRUSSELS, March 11 (Reuters) - The European Commission published a draft.", "The European Commission published a draft."},
		{"WASHINGTON (AP) — The Senate voted 99-1.", "The Senate voted 99-1."},
		{"(Bloomberg) -- Nvidia said it will record a charge.", "Nvidia said it will record a charge."},
		{"By Maxwell Zeff California's state senate passed SB 53.", "California's state senate passed SB 53."},
		{"정부가 발표했다. josm@yna.co.kr", "정부가 발표했다."},
		{"정부가 발표했다. <저작권자(c) 연합뉴스, 무단 전재-재배포 금지>", "정부가 발표했다."},
		{"OpenAI will sign. The post OpenAI to sign appeared first on Euractiv.", "OpenAI will sign."},
		{"정부가 발표했다. ⓒ 한경닷컴, 무단전재 및 재배포 금지", "정부가 발표했다."},
		// A lead about copyright holders is no notice: it was cut at "저작권자" before.
		{"김영호 의원은 AI 기업이 저작권자에게 보상하도록 하는 법안을 발의했다.", "김영호 의원은 AI 기업이 저작권자에게 보상하도록 하는 법안을 발의했다."},
		{"A judge delayed approval. (Reporting by Blake Brittain; Editing by Chizu Nomiyama)", "A judge delayed approval."},
		// "copyright" as a word of the story is content, not a notice.
		{"The draft streamlines copyright and transparency commitments.", "The draft streamlines copyright and transparency commitments."},
		// Hacker News through hnrss, and its own feed: addresses, labels and a lone link word.
		{"Article URL: https://example.com/eu-ai-act Comments URL: https://news.ycombinator.com/item?id=41234567 Points: 12 # Comments: 3", ""},
		{"Comments", ""},
		{"submitted by /u/someone [link] [comments]", ""},
		{"arXiv:2401.12345v1 Announce Type: new Abstract: We audit AI systems under the EU AI Act.", "We audit AI systems under the EU AI Act."},
		{"Read more", ""},
		{"The draft is at https://example.eu/draft.pdf and www.example.eu for comment.", "The draft is at   and   for comment."},
	}
	for _, tt := range tests {
		if got := cleanSummary(tt.in); got != tt.want {
			t.Errorf("cleanSummary(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

// TestCleanSummaryCutKeepsTrailerWords: a summary longer than what is read is cut, and the
// end of the cut is the middle of the text, where a credit line or an address is the
// story's own words (a contact named in an article), not its outlet's trailer.
func TestCleanSummaryCutKeepsTrailerWords(t *testing.T) {
	body := strings.Repeat("The ministry set out the plan. ", 70)[:maxSummaryBytes-40]
	s := body + "Write to press@ministry.example for the draft. " + strings.Repeat("More text. ", 20)
	if got := cleanSummary(s); !strings.Contains(got, "press@ministry.example") {
		t.Errorf("cleanSummary of a cut summary dropped the address before the cut: ends %q", got[max(len(got)-80, 0):])
	}
}

func doc(title, summary string) Doc {
	return Doc{ID: 1, Title: title, Summary: summary, Published: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)}
}

func TestNormalisation(t *testing.T) {
	// Full-width forms, case and punctuation do not change the shingles.
	a := doc("ＥＵ ＡＩ Ａｃｔ： Ｃｏｍｍｉｓｓｉｏｎ ｓａｙｓ ＮＯ ＰＡＵＳＥ", "")
	b := doc("eu ai act - commission says no pause!", "")
	if s := Similarity(a, b); s != 1 {
		t.Errorf("full-width/case variants: Similarity = %v, want 1", s)
	}
	// Light stemming joins inflections.
	c := doc("", "The ministry regulates chips and rules on exports")
	d := doc("", "The ministries regulated chip rule on export")
	if s := Similarity(c, d); s < 0.6 {
		t.Errorf("inflections: Similarity = %v, want >= 0.6", s)
	}
	// Stopwords and weekdays carry nothing.
	if got := len(features(doc("", "the of and said on Tuesday"))); got != 0 {
		t.Errorf("stopword-only text has %d features, want 0", got)
	}
}

func TestKoreanParticles(t *testing.T) {
	base := "과기정통부는 국가AI컴퓨팅센터 구축 방안을 발표했다"
	variants := []string{
		"과기정통부가 국가AI컴퓨팅센터 구축 방안을 발표했다",    // subject particle
		"과기정통부는 국가 AI 컴퓨팅센터 구축방안을 발표했다",   // spacing
		"과기정통부도 국가AI컴퓨팅센터의 구축 방안을 발표했습니다", // particles and politeness
	}
	unrelated := "개인정보위는 딥시크 신규 다운로드 중단을 결정했다"
	for _, v := range variants {
		s := Similarity(doc(base, ""), doc(v, ""))
		if s < 0.6 {
			t.Errorf("Similarity(%q, %q) = %.3f, want >= 0.6", base, v, s)
		}
		if u := Similarity(doc(v, ""), doc(unrelated, "")); u >= s/3 {
			t.Errorf("unrelated %.3f is not well below variant %.3f", u, s)
		}
	}
}

func TestBoilerplateDoesNotCount(t *testing.T) {
	pairs := [][2]Doc{
		{
			doc("[속보] 정부, AI 추경 1조8천억원 편성(종합)", "(세종=연합뉴스) 송정은 기자 = 정부는 16일 AI 분야에 1조8천억원을 배정했다. song@yna.co.kr"),
			doc("정부, AI 추경 1조8천억원 편성 - 뉴시스", "[세종=뉴시스]용윤신 기자 = 정부는 16일 AI 분야에 1조8천억원을 배정했다. ◎공감언론 뉴시스"),
		},
		{
			doc("UPDATE 1-Nvidia to take $5.5 billion charge - Reuters", "April 15 (Reuters) - Nvidia said it would take charges. (Reporting by Jane Roe; Editing by John Doe)"),
			doc("Nvidia to take $5.5 billion charge | Yahoo Finance", "(Reuters) - Nvidia said it would take charges."),
		},
	}
	for _, p := range pairs {
		if s := Similarity(p[0], p[1]); s != 1 {
			t.Errorf("%q vs %q: Similarity = %v, want 1 once boilerplate is gone", p[0].Title, p[1].Title, s)
		}
	}
}

func TestFeaturesCapped(t *testing.T) {
	long := strings.Repeat("정부가 새로운 인공지능 정책과 반도체 지원 방안 및 데이터 개방 계획을 차례로 내놓았다 ", 50)
	if n := len(features(doc("제목", long))); n > maxFeatures {
		t.Errorf("features = %d, want at most %d", n, maxFeatures)
	}
}

func TestEmptyDoc(t *testing.T) {
	if s := Similarity(doc("", ""), doc("", "")); s != 0 {
		t.Errorf("two empty docs: Similarity = %v, want 0", s)
	}
}

// TestBoilerplateLeadsDoNotGroup: the descriptions Hacker News's and Reddit's feeds give
// every item made two unrelated reports alike (0.46-0.54, 0.18 for "Comments" alone and
// 0.27 for Reddit's, over the threshold of 0.17); without them, each is compared on its headline, and a report of the
// same event through Hacker News still finds the outlet's own.
func TestBoilerplateLeadsDoNotGroup(t *testing.T) {
	hn := func(title, id string) Doc {
		return Doc{Title: title, Summary: "Article URL: https://example.com/" + id + " Comments URL: https://news.ycombinator.com/item?id=" + id + " Points: 12 # Comments: 3"}
	}
	comments := func(title string) Doc { return Doc{Title: title, Summary: "Comments"} }
	reddit := func(title, user string) Doc {
		return Doc{Title: title, Summary: "submitted by /u/" + user + " [link] [comments]"}
	}
	for _, pair := range [][2]Doc{
		{hn("EU delays parts of the AI Act", "41234567"), hn("California governor signs AI safety bill", "41234569")},
		{hn("EU delays parts of the AI Act", "41234567"), hn("Show HN: A tiny Rust web server", "41234568")},
		{comments("EU delays parts of the AI Act"), comments("California governor signs AI safety bill")},
		{reddit("EU delays parts of the AI Act", "alice"), reddit("California governor signs AI safety bill", "bob")},
	} {
		if sim := Similarity(pair[0], pair[1]); sim >= DefaultThreshold {
			t.Errorf("%q and %q: similarity %.3f, at least the threshold %.2f", pair[0].Title, pair[1].Title, sim, DefaultThreshold)
		}
	}
	own := Doc{Title: "EU to delay parts of its AI Act", Summary: "The European Commission proposed on Wednesday to delay parts of the AI Act."}
	if sim := Similarity(hn("EU delays parts of the AI Act", "1"), own); sim < DefaultThreshold {
		t.Errorf("the same event through Hacker News: similarity %.3f, under the threshold", sim)
	}
}
