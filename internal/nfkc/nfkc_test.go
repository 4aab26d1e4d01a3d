package nfkc

import (
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// TestStable checks every rune Stable accepts against the normaliser: NFKC keeps it, and it
// begins a segment (nothing before it can compose with it), so any string of such runes is
// normalised rune by rune, that is, left as it is.
func TestStable(t *testing.T) {
	n := 0
	for r := rune(0); r <= 0x10FFFF; r++ {
		if !Stable(r) {
			continue
		}
		n++
		s := string(r)
		if got := norm.NFKC.String(s); got != s {
			t.Errorf("U+%04X: NFKC makes it %q", r, got)
		}
		if !norm.NFKC.PropertiesString(s).BoundaryBefore() {
			t.Errorf("U+%04X: may compose with the rune before it", r)
		}
	}
	if n < 0x80+11172 {
		t.Errorf("only %d runes are Stable: ASCII and Hangul syllables alone are %d", n, 0x80+11172)
	}
}

func TestString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"과기정통부, AI 반도체에 9.4조 투입", "과기정통부, AI 반도체에 9.4조 투입"},
		{"尹 “AI 반도체” — 발표", "尹 “AI 반도체” — 발표"},
		{"ＡＩ 기본법…", "AI 기본법..."},                             // full-width letters, ellipsis
		{"\u1100\u1161\u11a8", "각"},                          // conjoining jamo compose
		{"가\u11a8", "각"},                                     // an LV syllable and a trailing jamo
		{"e\u0301", "é"},                                     // a letter and a combining accent
		{"ⓒ 연합뉴스", "c 연합뉴스"},                                 // circled letter
		{"bad \xff byte", norm.NFKC.String("bad \xff byte")}, // invalid UTF-8 goes to the normaliser
	} {
		if got := String(tc.in); got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestStringAgreesWithNorm compares String with the normaliser on random strings drawn from
// Stable runes and their near neighbours (jamo, combining marks, compatibility forms).
func TestStringAgreesWithNorm(t *testing.T) {
	pool := []rune{'a', 'Z', ' ', '.', '가', '각', '힣', '尹', '中', '“', '—', '·',
		0x1100, 0x1161, 0x11A8, 0x0301, 0x3131, 0xFF21, 0x2026, 0x00A0, 0x3000, 0xF900, 0x2460, 0x00E9}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(8) + 1 {
			b.WriteRune(pool[rng.IntN(len(pool))])
		}
		s := b.String()
		if got, want := String(s), norm.NFKC.String(s); got != want {
			t.Fatalf("String(%q) = %q, norm.NFKC gives %q", s, got, want)
		}
	}
}

func BenchmarkString(b *testing.B) {
	s := strings.Repeat("과학기술정보통신부는 7일 서울에서 AI 전략회의를 열고 “AI 3대 강국” 도약 방안을 발표했다. ", 4)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		_ = String(s)
	}
}
