package story

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Dates tell the reports of two events of one week apart when their words do not: the
// company pledges signed on the 21st and the ministers' statement of the 22nd, the dinner
// of the 30th and the deal of the 31st. A report names the day its event happened ("30일",
// "지난 28일", "5월 21일", "Oct. 31", "31 October", "on Tuesday"). Signing reads each such
// mention as it is written (dateRefs), so that a signature depends on the text alone; the
// index resolves them against the report's publication to calendar days (eventDays): a day
// of the month to the nearest date with that day, a weekday to the last week's. Only days
// near the publication count (maxDayGap): an article also names the date a law takes
// effect or a past one of background, which say nothing of when its own event happened.

// maxEventDays is the most date mentions kept per report, headline first, and so the most
// days.
const maxEventDays = 4

// maxDayGap is how far from its publication a named day may lie and still be taken as the
// day of the report's event.
const maxDayGap = 7

// dateRef is one date as a text writes it, packed: the day of the month (bits 0-4), the
// month (5-8), the year less 1900 (9-20), the weekday plus one (21-23); 0 for a part not
// written.
type dateRef uint32

func newDateRef(year, month, day int, weekday int) dateRef {
	if year != 0 {
		year -= 1900
	}
	if year < 0 || year >= 1<<12 {
		year = 0
	}
	return dateRef(uint32(day) | uint32(month)<<5 | uint32(year)<<9 | uint32(weekday+1)<<21)
}

// dateRefs are the dates a report names, as written.
type dateRefs struct {
	r [maxEventDays]dateRef
	n uint8
}

func (rs *dateRefs) add(r dateRef) { addOnce(&rs.r, &rs.n, r) }

// addOnce appends v to the first n of set unless it is there or set is full.
func addOnce[T comparable](set *[maxEventDays]T, n *uint8, v T) {
	for _, x := range set[:*n] {
		if x == v {
			return
		}
	}
	if int(*n) < maxEventDays {
		set[*n] = v
		*n++
	}
}

// days resolves the dates against pub, the report's publication: each to the nearest day
// it can name, kept when within maxDayGap days of pub.
func (rs *dateRefs) days(pub time.Time) eventDays {
	var e eventDays
	if rs.n == 0 || pub.IsZero() {
		return e
	}
	pub = pub.UTC()
	p := dayNumber(pub)
	for _, r := range rs.r[:rs.n] {
		if wd := int(r>>21) - 1; wd >= 0 {
			// The weekday of the last six days or the next: "said on Tuesday", "will
			// meet Friday".
			for k := int32(-5); k <= 1; k++ {
				if time.Weekday((int64(p+k)+4)%7) == time.Weekday(wd) { // day 0 was a Thursday
					e.add(p + k)
					break
				}
			}
			continue
		}
		year, month, day := int(r>>9&0xfff), int(r>>5&0xf), int(r&0x1f)
		if year != 0 {
			year += 1900
		}
		if d, ok := nearestDay(year, month, day, pub); ok {
			e.add(d)
		}
	}
	return e
}

// eventDays is the set of days a report's event is said to have happened on, as days since
// the Unix epoch; n of them are used.
type eventDays struct {
	d [maxEventDays]int32
	n uint8
}

func (e *eventDays) add(day int32) { addOnce(&e.d, &e.n, day) }

// gap is the least distance, in days, between a day of e and a day of o; ok is false when
// either names none.
func (e *eventDays) gap(o *eventDays) (days int32, ok bool) {
	if e.n == 0 || o.n == 0 {
		return 0, false
	}
	best := int32(1 << 30)
	for _, a := range e.d[:e.n] {
		for _, b := range o.d[:o.n] {
			best = min(best, max(a-b, b-a))
		}
	}
	return best, true
}

// dayNumber is the day t falls on, in UTC, counted from the Unix epoch.
func dayNumber(t time.Time) int32 {
	y, m, d := t.UTC().Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

var monthNames = map[string]time.Month{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
	"may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
	"september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
	"december": 12, "dec": 12,
}

var weekdayNames = map[string]time.Weekday{
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// readDates adds to rs the dates that s names.
func readDates(rs *dateRefs, s string) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			n := digitRun(s, i)
			if i == 0 || !isNumberGlue(s[i-1]) {
				n = max(n, readKoreanDate(rs, s, i, n))
			}
			i += n
		case 'A' <= c && c <= 'Z' && (i == 0 || !isASCIIAlnum(s[i-1])):
			n := i
			for n < len(s) && isASCIIAlnum(s[n]) {
				n++
			}
			readEnglishDate(rs, s, i, n)
			i = n
		default:
			i++
		}
	}
}

// isNumberGlue reports a byte that makes the digits after it part of a larger number or
// a name (1,000; 3.5; H20).
func isNumberGlue(c byte) bool { return c == ',' || c == '.' || isASCIIAlnum(c) }

