package fetch

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
	"golang.org/x/text/encoding/korean"
)

// koreanRSS builds a Korean news RSS document of about size bytes, declared in
// encoding, the shape of a Korean outlet's feed: CDATA descriptions, dc:date and
// a KST pubDate.
func koreanRSS(size int, encoding string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="%s"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>
<title>정책뉴스 - 전체기사</title><link>https://news.example.kr/</link><description>정부 정책 소식</description>
`, encoding)
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `<item><title><![CDATA[과기정통부, 인공지능 기본법 시행령 입법예고 %d]]></title>
<link>https://news.example.kr/article/%d?utm_source=rss</link><guid isPermaLink="false">news-%d</guid>
<description><![CDATA[<p>정부는 초거대AI 산업 육성과 AI 안전 확보를 위한 인공지능 기본법 시행령 제정안을 입법예고했다고 밝혔다. 국회 과학기술정보방송통신위원회는 다음 달 공청회를 열 예정이다.</p>]]></description>
<dc:creator>홍길동 기자</dc:creator><pubDate>Tue, 03 Mar 2026 10:%02d:00 KST</pubDate><category>정책</category></item>
`, i, i, i, i%60)
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

func benchDocs(b *testing.B) map[string][]byte {
	b.Helper()
	euckr, err := korean.EUCKR.NewEncoder().String(koreanRSS(70<<10, "euc-kr"))
	if err != nil {
		b.Fatal(err)
	}
	return map[string][]byte{
		"utf8":  []byte(koreanRSS(70<<10, "utf-8")),
		"euckr": []byte(euckr),
	}
}

// BenchmarkParse is gleaner's parse path: Decode, then gofeed.
func BenchmarkParse(b *testing.B) {
	c := New(nil, Options{})
	for _, name := range []string{"utf8", "euckr"} {
		body := benchDocs(b)[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				feed, err := c.Parse(body, "application/rss+xml", "https://news.example.kr/rss")
				if err != nil || len(feed.Items) == 0 {
					b.Fatalf("parse: %v", err)
				}
			}
		})
	}
}

// BenchmarkGofeedParse is the baseline: gofeed alone on the same bytes (it
// decodes EUC-KR itself from the declaration), to show what Decode adds.
func BenchmarkGofeedParse(b *testing.B) {
	p := gofeed.NewParser()
	for _, name := range []string{"utf8", "euckr"} {
		body := benchDocs(b)[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				feed, err := p.Parse(bytes.NewReader(body))
				if err != nil || len(feed.Items) == 0 {
					b.Fatalf("parse: %v", err)
				}
			}
		})
	}
}

// BenchmarkDecode is Decode by itself.
func BenchmarkDecode(b *testing.B) {
	for _, name := range []string{"utf8", "euckr"} {
		body := benchDocs(b)[name]
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Decode(body, "application/rss+xml"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
