package boilerplate

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestStrip(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Article URL: https://example.com/eu-ai-act Comments URL: https://news.ycombinator.com/item?id=41234567 Points: 12 # Comments: 3", ""},
		{"Comments", ""},
		{"Read more", ""},
		{"", ""},
		{"submitted by /u/someone [link] [comments]", ""},
		{"arXiv:2401.12345v1 Announce Type: new Abstract: We audit AI systems under the EU AI Act.", "We audit AI systems under the EU AI Act."},
		{"The draft is at https://example.eu/draft.pdf and www.example.eu for comment.", "The draft is at   and   for comment."},
		{"정부가 발표했다.", "정부가 발표했다."},
		{"The Senate voted 99-1.", "The Senate voted 99-1."},
		// Words of a lead that look like the labels stay.
		{"Lawmakers scored points: the bill passed.", "Lawmakers scored points: the bill passed."},
	} {
		if got := Strip(tc.in); got != tc.want {
			t.Errorf("Strip(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestIsEmpty(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"Comments", true},
		{"submitted by /u/someone [link] [comments]", true},
		{"Article URL: https://example.com/a Comments URL: https://news.ycombinator.com/item?id=1 Points: 1 # Comments: 0", true},
		{"The European Commission proposed on Wednesday to delay parts of the AI Act.", false},
		{"정부가 발표했다.", false},
	} {
		if got := IsEmpty(tc.in); got != tc.want {
			t.Errorf("IsEmpty(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestStripTrailers(t *testing.T) {
	long := strings.Repeat("과학기술정보통신부는 인공지능 계획을 발표했다. ", 20)
	for _, tc := range []struct{ in, want string }{
		{"정부가 발표했다. <저작권자 © 아이뉴스24 무단전재 및 재배포 금지>", "정부가 발표했다."},
		{"정부가 발표했다. <저작권자(c) 연합뉴스, 무단 전재-재배포 금지>", "정부가 발표했다."},
		{"정부가 발표했다. ⓒ 한경닷컴, 무단전재 및 재배포 금지", "정부가 발표했다."},
		{"정부가 발표했다. 무단전재 및 재배포 금지", "정부가 발표했다."},
		{"The Senate voted. Copyright © 2025 Example News. All rights reserved.", "The Senate voted."},
		{"The Senate voted. © 2025 Example News", "The Senate voted."},
		{"The Senate voted. Copyright 2025 Example News. ALL RIGHTS RESERVED.", "The Senate voted."},
		{"정부가 발표했다. ◎공감언론 뉴시스 kim@newsis.com", "정부가 발표했다."},
		{"OpenAI will sign. The post OpenAI to sign the code appeared first on Euractiv.", "OpenAI will sign."},
		{"The ministry set out the plan. Continue reading Ministry sets out AI plan →", "The ministry set out the plan."},
		{"The ministry set out the plan. Continue reading...", "The ministry set out the plan."},
		{"The ministry set out the plan. Read more »", "The ministry set out the plan."},
		{"The ministry set out the plan. Read more at Example News.", "The ministry set out the plan."},
		{"A judge delayed approval. (Reporting by Blake Brittain; Editing by Chizu Nomiyama)", "A judge delayed approval."},
		{"정부가 발표했다. josm@yna.co.kr", "정부가 발표했다."},
		// Some outlets send their credits in capitals.
		{"The Senate voted. COPYRIGHT 2025 EXAMPLE NEWS", "The Senate voted."},
		{"OpenAI will sign. THE POST OPENAI TO SIGN APPEARED FIRST ON EURACTIV.", "OpenAI will sign."},
		{"A judge delayed approval. (REPORTING BY BLAKE BRITTAIN; EDITING BY CHIZU NOMIYAMA)", "A judge delayed approval."},
		{"A judge delayed approval. (Reporting By Blake Brittain)", "A judge delayed approval."},
		{"OpenAI will sign. The Post OpenAI To Sign Appeared First On Euractiv.", "OpenAI will sign."},
		{long + "<저작권자 © 전자신문 무단전재 및 재배포 금지>", strings.TrimSpace(long)},
		// Words of a lead that look like a trailer's stay.
		{"문화체육관광부는 생성형 AI 사업자가 저작권자에게 적정 대가를 지불하도록 권고했다.", "문화체육관광부는 생성형 AI 사업자가 저작권자에게 적정 대가를 지불하도록 권고했다."},
		{"The draft streamlines copyright and transparency commitments.", "The draft streamlines copyright and transparency commitments."},
		{"Options (a), (b) and (c) were put to the committee.", "Options (a), (b) and (c) were put to the committee."},
		{"Readers who read more news on phones trust it less, the survey found.", "Readers who read more news on phones trust it less, the survey found."},
		{"Officials will continue reading the submissions until March.", "Officials will continue reading the submissions until March."},
		{"The excerpt ends here [&#8230;] Continue reading →", "The excerpt ends here [&#8230;]"},
		{"Readers who read more.", "Readers who read more."},
		{"무단으로 저작물을 학습한 AI에 대해 정부가 조사에 나섰다.", "무단으로 저작물을 학습한 AI에 대해 정부가 조사에 나섰다."},
		// A trailer before the last TrailerBytes bytes is the text's own business.
		{"© 2025 " + long, "© 2025 " + long},
	} {
		if got := StripTrailers(tc.in); got != tc.want {
			t.Errorf("StripTrailers(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// FuzzStripTrailers: whatever the text, StripTrailers returns no more than it was given,
// keeps valid UTF-8 valid and leaves the text before its last TrailerBytes bytes alone.
func FuzzStripTrailers(f *testing.F) {
	for _, s := range []string{
		"정부가 발표했다. <저작권자 © 아이뉴스24 무단전재 및 재배포 금지>",
		"OpenAI will sign. The post OpenAI to sign appeared first on Euractiv.",
		"The plan. Continue reading Ministry sets out AI plan →",
		"A judge delayed approval. (Reporting by Blake Brittain; Editing by Chizu Nomiyama) kim@yna.co.kr",
		"ⓒ\xffⓒ©", strings.Repeat("가", 200) + "©",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := StripTrailers(s)
		if len(got) > len(s) {
			t.Fatalf("StripTrailers(%q) = %q: longer", s, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("StripTrailers(%q) = %q: invalid UTF-8", s, got)
		}
		if keep := len(s) - TrailerBytes - utf8.UTFMax; keep > 0 && got != s && !strings.HasPrefix(got, strings.TrimSpace(s[:keep])) {
			t.Fatalf("StripTrailers changed the text before its end: %q -> %q", s, got)
		}
	})
}