func digitRun(s string, i int) int {
	j := i
	for j < len(s) && '0' <= s[j] && s[j] <= '9' {
		j++
	}
	return j - i
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// Korean date units, and what may not follow 일 in a day of the month: 3일간 and 3일째 are
// spans, 3일 전 and 3일 만에 are counted from another day.
const (
	runeYear  = '년'
	runeMonth = '월'
	runeDay   = '일'
)

var (
	koSpanSuffix = []string{"간", "째", "치", "씩", "동안", "이내", "만에", "만의"}
	koSpanWord   = []string{"전", "후", "뒤", "만에", "동안", "이내", "내에", "안에"}
)

// isSpan reports whether rest, what follows 일, makes the number a count of days: a suffix
// (3일간), or a word after one space (7일 전, 30일 이내) that ends there or takes a
// particle (7일 전에), so that 30일 전체회의 stays a date.
func isSpan(rest string) bool {
	for _, w := range koSpanSuffix {
		if strings.HasPrefix(rest, w) {
			return true
		}
	}
	if !strings.HasPrefix(rest, " ") {
		return false
	}
	rest = rest[1:]
	for _, w := range koSpanWord {
		if !strings.HasPrefix(rest, w) {
			continue
		}
		r, _ := utf8.DecodeRuneInString(rest[len(w):])
		if !isDense(r) || strings.ContainsRune("에의인부까쯤이로", r) {
			return true
		}
	}
	return false
}

// readKoreanDate reads a date written the Korean way at s[i:], whose first n bytes are
// digits: [2025년] [10월] 31일. It returns the bytes it read.
func readKoreanDate(rs *dateRefs, s string, i, n int) int {
	start := i
	year, month, day := 0, 0, 0
	for {
		v := s[i : i+n]
		j := i + n
		r, size := utf8.DecodeRuneInString(s[j:])
		switch {
		case r == runeYear && n == 4 && year == 0 && month == 0:
			year = atoi(v)
		case r == runeMonth && n <= 2 && month == 0:
			month = atoi(v)
		case r == runeDay && n <= 2:
			if isSpan(s[j+size:]) {
				return j + size - start
			}
			day = atoi(v)
			if day >= 1 && day <= 31 && month <= 12 {
				rs.add(newDateRef(year, month, day, -1))
			}
			return j + size - start
		default:
			return j - start
		}
		// The next part: digits after the unit and at most one space.
		j += size
		if j < len(s) && s[j] == ' ' {
			j++
		}
		n = digitRun(s, j)
		if n == 0 {
			return j - start
		}
		i = j
	}
}

// readEnglishDate reads a date that starts with the capitalised word s[i:j]: "Oct. 31",
// "October 31, 2025", "May 21-22", a weekday; or a day before a month: "31 October" (read
// when the month is found after a number).
func readEnglishDate(rs *dateRefs, s string, i, j int) {
	w := strings.ToLower(s[i:j])
	if wd, ok := weekdayNames[w]; ok {
		rs.add(newDateRef(0, 0, 0, int(wd)))
		return
	}
	m, ok := monthNames[w]
	if !ok {
		return
	}
	// Day before the month: "31 October".
	if k := i - 1; k > 0 && s[k] == ' ' {
		b := k
		for b > 0 && '0' <= s[b-1] && s[b-1] <= '9' {
			b--
		}
		if d := k - b; d >= 1 && d <= 2 && (b == 0 || !isNumberGlue(s[b-1])) {
			addDate(rs, yearAfter(s, j), int(m), atoi(s[b:k]))
			return
		}
	}
	if j < len(s) && s[j] == '.' {
		j++
	}
	if j >= len(s) || s[j] != ' ' {
		return
	}
	j++
	n := digitRun(s, j)
	if n < 1 || n > 2 || (j+n < len(s) && (isASCIIAlnum(s[j+n]) && !isOrdinal(s[j+n:]) || s[j+n] == ',' && threeDigits(s[j+n+1:]))) {
		return
	}
	year := yearAfter(s, j+n)
	addDate(rs, year, int(m), atoi(s[j:j+n]))
	// A span within one month: "May 21-22".
	if k := j + n; k+1 < len(s) && (s[k] == '-' || strings.HasPrefix(s[k:], "–")) {
		k += utf8.RuneLen(rune(s[k]))
		if s[k-1] != '-' {
			k = j + n + len("–")
		}
		if d := digitRun(s, k); d >= 1 && d <= 2 {
			addDate(rs, year, int(m), atoi(s[k:k+d]))
		}
	}
}

func isOrdinal(s string) bool {
	for _, o := range []string{"st", "nd", "rd", "th"} {
		if strings.HasPrefix(s, o) && (len(s) == 2 || !isASCIIAlnum(s[2])) {
			return true
		}
	}
	return false
}

// yearAfter reads ", 2024" or " 2024" at s[j:], 0 if none.
func yearAfter(s string, j int) int {
	if j < len(s) && s[j] == ',' {
		j++
	}
	if j < len(s) && s[j] == ' ' {
		j++
	}
	if digitRun(s, j) == 4 {
		return atoi(s[j : j+4])
	}
	return 0
}

// addDate adds a day of a month, if it is one.
func addDate(rs *dateRefs, year, month, day int) {
	if day >= 1 && day <= 31 {
		rs.add(newDateRef(year, month, day, -1))
	}
}

// nearestDay resolves a date with the parts given (year and month 0 when unnamed) against
// pub: the date with those parts nearest to it, when within maxDayGap days.
func nearestDay(year, month, day int, pub time.Time) (int32, bool) {
	p := dayNumber(pub)
	best, found := int32(0), false
	py, pm, _ := pub.Date()
	for dm := -1; dm <= 1; dm++ {
		t := time.Date(py, pm+time.Month(dm), 1, 0, 0, 0, 0, time.UTC)
		y, m := t.Year(), int(t.Month())
		if (month != 0 && m != month) || (year != 0 && y != year) {
			continue
		}
		c := time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC)
		if c.Day() != day { // 31 June
			continue
		}
		n := dayNumber(c)
		if !found || abs32(n-p) < abs32(best-p) {
			best, found = n, true
		}
	}
	return best, found && abs32(best-p) <= maxDayGap
}

func abs32(x int32) int32 { return max(x, -x) }
