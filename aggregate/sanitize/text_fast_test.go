package sanitize

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"golang.org/x/net/html"
)

// The tests in this file hold Text, with stripClean's one pass, to textRef,
// Text as first written over html.Tokenizer (text_test.go): the output must be
// the same for every input.

// sameAsRef reports how Text and textRef differ on in, and checks each round
// on its own as well: stripClean, where it takes the input, must give what
// clean(stripTags(s)) gave, even where a later round would hide a difference.
func sameAsRef(t *testing.T, in string) {
	t.Helper()
	if got, want := Text(in), textRef(in); got != want {
		t.Errorf("Text(%q)\n got %q\nwant %q (reference)", in, got, want)
		return
	}
	// stripClean's promise holds for any valid UTF-8 without NUL, not only
	// for what clean returns.
	if utf8.ValidString(in) && !strings.Contains(in, "\x00") {
		if got, ok := stripClean(in); ok {
			if want := cleanRef(stripTagsRef(in)); got != want {
				t.Errorf("stripClean(%q)\n got %q\nwant %q (reference)", in, got, want)
				return
			}
		}
	}
	s := cleanRef(in)
	if got := clean(in); got != s {
		t.Errorf("clean(%q)\n got %q\nwant %q (reference)", in, got, s)
		return
	}
	for range 3 {
		want := cleanRef(stripTagsRef(s))
		if !mayStrip(s) {
			if want != s {
				t.Errorf("mayStrip(%q) = false, but a round gives %q", s, want)
			}
			return
		}
		if got, ok := stripClean(s); ok && got != want {
			t.Errorf("stripClean(%q)\n got %q\nwant %q (reference)", s, got, want)
			return
		}
		if want == s {
			return
		}
		s = want
	}
}

