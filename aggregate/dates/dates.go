// Package dates owns reading the date strings feeds write: RFC 822/1123 and
// RFC 3339 in their many real-world variants, and the Korean forms ("2026년 3월 3일",
// "2023-03-08 오후 6:04:03", "2026.03.03 10:00") that gofeed does not read.
//
// It exists because gofeed reads named zones it does not know (KST among them) as
// UTC, nine hours wrong without an error, and gives up on Korean dates. Parse
// reports whether the string carried a zone, so that the pipeline can read
// zone-less dates in the source's own time zone.
package dates

import (
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Parse reads a feed date string. Dates written without a zone are taken in loc
// (UTC when loc is nil) and reported with hasZone false. ok is false when s holds
// nothing Parse can read with confidence: the caller then falls back to another
// source of the date rather than trusting a guess.
//
// Parse reads a date part, then the rest in any order: a time (with 오전/오후 or
// AM/PM), a numeric offset ("+09:00", "+0900", "+09", glued to the time or not),
// a named zone (see zoneOffsets), weekdays (ignored: feeds often get them wrong)
// and parenthesised comments. Date parts it reads:
//
//	2026-03-03, 2026.03.03, 2026/03/03, 2026-03-03T10:00:00Z   year first
//	2026년 3월 3일, 2026년 01월 16일 (수)요일 14:00               Korean
//	Tue, 03 Mar 2026 10:00:00 +0900, 3 March 26                 day month-name year
//	March 3, 2026 10:00 AM, Tue Mar 3 10:00:00 KST 2026         month-name day [year]
//
// Day-month-year and month-day-year with digits only ("03/04/2026") are
// ambiguous and are not read.
func Parse(s string, loc *time.Location) (t time.Time, hasZone bool, ok bool) {
	if loc == nil {
		loc = time.UTC
	}
	p := parser{s: strings.TrimSpace(s)}
	if p.s == "" || len(p.s) > 200 {
		return time.Time{}, false, false
	}
	if !p.datePart() || !p.rest() {
		return time.Time{}, false, false
	}
	return p.result(loc)
}

// parser holds the fields read so far; -1 means not yet seen.
type parser struct {
	s   string
	pos int

	year, month, day     int
	hour, min, sec, nsec int
	ampm                 int // 0 none, 1 AM, 2 PM
	haveTime             bool
	zone                 *time.Location
	zoneIsOffset         bool // a numeric offset was read; a later name is only a comment
}

func (p *parser) result(loc *time.Location) (time.Time, bool, bool) {
	// Years before 1900 are placeholders ("0001-01-01", "0000-00-00"), not dates.
	if p.year < 1900 || p.month < 1 || p.month > 12 || p.day < 1 || p.day > 31 {
		return time.Time{}, false, false
	}
	h := p.hour
	if p.ampm != 0 {
		if !p.haveTime || h < 0 || h > 23 {
			return time.Time{}, false, false
		}
		switch {
		case p.ampm == 1 && h == 12:
			h = 0
		case p.ampm == 2 && h < 12:
			h += 12
		}
	}
	sec := p.sec
	if sec == 60 { // a leap second: time.Date would roll into the next minute
		sec = 59
	}
	if h < 0 || h > 24 || p.min < 0 || p.min > 59 || sec < 0 || sec > 59 || (h == 24 && (p.min != 0 || sec != 0)) {
		return time.Time{}, false, false
	}
	z, hasZone := p.zone, p.zone != nil
	if !hasZone {
		z = loc
	}
	t := time.Date(p.year, time.Month(p.month), p.day, h, p.min, sec, p.nsec, z)
	// time.Date normalises 31 February into March; a feed that wrote it is wrong.
	if h != 24 && t.Day() != p.day {
		return time.Time{}, false, false
	}
	return t, hasZone, true
}

// datePart reads the date at the start of s, after an optional weekday.
func (p *parser) datePart() bool {
	p.year, p.month, p.day = -1, -1, -1
	p.hour, p.min, p.sec = 0, 0, 0
	p.skipSpace()
	// A leading weekday: "Tue, ", "Tuesday ", "(화) ".
	if w, n := p.peekWord(); n > 0 && isWeekday(w) {
		p.pos += n
		p.skipPunct(",.")
	}
	p.skipSpace()

	start := p.pos
	if n, digits := p.number(); digits == 4 {
		// Year first: 2026-03-03, 2026.03.03, 2026/03/03, 2026년 3월 3일.
		p.year = n
		korean := p.skipKorean("년")
		if !korean {
			sep := p.peekByte()
			if sep != '-' && sep != '.' && sep != '/' {
				return false
			}
			p.pos++
			p.skipSpace() // "2026. 3. 3." as Korean locales print it
			m, d := p.number()
			if d < 1 || d > 2 {
				return false
			}
			p.month = m
			if p.peekByte() != sep {
				return false
			}
			p.pos++
			p.skipSpace()
			day, d2 := p.number()
			if d2 < 1 || d2 > 2 {
				return false
			}
			p.day = day
			p.skipPunct(".") // "2026.03.03."
			return true
		}
		p.skipSpace()
		m, d := p.number()
		if d < 1 || d > 2 || !p.skipKorean("월") {
			return false
		}
		p.month = m
		p.skipSpace()
		day, d2 := p.number()
		if d2 < 1 || d2 > 2 {
			return false
		}
		p.day = day
		p.skipKorean("일")
		return true
	} else if digits == 1 || digits == 2 {
		// Day first: "03 Mar 2026", "3 March 26".
		p.day = n
		p.skipSpace()
		w, wn := p.peekWord()
		m := monthNumber(w)
		if m == 0 {
			return false
		}
		p.pos += wn
		p.month = m
		p.skipPunct(".,-")
		p.skipSpace()
		y, yd := p.number()
		switch yd {
		case 4:
			p.year = y
		case 2:
			p.year = twoDigitYear(y)
		default:
			return false
		}
		p.skipPunct(",")
		return true
	}
	p.pos = start
	// Month first: "March 3, 2026", "Mar 3 10:00:00 KST 2026".
	w, wn := p.peekWord()
	m := monthNumber(w)
	if m == 0 {
		return false
	}
	p.pos += wn
	p.month = m
	p.skipPunct(".")
	p.skipSpace()
	day, d := p.number()
	if d < 1 || d > 2 {
		return false
	}
	p.day = day
	if w, n := p.peekWord(); n > 0 && (w == "st" || w == "nd" || w == "rd" || w == "th") {
		p.pos += n
	}
	p.skipPunct(",")
	p.skipSpace()
	save := p.pos
	if y, yd := p.number(); yd == 4 && !p.atTimeColon() {
		p.year = y
		p.skipPunct(",")
	} else {
		p.pos = save // the year comes after the time (ANSI C style), read by rest
	}
	return true
}

// rest reads what follows the date, in any order.
func (p *parser) rest() bool {
	for {
		p.skipSpace()
		p.skipPunct(",")
		p.skipSpace()
		if p.pos >= len(p.s) {
			return true
		}
		c := p.s[p.pos]
		switch {
		case c == 'T' || c == 't':
			// ISO 8601's separator, directly followed by the time.
			if p.pos+1 < len(p.s) && isDigit(p.s[p.pos+1]) {
				p.pos++
				if !p.timeOfDay() {
					return false
				}
				continue
			}
		case isDigit(c):
			if p.atTimeColon() || p.atKoreanTime() {
				if p.haveTime || !p.timeOfDay() {
					return false
				}
				continue
			}
			// A year after the time: "Tue Mar 3 10:00:00 KST 2026".
			if n, d := p.number(); d == 4 && p.year < 0 {
				p.year = n
				continue
			}
			return false
		case c == '+' || c == '-':
			if !p.offset("") {
				return false
			}
			continue
		case c == '(':
			// A comment: "(KST)", "(수)", "(Korea Standard Time)".
			end := strings.IndexByte(p.s[p.pos:], ')')
			if end < 0 {
				return false
			}
			inner := strings.TrimSpace(p.s[p.pos+1 : p.pos+end])
			p.pos += end + 1
			if off, ok := zoneOffsets[strings.ToUpper(inner)]; ok && p.zone == nil {
				p.zone = fixedZone(strings.ToUpper(inner), off)
			}
			continue
		}
		w, n := p.peekWord()
		if n == 0 {
			return false
		}
		switch {
		case isWord(w, "am", "a.m.") || w == "오전":
			p.ampm = 1
		case isWord(w, "pm", "p.m.") || w == "오후":
			p.ampm = 2
		case w == "요일" || isWeekday(w):
		case isWord(w, "at"): // "2006-01-02 at 15:04:05"
		default:
			off, known := zoneOffsets[strings.ToUpper(w)]
			if !known {
				return false
			}
			p.pos += n
			// "GMT+9", "UTC+09:00": the offset belongs to the name.
			if p.pos < len(p.s) && (p.s[p.pos] == '+' || p.s[p.pos] == '-') && off == 0 {
				if !p.offset(strings.ToUpper(w)) {
					return false
				}
				continue
			}
			if !p.zoneIsOffset {
				p.zone = fixedZone(strings.ToUpper(w), off)
			}
			continue
		}
		p.pos += n
	}
}

// timeOfDay reads "15:04", "15:04:05", "15:04:05.999", "3:04:05PM", "14시 30분".
func (p *parser) timeOfDay() bool {
	h, d := p.number()
	if d < 1 || d > 2 {
		return false
	}
	p.hour, p.haveTime = h, true
	if p.skipKorean("시") {
		p.skipSpace()
		if m, md := p.number(); md >= 1 && md <= 2 {
			p.min = m
			if !p.skipKorean("분") {
				return false
			}
			p.skipSpace()
			if s, sd := p.number(); sd >= 1 && sd <= 2 {
				p.sec = s
				return p.skipKorean("초")
			}
		}
		return true
	}
	if p.peekByte() != ':' {
		return false
	}
	p.pos++
	m, md := p.number()
	if md < 1 || md > 2 {
		return false
	}
	p.min = m
	if p.peekByte() == ':' {
		p.pos++
		s, sd := p.number()
		if sd < 1 || sd > 2 {
			return false
		}
		p.sec = s
		if c := p.peekByte(); c == '.' || c == ',' {
			p.pos++
			// Fractions of any length; digits past nanoseconds are dropped.
			f, digits := 0, 0
			for p.pos < len(p.s) && isDigit(p.s[p.pos]) {
				if digits < 9 {
					f = f*10 + int(p.s[p.pos]-'0')
					digits++
				}
				p.pos++
			}
			if digits == 0 {
				return false
			}
			for ; digits < 9; digits++ {
				f *= 10
			}
			p.nsec = f
		}
	}
	// "13:47:03Z": RFC 3339's zone letter glued to the time.
	if c := p.peekByte(); c == 'Z' || c == 'z' {
		if p.pos+1 == len(p.s) || !isLetter(p.s[p.pos+1]) {
			p.pos++
			p.zone, p.zoneIsOffset = time.UTC, true
		}
	}
	return true
}

// offset reads "+09:00", "+0900", "+09", "-0500" after a sign; name is the zone
// word it followed ("GMT" in "GMT+9"), which allows a one-digit hour.
func (p *parser) offset(name string) bool {
	sign := 1
	if p.s[p.pos] == '-' {
		sign = -1
	}
	p.pos++
	start := p.pos
	n, d := p.number()
	var h, m int
	switch d {
	case 1:
		if name == "" {
			return false
		}
		h = n
	case 2:
		h = n
	case 4:
		h, m = n/100, n%100
	default:
		return false
	}
	if d <= 2 && p.peekByte() == ':' {
		p.pos++
		mm, md := p.number()
		if md != 2 {
			return false
		}
		m = mm
	}
	if h > 14 || m > 59 || p.pos == start {
		return false
	}
	p.zone, p.zoneIsOffset = offsetZone(name, sign*(h*3600+m*60)), true
	return true
}

// offsetZone is the zone of a numeric offset, named by it ("+0900"), or by
// the zone word it followed and it ("GMT+0900"; "GMT" when the offset is 0).
func offsetZone(word string, off int) *time.Location {
	return cachedZone(zoneKey{word, off, true}, func() *time.Location {
		name := word
		if name == "" {
			name = formatOffset(off)
		} else if off != 0 {
			name += formatOffset(off)
		}
		return time.FixedZone(name, off)
	})
}

func formatOffset(off int) string {
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	return string(sign) + twoDigits(off/3600) + twoDigits(off%3600/60)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// number reads a run of ASCII digits (at most 9) and returns its value and length.
func (p *parser) number() (int, int) {
	start := p.pos
	n := 0
	for p.pos < len(p.s) && isDigit(p.s[p.pos]) {
		if p.pos-start == 9 {
			return 0, 10 // too long to be any date field
		}
		n = n*10 + int(p.s[p.pos]-'0')
		p.pos++
	}
	return n, p.pos - start
}

// atTimeColon reports whether s continues with digits then ':'.
func (p *parser) atTimeColon() bool {
	i := p.pos
	for i < len(p.s) && isDigit(p.s[i]) {
		i++
	}
	return i > p.pos && i-p.pos <= 2 && i < len(p.s) && p.s[i] == ':'
}

// atKoreanTime reports whether s continues with digits then "시".
func (p *parser) atKoreanTime() bool {
	i := p.pos
	for i < len(p.s) && isDigit(p.s[i]) {
		i++
	}
	return i > p.pos && strings.HasPrefix(p.s[i:], "시")
}

func (p *parser) peekByte() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

// peekWord returns the word at pos: a run of letters (ASCII or Hangul), with
// dots inside abbreviations ("a.m."), and its length in bytes.
func (p *parser) peekWord() (string, int) {
	i := p.pos
	for i < len(p.s) {
		r, size := utf8.DecodeRuneInString(p.s[i:])
		if !unicode.IsLetter(r) && !(r == '.' && i > p.pos && isAMPMDot(p.s[p.pos:i])) {
			break
		}
		i += size
	}
	return p.s[p.pos:i], i - p.pos
}

// isAMPMDot lets "a.m." and "p.m." keep their dots while "Mar." stops before its.
func isAMPMDot(w string) bool { return isWord(w, "a", "p", "a.m", "p.m") }

// isWord reports whether w is one of words, which are lower-case ASCII, in
// any case: strings.ToLower(w) == word, without making the lower-case copy.
func isWord(w string, words ...string) bool {
	for _, x := range words {
		if len(w) == len(x) && strings.EqualFold(w, x) {
			return true
		}
	}
	return false
}

// lookup is m[strings.ToLower(w)], without making the lower-case copy of a
// short ASCII word.
func lookup[V any](m map[string]V, w string) V {
	var buf [16]byte
	if len(w) > len(buf) {
		return m[strings.ToLower(w)]
	}
	b := buf[:len(w)]
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return m[strings.ToLower(w)]
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return m[string(b)]
}

// zones holds the zones Parse has returned, by name and offset: a
// *time.Location never changes, and time.FixedZone makes a new one on every
// call. Names and offsets come from zoneOffsets and from numeric offsets of
// at most 14 hours, so the map stays small; maxZones bounds it all the same.
var zones struct {
	sync.RWMutex
	m map[zoneKey]*time.Location
}

type zoneKey struct {
	name    string
	off     int
	numeric bool // name is the word before a numeric offset (offsetZone)
}

const maxZones = 1024

// fixedZone is time.FixedZone(name, off), made once.
func fixedZone(name string, off int) *time.Location {
	return cachedZone(zoneKey{name, off, false}, func() *time.Location { return time.FixedZone(name, off) })
}

// cachedZone returns the zone of k, made by build the first time.
func cachedZone(k zoneKey, build func() *time.Location) *time.Location {
	zones.RLock()
	loc := zones.m[k]
	zones.RUnlock()
	if loc != nil {
		return loc
	}
	loc = build()
	zones.Lock()
	defer zones.Unlock()
	if zones.m == nil {
		zones.m = map[zoneKey]*time.Location{}
	}
	if len(zones.m) < maxZones {
		k.name = strings.Clone(k.name) // it may be part of the string being parsed
		zones.m[k] = loc
	}
	return loc
}

func (p *parser) skipSpace() {
	for p.pos < len(p.s) {
		r, size := utf8.DecodeRuneInString(p.s[p.pos:])
		if !unicode.IsSpace(r) {
			return
		}
		p.pos += size
	}
}

func (p *parser) skipPunct(set string) {
	for p.pos < len(p.s) && strings.IndexByte(set, p.s[p.pos]) >= 0 {
		p.pos++
	}
}

func (p *parser) skipKorean(unit string) bool {
	if strings.HasPrefix(p.s[p.pos:], unit) {
		p.pos += len(unit)
		return true
	}
	return false
}

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// twoDigitYear follows RFC 2822 §4.3: 00-49 are 2000-2049, 50-99 are 1950-1999.
func twoDigitYear(y int) int {
	if y < 50 {
		return 2000 + y
	}
	return 1900 + y
}

var months = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
	"apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
	"aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
	"nov": 11, "november": 11, "dec": 12, "december": 12,
}

func monthNumber(w string) int { return lookup(months, w) }

var weekdays = map[string]bool{
	"mon": true, "monday": true, "tue": true, "tues": true, "tuesday": true,
	"wed": true, "wednesday": true, "thu": true, "thur": true, "thurs": true, "thursday": true,
	"fri": true, "friday": true, "sat": true, "saturday": true, "sun": true, "sunday": true,
	"월": true, "화": true, "수": true, "목": true, "금": true, "토": true, "일": true,
	"월요일": true, "화요일": true, "수요일": true, "목요일": true, "금요일": true, "토요일": true, "일요일": true,
}

func isWeekday(w string) bool { return lookup(weekdays, w) }

// zoneOffsets are the zone names feeds write, in seconds east of UTC: RFC 822's
// own (UT, GMT, Z and the North American zones) and those of the regions
// gleaner's sources write from. Names that mean different zones in different
// places (IST, BST, CST in China) are read as RFC 822 or the most common use;
// a wrong name here costs hours, so the list stays short rather than complete.
var zoneOffsets = map[string]int{
	"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0,
	"EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600,
	"MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600,
	"AKST": -9 * 3600, "AKDT": -8 * 3600, "HST": -10 * 3600,
	"KST": 9 * 3600, "JST": 9 * 3600, "HKT": 8 * 3600, "SGT": 8 * 3600,
	"AWST": 8 * 3600, "ACST": 9*3600 + 1800, "AEST": 10 * 3600, "AEDT": 11 * 3600,
	"NZST": 12 * 3600, "NZDT": 13 * 3600, "IST": 5*3600 + 1800,
	"BST": 1 * 3600, "CET": 1 * 3600, "CEST": 2 * 3600, "MET": 1 * 3600, "MEST": 2 * 3600,
	"EET": 2 * 3600, "EEST": 3 * 3600, "MSK": 3 * 3600,
}
