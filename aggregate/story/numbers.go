package story

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Numbers are the anchors that tie two reports of one event across wording and language: an
// amount, a count, a share, a year. Outlets write one value many ways (9.4조, 9조4천억원,
// 9조 4000억원; $1.2 billion, 1.2bn, $1,200 million; 26만 장, 260,000), so each number is
// read with the units that scale it and kept as its value, rounded to three significant
// digits: every notation of one value gives one feature.

// koUnits are the Korean number units: 만, 억 and 조 scale everything before them back to the
// previous large unit; 천, 백 and 십 scale only the digits just before them (6천200억 is
// 6,200 억).
var koUnits = map[rune]struct {
	scale float64
	large bool
}{
	'십': {10, false}, '백': {100, false}, '천': {1000, false},
	'만': {1e4, true}, '억': {1e8, true}, '조': {1e12, true},
}

// enScales are the English scale words and abbreviations, lower case. The one-letter forms
// count only when written against the number ($5.5B, 450M), where they cannot be a word.
var enScales = map[string]float64{
	"thousand": 1e3, "k": 1e3,
	"million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6,
	"billion": 1e9, "bn": 1e9, "bln": 1e9, "b": 1e9,
	"trillion": 1e12, "tn": 1e12, "trn": 1e12, "t": 1e12,
}

// appendAmounts appends the value of every number in s, as read by readNumber, to nums, and
// the money features of those that are sums in a currency (see usdRange) to money, in one
// pass.
func appendAmounts(nums []float64, money []uint64, s string) ([]float64, []uint64) {
	eachNumber(s, func(v float64, start, end int) {
		nums = append(nums, v)
		money = appendSum(money, s, v, start, end)
	})
	return nums, money
}

// eachNumber calls f with the value of every number in s, as read by readNumber, and the
// bytes it spans.
func eachNumber(s string, f func(v float64, start, end int)) {
	for i := 0; i < len(s); {
		c := s[i]
		if c < '0' || c > '9' || (i > 0 && isASCIIAlnum(s[i-1])) {
			// Digits glued after a letter are part of a name (H20, B200, GPT4): skip the
			// whole run.
			if c >= '0' && c <= '9' {
				for i < len(s) && (isASCIIAlnum(s[i]) || s[i] == '.') {
					i++
				}
				continue
			}
			_, n := utf8.DecodeRuneInString(s[i:])
			i += n
			continue
		}
		v, n := readNumber(s[i:])
		f(v, i, i+n)
		i += n
	}
}

// Sums of money in two currencies: a Korean report writes won where an English one writes
// dollars ("1조원", "$794 million"). Each sum in a currency of usdRange is placed on a scale of
// tenth-decades of US dollars (about 26% each), over the span its exchange rate has had in
// the last decade, and every step of that span is a feature: a sum in won and the same sum in
// dollars share one, whatever the rate of the day. A sum with no currency gives none.
var usdRange = map[string][2]float64{
	"KRW": {1.0 / 1500, 1.0 / 1100},
	"USD": {1, 1},
	"EUR": {1.0, 1.25},
	"GBP": {1.2, 1.45},
	"JPY": {1.0 / 160, 1.0 / 100},
}

// moneyMin is the least sum, in dollars, that counts: prices and small fines say little.
const moneyMin = 1e6

// appendSum appends the money features of the number v at s[start:end], if it is a sum in a
// currency of usdRange.
func appendSum(out []uint64, s string, v float64, start, end int) []uint64 {
	r, ok := usdRange[currencyAround(s, start, end)]
	if !ok || v <= 0 {
		return out
	}
	lo, hi := v*r[0], v*r[1]
	if hi < moneyMin {
		return out
	}
	for k := math.Floor(math.Log10(lo) * 10); k <= math.Floor(math.Log10(hi)*10); k++ {
		var buf [8]byte
		out = append(out, hashBytes(kindMoney, strconv.AppendInt(buf[:0], int64(k), 10)))
	}
	return out
}

// currencyAround names the currency of the number s[start:end], read with its scale: a
// symbol before it ("$", "US$", "€", "£", "¥", "₩") or a word after it ("원", "달러", "유로",
// "엔", "won", "dollars", "euros", "yen"), else "".
func currencyAround(s string, start, end int) string {
	before := strings.TrimRight(s[max(0, start-4):start], " ")
	switch {
	case strings.HasSuffix(before, "$"):
		return "USD"
	case strings.HasSuffix(before, "€"):
		return "EUR"
	case strings.HasSuffix(before, "£"):
		return "GBP"
	case strings.HasSuffix(before, "¥"):
		return "JPY"
	case strings.HasSuffix(before, "₩"):
		return "KRW"
	}
	after := strings.TrimLeft(s[end:], " ")
	for _, c := range []struct{ word, cur string }{
		{"원", "KRW"}, {"달러", "USD"}, {"유로", "EUR"}, {"엔", "JPY"}, {"파운드", "GBP"},
		{"won", "KRW"}, {"dollars", "USD"}, {"dollar", "USD"}, {"euros", "EUR"}, {"euro", "EUR"}, {"yen", "JPY"}, {"pounds", "GBP"},
	} {
		if !strings.HasPrefix(after, c.word) {
			continue
		}
		// The word must end there: 원 of 원장 or 원전 is not won, 엔 of 엔비디아 not yen.
		next, _ := utf8.DecodeRuneInString(after[len(c.word):]) // utf8.RuneError at the end
		if !isDense(next) && !('a' <= next && next <= 'z') {
			return c.cur
		}
		if c.cur == "KRW" && c.word == "원" && strings.ContainsRune("을이은의에과로대씩가", next) {
			return c.cur // 원을, 원이, 원의...: particles after won
		}
	}
	return ""
}

func isASCIIAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// readNumber reads the number at the start of s, which begins with a digit, with the units
// that follow it, and returns its value and the bytes read. Thousands separators go
// (260,000), a decimal point stays (9.4), Korean units combine (9조4천억, 1만5000, 4억5000만)
// and an English scale follows with or without a space (1.2 billion, 1.2bn, 450M).
func readNumber(s string) (float64, int) {
	total, group := 0.0, 0.0 // group: the part since the last large Korean unit
	i := 0
	for {
		v, n := readDigits(s[i:])
		if n == 0 {
			break
		}
		j := i + n
		r, size := utf8.DecodeRuneInString(s[j:])
		u, unit := koUnits[r]
		if !unit && r == ' ' {
			// "3조 3000억": a space before a unit only within a Korean amount.
			if r2, size2 := utf8.DecodeRuneInString(s[j+1:]); total+group > 0 {
				if u2, ok := koUnits[r2]; ok {
					u, unit, size = u2, true, 1+size2
				}
			}
		}
		switch {
		case unit && u.large:
			total += (group + v) * u.scale
			group = 0
			j += size
		case unit:
			group += v * u.scale
			j += size
			// "4천억": a small unit can be followed by a large one that scales the group.
			if r2, size2 := utf8.DecodeRuneInString(s[j:]); koUnits[r2].large {
				total += group * koUnits[r2].scale
				group = 0
				j += size2
			}
		default:
			group += v
		}
		i = j
		// Another part follows only right after a unit ("9조4천억", "9조 4000억").
		if !unit || i >= len(s) {
			break
		}
		k := i
		if s[k] == ' ' {
			k++
		}
		if k >= len(s) || s[k] < '0' || s[k] > '9' {
			break
		}
		i = k
	}
	v := total + group
	if scale, n := readScale(s[i:]); n > 0 && total == 0 {
		v *= scale
		i += n
	}
	return round3(v), i
}

// readDigits reads digits with thousands separators and one decimal point: "260,000" is
// 260000 and "1,5" (a European decimal) 1.5, since a comma counts as a separator only before
// exactly three digits.
func readDigits(s string) (float64, int) {
	var buf [32]byte
	b := buf[:0]
	i, dot, plain := 0, false, true // plain: s[:i] is the number as written
	for i < len(s) {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			b = append(b, c)
			i++
			continue
		case c == ',' && len(b) > 0 && !dot && threeDigits(s[i+1:]):
			plain = false
			i++
			continue
		case (c == '.' || c == ',') && len(b) > 0 && !dot && i+1 < len(s) && '0' <= s[i+1] && s[i+1] <= '9':
			plain = plain && c == '.'
			b = append(b, '.')
			dot = true
			i++
			continue
		}
		break
	}
	if len(b) == 0 {
		return 0, 0
	}
	text := s[:i]
	if !plain {
		text = string(b) // separators dropped: a copy, which most numbers do not need
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return 0, 0
	}
	return v, i
}

// threeDigits reports whether s starts with exactly three digits.
func threeDigits(s string) bool {
	if len(s) < 3 {
		return false
	}
	for k := range 3 {
		if s[k] < '0' || s[k] > '9' {
			return false
		}
	}
	return len(s) == 3 || s[3] < '0' || s[3] > '9'
}

// readScale reads an English scale word after a number: "billion" or "bn" after a space or
// none, a single letter ("B", "M", "K", "T") only right against the number. The word must
// end there: "1.2 bnx" or "5 mins" is no scale.
func readScale(s string) (float64, int) {
	space := 0
	if strings.HasPrefix(s, " ") {
		space = 1
	}
	j := space
	for j < len(s) && ('a' <= s[j]|0x20 && s[j]|0x20 <= 'z') {
		j++
	}
	if j == space || j-space > 8 || (j < len(s) && isASCIIAlnum(s[j])) {
		return 0, 0
	}
	w := strings.ToLower(s[space:j])
	scale, ok := enScales[w]
	if !ok || (len(w) == 1 && space > 0) {
		return 0, 0
	}
	return scale, j
}

// round3 rounds a large v to three significant digits, so that 4.745 billion and 47억4500만
// meet, and so do an outlet's 1.46조 and another's 1조4590억; smaller values (years, counts,
// shares) stay as written, to two decimals against floating-point noise.
func round3(v float64) float64 {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return v
	}
	if math.Abs(v) < 1e5 {
		return math.Round(v*100) / 100
	}
	p := math.Pow(10, 2-math.Floor(math.Log10(math.Abs(v))))
	return math.Round(v*p) / p
}
