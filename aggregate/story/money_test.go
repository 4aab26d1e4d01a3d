package story

import (
	"slices"
	"testing"
)

// TestMoneyAcrossCurrencies: a sum in won and the same sum in dollars share a money feature,
// whatever the day's rate within its decade's span; different sums, sums without a currency
// and words that only begin like a currency (원장, 엔비디아) share none.
func TestMoneyAcrossCurrencies(t *testing.T) {
	money := func(s string) []uint64 {
		_, m := appendAmounts(nil, nil, s)
		return m
	}
	shares := func(a, b string) bool {
		x, y := money(a), money(b)
		return slices.ContainsFunc(x, func(h uint64) bool { return slices.Contains(y, h) })
	}
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"정부, AI 반도체에 5년간 1조원 지원", "South Korea to invest $794 million in AI chips", true},
		{"정부, AI 반도체에 5년간 1조원 지원", "to spend nearly $800 mn to foster AI chips", true},
		{"9조4천억원 투입", "a $7 billion push", true},
		{"€1 billion drive to boost AI", "10억 유로 규모", true},
		{"1조6000억원 투입해 AI 활용 확대", "EU unveils €1B 'Apply AI' push", true},
		{"1조원 지원", "$79 million grant", false},
		{"1조원 지원", "$3 billion package", false},
		{"1조 규모", "$794 million", false}, // no currency on the Korean side
		{"3원장", "$3", false},
		{"2엔비디아", "¥2", false},
		{"5000원 할인", "$4 off", false}, // too small to count
	} {
		if got := shares(c.a, c.b); got != c.want {
			t.Errorf("%q and %q share a money feature: %v, want %v (%v, %v)", c.a, c.b, got, c.want,
				money(c.a), money(c.b))
		}
	}
	for _, c := range []struct{ text, want string }{
		{"$5.5B", "USD"}, {"US$ 12 billion", "USD"}, {"1조원을", "KRW"}, {"20억 달러", "USD"},
		{"100엔", "JPY"}, {"5 billion won", "KRW"}, {"3 trillion yen", "JPY"}, {"1조", ""}, {"10 wonders", ""},
	} {
		var got []string
		eachNumber(c.text, func(_ float64, start, end int) { got = append(got, currencyAround(c.text, start, end)) })
		if len(got) != 1 || got[0] != c.want {
			t.Errorf("currency of %q = %q, want %q", c.text, got, c.want)
		}
	}
}
