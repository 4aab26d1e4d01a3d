package story

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

func day(y int, m time.Month, d int) int32 {
	return dayNumber(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

func TestReadDays(t *testing.T) {
	fri := time.Date(2025, 10, 31, 9, 0, 0, 0, time.UTC) // a Friday
	tests := []struct {
		text string
		pub  time.Time
		want []int32
	}{
		{"젠슨 황 CEO와 이재용 회장이 30일 서울에서 만났다.", fri, []int32{day(2025, 10, 30)}},
		{"상무부는 지난 28일 규칙을 발표했다.", fri, []int32{day(2025, 10, 28)}},
		{"트럼프 대통령은 30일(현지시간) 말했다.", fri, []int32{day(2025, 10, 30)}},
		{"2025년 10월 31일 아시아태평양경제협력체(APEC) 서밋에서", fri, []int32{day(2025, 10, 31)}},
		{"윤석열 대통령은 5월 21일 저녁 회의를 주재했다.", time.Date(2024, 5, 22, 1, 0, 0, 0, time.UTC), []int32{day(2024, 5, 21)}},
		{"4월 23일(수) 발표", time.Date(2025, 4, 24, 0, 0, 0, 0, time.UTC), []int32{day(2025, 4, 23)}},
		// The nearest date with that day: the last month's 31st, the next month's 1st.
		{"지난 31일 공개된 초안", time.Date(2025, 11, 2, 0, 0, 0, 0, time.UTC), []int32{day(2025, 10, 31)}},
		{"선언이 1일 채택될 예정이다", fri, []int32{day(2025, 11, 1)}},
		// Spans and counts are no day of an event.
		{"3일간 열린 회의", fri, nil},
		{"파업 5일째", fri, nil},
		{"30일 이내에 신고해야 한다", fri, nil},
		{"7일 전 발표된 안", fri, nil},
		{"7일 전에 발표된 안", fri, nil},
		{"과기정통부는 15일 내년 예산안을 공개했다", fri, nil},
		{"과기정통부는 29일 내년 예산안을 공개했다", fri, []int32{day(2025, 10, 29)}},
		{"법사위는 30일 전체회의를 열었다", fri, []int32{day(2025, 10, 30)}},
		{"출시 5일 만에 100만 명", fri, nil},
		{"1,000일 동안", fri, nil},
		// English dates.
		{"Nvidia said on Friday (Oct. 31) it will supply 260,000 chips", fri, []int32{day(2025, 10, 31)}},
		{"the evening of Oct 30 – a meeting that turned heads", fri, []int32{day(2025, 10, 30)}},
		{"On October 29, 2025, the ministry said", fri, []int32{day(2025, 10, 29)}},
		{"published on 29 October", fri, []int32{day(2025, 10, 29)}},
		{"co-hosted on May 21-22 by the UK and South Korea", time.Date(2024, 5, 21, 9, 0, 0, 0, time.UTC), []int32{day(2024, 5, 21), day(2024, 5, 22)}},
		{"from May 15th", time.Date(2025, 5, 14, 9, 0, 0, 0, time.UTC), []int32{day(2025, 5, 15)}},
		{"announced Thursday", fri, []int32{day(2025, 10, 30)}},
		{"will meet on Saturday", fri, []int32{day(2025, 11, 1)}},
		// Far from the publication: background, not the day of the event.
		{"since January 20", fri, nil},
		{"the rule takes effect 12월 1일", fri, nil},
		// No dates: a month and year, a model number, a modal verb, an amount.
		{"In May 2024 the act passed", fri, nil},
		{"H20 chips and B200 chips", fri, nil},
		{"it may 3 times as much", fri, nil},
		{"$5.31 billion", fri, nil},
	}
	for _, tt := range tests {
		var rs dateRefs
		readDates(&rs, tt.text)
		e := rs.days(tt.pub)
		if got := e.d[:e.n]; !slices.Equal(got, tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
			t.Errorf("%q published %s: days %v, want %v", tt.text, tt.pub.Format(time.DateOnly), got, tt.want)
		}
	}
	var rs dateRefs
	readDates(&rs, "30일 서울에서")
	if e := rs.days(time.Time{}); e.n != 0 {
		t.Errorf("with no publication time: %v, want none", e.d[:e.n])
	}
}

// TestSignReadsTextOnly: a signature depends on the title and summary alone, never on the
// publication time, though the text names days (the grouper keeps signatures by text);
// the index resolves the days against the time it is given.
func TestSignReadsTextOnly(t *testing.T) {
	d := item(1, t0, "과기정통부, 15일 AI 기본법 시행령 초안 공개", "과학기술정보통신부는 15일 시행령 초안을 공개했다. The ministry said on Tuesday (April 15).")
	a := Sign(d)
	d.ID, d.Published = 2, t0.Add(-40*24*time.Hour)
	if b := Sign(d); !reflect.DeepEqual(a, b) {
		t.Fatal("the signature changed with the id or publication time")
	}
	if a.vec.dates.n == 0 {
		t.Fatal("no dates read: the test shows nothing")
	}
	ix := NewIndex(DefaultConfig())
	ix.AddSig(a, 1, 1, t0)
	if e := ix.slots[ix.byItem[1]].days; e.n != 1 || e.d[0] != day(2025, 4, 15) {
		t.Errorf("member's days = %v, want [%d] (2025-04-15)", e.d[:e.n], day(2025, 4, 15))
	}
}

func TestEventDaysBounded(t *testing.T) {
	pub := time.Date(2025, 10, 15, 0, 0, 0, 0, time.UTC)
	var rs dateRefs
	readDates(&rs, "10일, 11일, 12일, 13일, 14일, 15일, 10일")
	if e := rs.days(pub); int(e.n) != maxEventDays || e.d[0] != day(2025, 10, 10) || e.d[3] != day(2025, 10, 13) {
		t.Errorf("days = %v, want the first %d", e.d[:e.n], maxEventDays)
	}
}

func TestDayWeight(t *testing.T) {
	days := func(ds ...int32) eventDays {
		var e eventDays
		for _, d := range ds {
			e.add(d)
		}
		return e
	}
	d := day(2025, 10, 30)
	tests := []struct {
		a, b eventDays
		want float64
	}{
		{days(), days(d), 1},
		{days(d), days(d), 1},
		{days(d, d+3), days(d + 3), 1},
		{days(d), days(d + 1), nextDayWeight},
		{days(d + 1), days(d), nextDayWeight},
		{days(d), days(d + 2), otherDayWeight},
	}
	for _, tt := range tests {
		if got := dayWeight(&tt.a, &tt.b); got != tt.want {
			t.Errorf("dayWeight(%v, %v) = %v, want %v", tt.a.d[:tt.a.n], tt.b.d[:tt.b.n], got, tt.want)
		}
	}
}

// TestNextDaysEvent: two reports of one trip, the dinner of the 30th and the deal of the
// 31st, share the chief executive's name and the summit; the days they name keep the deal
// out of the dinner's story, while a second report of the dinner joins it.
func TestNextDaysEvent(t *testing.T) {
	evening := time.Date(2025, 10, 30, 11, 40, 0, 0, time.UTC)
	dinner := item(1, evening, "젠슨 황, 이재용·정의선과 서울서 '치맥 회동'",
		"젠슨 황 엔비디아 최고경영자(CEO)와 이재용 삼성전자 회장, 정의선 현대차그룹 회장이 30일 서울 강남구의 치킨집에서 만났다. 아시아태평양경제협력체(APEC) 정상회의 참석을 위해 이날 한국에 도착했다.")
	again := item(2, evening.Add(40*time.Minute), "이재용·정의선·젠슨 황 '치맥 회동'…\"내가 다 살게\"",
		"정의선 현대차그룹 회장과 이재용 삼성전자 회장, 젠슨 황 엔비디아 CEO가 30일 저녁 서울 강남구 치킨집에서 치킨과 맥주를 즐겼다.")
	deal := item(3, evening.Add(14*time.Hour), "젠슨 황 CEO 한국 방문…GPU 26만 장 공급",
		"젠슨 황 엔비디아 최고경영자(CEO)가 31일 아시아태평양경제협력체(APEC) 정상회의 참석을 계기로 한국 정부와 주요 기업에 블랙웰 GPU 26만 장을 공급한다고 발표했다.")
	ix := NewIndex(DefaultConfig())
	ix.Add(dinner, 1)
	if m, ok := ix.Find(again); !ok || m.StoryID != 1 {
		t.Fatalf("the second report of the dinner: Find = %+v, %v; want story 1", m, ok)
	}
	ix.Add(again, 1)
	sig := ix.Sign(deal)
	undated := sig
	undated.vec.dates = dateRefs{}
	if m, ok := ix.FindSig(undated, deal.Published); !ok {
		t.Fatal("the deal, its day unread, is not close enough to the dinner for the test to show anything")
	} else {
		t.Logf("the deal, its day unread, joins with a mean score of %.2f", m.Score)
	}
	if m, ok := ix.FindSig(sig, deal.Published); ok {
		t.Errorf("the next day's deal joined %+v", m)
	}
}

func TestPlaces(t *testing.T) {
	places := builtinPlaces(builtinAliases)
	for place, within := range map[string]string{"대한민국": "대한민국", "대만": "대만", "서울": "대한민국", "텍사스": "미국", "네덜란드": "네덜란드", "멕시코": "멕시코", "경기도": "대한민국", "푸틴": "러시아"} {
		if got := places[place]; got != within {
			t.Errorf("place %s lies within %q, want %q", place, got, within)
		}
	}
	for _, notPlace := range []string{"과학기술정보통신부", "엔비디아"} {
		if got, ok := places[notPlace]; ok {
			t.Errorf("%s is a place within %q; want no place", notPlace, got)
		}
	}

	sign := func(title string) *vector {
		sig := Sign(Doc{Title: title, Summary: "The ban covers government-issued devices, officials said on Friday."})
		return &sig.vec
	}
	texas, taiwan := sign("Texas bans DeepSeek from government devices"), sign("Taiwan bans DeepSeek from government devices")
	seoul, korea := sign("Seoul bans DeepSeek from government devices"), sign("대한민국 정부, 딥시크 사용 금지")
	korean := sign("대만 정부, 공공기관 딥시크 사용 금지")
	none := sign("Government bans DeepSeek from its devices")
	// A place that does not start the headline is not its subject: one statement
	// written from either side.
	reserve, from := sign("Trump says US will reserve Nvidia's most advanced AI chips"), sign("Trump locks down Nvidia's AI crown jewels from China")
	// A head of government who starts a headline speaks for the country.
	albanese, japan := sign("Albanese government bans DeepSeek from official devices"), sign("日정부, 中딥시크 이용 주의 당부")
	lee := sign("李대통령, 딥시크 사용 제한 지시")
	for _, c := range []struct {
		name string
		a, b *vector
		want float64
	}{
		{"Texas and Taiwan", texas, taiwan, placeClashWeight},
		{"Taiwan in two languages", taiwan, korean, 1},
		{"Seoul within Korea", seoul, korea, 1},
		{"Texas and Korea", texas, korea, placeClashWeight},
		{"no place named", texas, none, 1},
		{"places that start neither headline", reserve, from, 1},
		{"a place that starts one headline only", texas, from, 1},
		{"Australia's prime minister and Japan's government", albanese, japan, placeClashWeight},
		{"Korea's president and Seoul", lee, seoul, 1},
		{"Australia's prime minister and Korea's president", albanese, lee, placeClashWeight},
	} {
		if got := placeWeight(&c.a.places, &c.b.places); got != c.want {
			t.Errorf("%s: placeWeight = %v, want %v (places %v, %v)", c.name, got, c.want, c.a.places, c.b.places)
		}
	}
	// A headline that names no place takes the place its lead starts with, and only that.
	lead := Sign(Doc{Title: "Finance Ministry asks employees to avoid DeepSeek", Summary: "India's finance ministry has asked its employees to avoid AI tools such as DeepSeek, citing Taiwan and Texas."})
	if lead.vec.places.n != 1 || placeWeight(&lead.vec.places, &taiwan.places) != placeClashWeight || placeWeight(&lead.vec.places, &texas.places) != placeClashWeight {
		t.Errorf("lead starting with India: places %v; want India alone, clashing with Taiwan and Texas", lead.vec.places)
	}
	// A lead's later places, and any place of the lead of a headline that names one, do not.
	for _, d := range []Doc{
		{Title: "Government bans DeepSeek", Summary: "The ban, officials said on Friday, follows Taiwan and Texas."},
		{Title: "Texas bans DeepSeek", Summary: "Taiwan acted the same week."},
	} {
		sig := Sign(d)
		if p := sig.vec.places; p.n > 1 || p.n == 1 && placeWeight(&p, &texas.places) != 1 {
			t.Errorf("%q / %q: places %v; want the headline's alone", d.Title, d.Summary, p)
		}
	}
}