// edgeInputs are hand-picked: the cases TestTextMatchesReference lists, and
// each path of the tokenizer that stripClean follows.
var edgeInputs = []string{
	"", " ", "plain title", "  정부, <b>생성형 AI</b> 가이드라인   발표 ", "Open<b>AI</b> faces EU <i>AI Act</i>",
	"AT&amp;T &amp; the FCC", "AT&T", "&amp;lt;b&amp;gt;twice&amp;lt;/b&amp;gt; escaped", "&amp;amp;lt;b&amp;amp;gt;thrice",
	"&amp;amp;amp;lt;b&amp;amp;amp;gt;four times",
	"<AI 기본법> 국회 통과", "<Ai 기본법> and </AI> and <aI>", "a < b && c > d", "line<br>break<p>para</p>",
	"<script>alert(1)</script>제목", "<SCRIPT>x</SCRIPT>after", "<style>p{}</style>Title", "ctl\x00\x07\x1b[31m\u0085x",
	"bidi \u202egnp.exe\u202c ok", "tab\tand\nnewline\u00a0nbsp\r\nCRLF\rCR\v\f", "bad \xff utf8", "<x onclick=alert(1)>custom</x>",
	"<my-el>custom element</my-el>", "<a:b>ns</a:b>", "\x7fdel\u009fc1", "\ufeffbom \ufdd0 nonchar \U0010FFFF",
	"<p class=\"lead\">리드 &middot; 문단</p><p style=\"margin:0\"><a href=\"/x\" target=\"_blank\">링크</a> <strong>강조</strong></p>",
	"<img src=x onerror=alert(1)>", "&lt;script&gt;alert(1)&lt;/script&gt;", "unterminated <b", "entity at end &amp",
	"<![CDATA[cdata]]> <!-- comment --> text", "<title>in title</title>", "<textarea><b>raw</b></textarea>",
	// Tags the tokenizer reads in its own way.
	"<br/>x", "<p a=/>x", "<p a=\"/\"/>x", "<x a=/>y</x>", "<x a/>y</x>", "<x/>y</x>", "<x />y</x>", "<x a a=1>y</x>",
	"<x A a=1>y</x>", "<x =a>y</x>", "<x a=>y</x>", "<x a= >y</x>", "<x a='b'c>y</x>", "<x \"q>y</x>", "<x on>y</x>",
	"<x On>y</x>", "<x o>y</x>", "<x a / b>y</x>", "<x a=b/>y", "<x a='' />y", "<x a=\"\"/>y", "<a<b>c", "<a\tb>c",
	"<x\u00a0y>z</x\u00a0y>", "<X>y</x>", "<x>y</X></x>", "<x>y</x></x>", "<x>a<x>b</x>c</x>d</x>",
	"<x>y</x foo=bar>", "</x>y<x>", "<ai>a</ai><AI>b</Ai>", "<x", "<x ", "<x a", "<x a=", "<x a=\"b", "<x a=b", "</x", "</x ",
	"</", "<", "<!", "<!-", "<?", "a</>b", "a</ b>c", "a</3", "a<3 b", "a<<b>c", "a<>b", "<!>a", "<!x>a", "<!DOCTYPE html>a",
	"<!doctype", "<!DOCTYPE", "<!DOC", "<!-->a", "<!--->a", "<!---->a", "<!-- --!>a", "<!-- --!->a-->b", "<!-- --!x>a-->b",
	"<!-- -- >a-->b", "<!--a", "<!--a-", "<!--a--", "<!--a--!", "<?xml version=\"1.0\"?>a", "<?a", "<!--<b>-->c",
	// Raw-text elements.
	"<script>a</script >b", "<script>a</script/>b", "<script>a</scriptx>b", "<script>a</scrip", "<script>a</script",
	"<script/>a&amp;b</script>c", "<style/>a&amp;b</style>c", "<title>a&amp;<b>b</b></title>c", "<textarea>a&lt;b</textarea>",
	"<title/>a</title>b", "<plaintext>a<b>c", "<plaintext/>a&amp;<b>c", "<xmp><b>a</b></xmp>c", "<iframe>a</iframe>b",
	"<noscript><p>a</p></noscript>b", "<noembed>a</noembed>b", "<noframes>a</noframes>b", "<script></script>b",
	"<script><!--a</script>b", "<script><!--<script>a</script>b</script>c", "<script>a<!-b</script>c", "<STYLE>a</StYlE>b",
	"<title></title>a", "<title>", "<script>", "<script>a", "<style></style", "<title>a</title",
	// Entities.
	"&", "&;", "&#", "&#;", "&#x", "&#x;", "&#65", "&#65;", "&#x41;", "&#X41", "&#0;", "&#128;", "&#x9F;", "&#xD800;",
	"&#1114112;", "&#1114111;", "&#0000065;", "&#99999999999;", "&#xffffffffff;", "&#13;&#10;&#9;x", "&#1;&#127;x",
	"&nbsp", "&nbsp;", "&nbspx", "&notit;", "&notin;", "&ampx", "&AMP;", "&AMP", "&amp;amp;", "&T", "&T;", "&zz;", "&a1;",
	"&NotNestedGreaterGreater;", "&acE;", "&lt", "&lt;&gt;&quot;&apos;&#39;&#x27;", "&middot;&hellip;&rsquo;&ldquo;",
	"&amp=", "&amp;=", "a&&b", "R&D M&A S&P 500 Q&A", "&amp;#39;", "&amp;nbsp;", "&#38;lt;b&#38;gt;",
	"&#x3c;b&#x3e;bold&#x3c;/b&#x3e;", "&lt;!--x--&gt;y", "&lt;script&gt;x&lt;/script&gt;y",
}

func TestTextMatchesPrevious(t *testing.T) {
	for _, in := range edgeInputs {
		sameAsRef(t, in)
	}
	for _, p := range xssPayloads(t) {
		for _, in := range []string{p, "<p>기사 " + p + " 본문</p>", "&lt;b&gt;" + p, html.EscapeString(p),
			html.EscapeString(html.EscapeString(p)), "<div><a href=\"/x\">" + p + "</a></div>"} {
			sameAsRef(t, in)
		}
	}
	// Every byte, alone, between letters, and where the tokenizer looks at
	// the next byte: after '<', "</", "<!", '&', in a tag and in a raw text.
	for c := range 256 {
		b := string([]byte{byte(c)})
		for _, in := range []string{b, "x" + b + "y", "<" + b + "x>y", "</" + b + "x>y", "<!" + b + "x>y", "&" + b + "y",
			"&#" + b + ";", "&am" + b + "y", "<x" + b + "a=b>y</x>", "<x a" + b + "=b>y</x>", "<x a=" + b + "b>y</x>",
			"<x a=b" + b + ">y</x>", "<x/" + b + ">y</x>", "<script>a</script" + b + "b", "<!--a--" + b + ">b", "<!--a--!" + b + ">b"} {
			sameAsRef(t, in)
		}
	}
}

