package dates

import (
	"testing"
	"time"
)

// BenchmarkParse reads the date forms feeds write most: RFC 822 with a named
// zone and with an offset, RFC 3339, and the Korean forms.
func BenchmarkParse(b *testing.B) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct{ name, s string }{
		{"rfc822-kst", "Tue, 03 Mar 2026 10:00:00 KST"},
		{"rfc822-gmt", "Tue, 03 Mar 2026 10:00:00 GMT"},
		{"rfc822-offset", "Tue, 03 Mar 2026 10:00:00 +0900"},
		{"rfc3339", "2026-03-03T10:00:00+09:00"},
		{"korean", "2026년 3월 3일 오후 6:04"},
		{"dotted", "2026.03.03 10:00"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, ok := Parse(tc.s, seoul); !ok {
					b.Fatalf("%q not read", tc.s)
				}
			}
		})
	}
}