// TestTextMatchesPreviousPastLimits covers the inputs stripClean declines:
// they must come out of the tokenizer path the same.
func TestTextMatchesPreviousPastLimits(t *testing.T) {
	var attrs, kept strings.Builder
	attrs.WriteString("<x")
	for i := range maxAttrs + 1 {
		fmt.Fprintf(&attrs, " a%d", i)
	}
	attrs.WriteString(">y</x>")
	for i := range maxKept + 1 {
		fmt.Fprintf(&kept, "<k%d 기본법> ", i)
	}
	kept.WriteString("</k1> </k99>")
	for _, in := range []string{attrs.String(), kept.String(), "<script><!--<script>a</script>b</script>c", "a\x00<b>c"} {
		if _, ok := stripClean(in); ok {
			t.Errorf("stripClean takes %.40q...", in)
		}
		sameAsRef(t, in)
	}
}

// TestTextMatchesPreviousRandom builds inputs from fragments of tags,
// entities and text in random order (fixed seed), escaped zero to two times
// and sometimes cut short.
func TestTextMatchesPreviousRandom(t *testing.T) {
	n := 30000
	if testing.Short() {
		n = 3000
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range n {
		sameAsRef(t, randomText(r))
		if t.Failed() {
			return
		}
	}
}

var (
	fragWords = []string{"정부", "생성형 AI", "가이드라인", "OpenAI", "the FCC", " ", "  ", "\n", "\t", "\r\n", "\u00a0",
		"\u3000", "\x00", "\x07", "\u202e", "\ufeff", "\xff", "\xe2\x82", "x", "=", "\"", "'", "/", ">", "-", "--", "!", ";", "#"}
	fragEntities = []string{"&amp;", "&amp", "&lt;", "&gt;", "&lt", "&quot;", "&#39;", "&#x27;", "&#0;", "&#128;", "&#x9f;",
		"&#xD800;", "&#1114112;", "&#;", "&#x;", "&#65", "&nbsp", "&nbsp;", "&notit;", "&ampx", "&T", "&AMP;", "&middot;",
		"&hellip;", "&zz;", "&", "&#", "&#x", "&#0000065;", "&acE;", "&#13;", "&#12288;", "&#x202E;"}
	fragNames = []string{"p", "div", "br", "h2", "li", "img", "a", "b", "strong", "em", "span", "wbr", "script", "style",
		"title", "textarea", "iframe", "noscript", "xmp", "plaintext", "noembed", "noframes", "x", "AI", "ai", "Ai",
		"my-el", "a:b", "foo", "기본법", "scriptx", "svg", "math", "font"}
	fragAttrs = []string{"", " a", " a=b", " a=\"b c\"", " a='b'", " a=", " a= ", " a a=1", " A a", " onclick=x()", " on",
		" =x", " \"q", " a/", " a=/", " /", " / ", "\ta\n=\fb", " href=\"/x?a=1&amp;b=2\"", " alt=\"<b>\"", " x>y=z"}
	fragEnds   = []string{">", ">", ">", "/>", " />", "/ >", ""}
	fragMarkup = []string{"<!-- c -->", "<!-->", "<!--->", "<!---->", "<!-- --!>", "<!-- --!->", "<!--", "<!-- -- >",
		"<!>", "<!DOCTYPE html>", "<!doc", "<![CDATA[x]]>", "<?xml ?>", "<?", "<", "<3", "<<", "< b", "</>", "</ b>",
		"</3", "</", "<!--<script>", "-->", "--!>"}
)

func randomText(r *rand.Rand) string {
	var b strings.Builder
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	name := func() string {
		n := pick(fragNames)
		if r.IntN(4) == 0 {
			n = strings.ToUpper(n)
		}
		return n
	}
	for range 1 + r.IntN(12) {
		switch r.IntN(6) {
		case 0, 1:
			b.WriteString(pick(fragWords))
		case 2:
			b.WriteString(pick(fragEntities))
		case 3:
			b.WriteString("<" + name() + pick(fragAttrs) + pick(fragEnds))
		case 4:
			b.WriteString("</" + name() + pick([]string{">", " >", "/>", " a=b>", ""}))
		case 5:
			b.WriteString(pick(fragMarkup))
		}
	}
	s := b.String()
	for range r.IntN(3) {
		s = html.EscapeString(s)
	}
	if r.IntN(8) == 0 && len(s) > 0 {
		s = s[:r.IntN(len(s))]
	}
	return s
}

// TestTextMatchesPreviousOnCorpus runs the titles, descriptions and contents
// of the shared feed corpus (real feeds and the test feeds of other parsers)
// through both versions.
func TestTextMatchesPreviousOnCorpus(t *testing.T) {
	const dir = "../../../shared/corpus"
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no feed corpus at %s (it lives outside the repository): %v", dir, err)
	}
	p := gofeed.NewParser()
	var files, texts, declined int
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".xml") || strings.HasSuffix(path, ".json")) {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		feed, err := p.Parse(f)
		if err != nil {
			return nil // not every corpus file is a feed gofeed reads
		}
		files++
		ins := []string{feed.Title, feed.Description}
		for _, it := range feed.Items {
			ins = append(ins, it.Title, it.Description, it.Content)
		}
		for _, in := range ins {
			if in == "" {
				continue
			}
			texts++
			if s := clean(in); strings.ContainsAny(s, "<&") {
				if _, ok := stripClean(s); !ok {
					declined++
				}
			}
			sameAsRef(t, in)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d feeds, %d texts; the fast path declined %d", files, texts, declined)
	if files < 100 {
		t.Errorf("only %d feeds parsed under %s", files, dir)
	}
}

// TestStripCleanTakesOrdinaryText guards the point of stripClean: feed text
// of the usual kinds must not fall back to the tokenizer.
func TestStripCleanTakesOrdinaryText(t *testing.T) {
	for _, in := range []string{
		"OpenAI faces EU scrutiny", "과기정통부, &lsquo;AI 기본법&rsquo; 시행령&hellip;", "<AI 기본법> 국회 통과",
		`<p class="lead">리드 &middot; 문단</p><p><a href="/x" target="_blank">링크</a> <strong>강조</strong> &amp; <em>em</em></p>`,
		`<img src="https://x/a.jpg" alt="사진" width="640"><br/><script>track()</script><style>p{}</style>&#39;q&#39; &quot;`,
		"R&D M&A S&P &nbsp;&#8217;&#x2019;", "<!-- c --><!DOCTYPE html><?xml version=\"1.0\"?>",
	} {
		if _, ok := stripClean(clean(in)); !ok {
			t.Errorf("stripClean declines %q", in)
		}
	}
}

// TestCommonEntities checks the shortcut table against html's own.
func TestCommonEntities(t *testing.T) {
	for name, r := range commonEntities {
		if got := html.UnescapeString("&" + name); got != string(r) {
			t.Errorf("&%s: table has %q, html decodes %q", name, r, got)
		}
	}
}

// TestOnlyASCIILowersToON backs literalTag's shortcut: bytes.ToLower can make
// "on" of a key's first two runes only when they are ASCII.
func TestOnlyASCIILowersToON(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if l := unicode.ToLower(r); (l == 'o' || l == 'n') && r != 'o' && r != 'O' && r != 'n' && r != 'N' {
			t.Errorf("unicode.ToLower(%U) = %q", r, l)
		}
	}
}

// TestCleanEveryRune covers classify's shortcut for the runes between U+3000
// and U+FDD0 and every other rune, alone and between words.
func TestCleanEveryRune(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		for _, in := range []string{string(r), "a " + string(r) + "b"} {
			if got, want := clean(in), cleanRef(in); got != want {
				t.Fatalf("clean(%q) = %q, reference %q", in, got, want)
			}
		}
	}
}

func xssPayloads(t testing.TB) []string {
	b, err := os.ReadFile("../../testdata/publish/xss.json")
	if err != nil {
		t.Fatal(err)
	}
	var ps []string
	if err := json.Unmarshal(b, &ps); err != nil {
		t.Fatal(err)
	}
	return ps
}

func FuzzText(f *testing.F) {
	for _, in := range edgeInputs {
		f.Add(in)
	}
	for _, p := range xssPayloads(f) {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, in string) {
		sameAsRef(t, in)
	})
}
