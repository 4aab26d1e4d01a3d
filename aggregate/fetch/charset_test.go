package fetch

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// koreanTitle holds a syllable outside KS X 1001 (똠), which plain EUC-KR cannot
// encode and CP949 (UHC) can.
const koreanTitle = "정부, 인공지능 기본법 시행령 발표 똠방각하"

func rssDoc(decl, title string) string {
	return decl + "\n<rss version=\"2.0\"><channel><title>" + title + "</title>" +
		"<item><title>" + title + "</title><link>https://example.org/a</link></item></channel></rss>\n"
}

func encode(t testing.TB, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode test document: %v", err)
	}
	return b
}

// TestEUCKRDecoderIsCP949 verifies what Decode relies on: x/text's euc-kr (the
// WHATWG one) reads every Hangul syllable, the 8,822 outside KS X 1001 included,
// that is the CP949/UHC superset rather than strict EUC-KR.
func TestEUCKRDecoderIsCP949(t *testing.T) {
	var all []rune
	for r := rune(0xAC00); r <= 0xD7A3; r++ {
		all = append(all, r)
	}
	src := string(all)
	b := encode(t, korean.EUCKR, src)
	ext := 0
	for i := 0; i < len(b); i += 2 {
		if b[i] < 0xA1 || b[i+1] < 0xA1 {
			ext++
		}
	}
	if ext != 11172-2350 {
		t.Errorf("syllables outside KS X 1001: %d; want 8822", ext)
	}
	got, err := Decode(append([]byte(`<?xml version="1.0" encoding="euc-kr"?><t>`), append(b, "</t>"...)...), "")
	if err != nil {
		t.Fatal(err)
	}
	if want := `<?xml version="1.0" encoding="utf-8"?><t>` + src + "</t>"; string(got) != want {
		t.Errorf("all 11,172 syllables did not survive the round trip")
	}
}

func TestDecode(t *testing.T) {
	euckr := func(decl string) []byte { return encode(t, korean.EUCKR, rssDoc(decl, koreanTitle)) }
	utf8Doc := func(decl string) []byte { return []byte(rssDoc(decl, koreanTitle)) }
	latin1 := func(decl string) []byte { return encode(t, charmap.ISO8859_1, rssDoc(decl, "Café déjà vu")) }
	const (
		utfDecl   = `<?xml version="1.0" encoding="utf-8"?>`
		wantUTF8  = `<?xml version="1.0" encoding="utf-8"?>`
		noEncDecl = `<?xml version="1.0"?>`
	)
	utf16Doc := func(order unicode.Endianness, decl string) []byte {
		return encode(t, unicode.UTF16(order, unicode.IgnoreBOM), rssDoc(decl, koreanTitle))
	}
	utf32Doc := func(order utf32.Endianness, decl string) []byte {
		return encode(t, utf32.UTF32(order, utf32.IgnoreBOM), rssDoc(decl, koreanTitle))
	}

	tests := []struct {
		name        string
		body        []byte
		contentType string
		want        string // a string the result must contain
		wantDecl    string // the declaration the result must start with ("" to skip)
	}{
		{"utf-8 declared", utf8Doc(utfDecl), "", koreanTitle, wantUTF8},
		{"utf-8 undeclared", utf8Doc(""), "", koreanTitle, ""},
		{"utf-8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, utf8Doc(utfDecl)...), "", koreanTitle, wantUTF8},
		{"utf-8 BOM beats HTTP charset", append([]byte{0xEF, 0xBB, 0xBF}, utf8Doc(utfDecl)...), "text/xml; charset=euc-kr", koreanTitle, wantUTF8},
		{"utf-16le BOM", append([]byte{0xFF, 0xFE}, utf16Doc(unicode.LittleEndian, `<?xml version="1.0" encoding="utf-16"?>`)...), "", koreanTitle, wantUTF8},
		{"utf-16be BOM", append([]byte{0xFE, 0xFF}, utf16Doc(unicode.BigEndian, `<?xml version="1.0" encoding="UTF-16"?>`)...), "", koreanTitle, wantUTF8},
		{"utf-16le no BOM", utf16Doc(unicode.LittleEndian, `<?xml version="1.0" encoding="utf-16le"?>`), "", koreanTitle, wantUTF8},
		{"utf-16be no BOM", utf16Doc(unicode.BigEndian, `<?xml version="1.0" encoding="utf-16be"?>`), "", koreanTitle, wantUTF8},
		{"utf-16 BOM beats HTTP charset", append([]byte{0xFF, 0xFE}, utf16Doc(unicode.LittleEndian, `<?xml version="1.0" encoding="utf-16"?>`)...), "application/rss+xml; charset=iso-8859-1", koreanTitle, wantUTF8},
		{"utf-32be BOM", append([]byte{0, 0, 0xFE, 0xFF}, utf32Doc(utf32.BigEndian, `<?xml version="1.0" encoding="utf-32"?>`)...), "", koreanTitle, wantUTF8},
		{"utf-32le no BOM", utf32Doc(utf32.LittleEndian, `<?xml version="1.0" encoding="utf-32"?>`), "", koreanTitle, wantUTF8},
		{"euc-kr in prolog", euckr(`<?xml version="1.0" encoding="euc-kr"?>`), "", koreanTitle, wantUTF8},
		{"EUC-KR in prolog, single quotes", euckr(`<?xml version='1.0' encoding='EUC-KR'?>`), "", koreanTitle, `<?xml version='1.0' encoding='utf-8'?>`},
		{"cp949 in prolog", euckr(`<?xml version="1.0" encoding="cp949"?>`), "", koreanTitle, wantUTF8},
		{"x-windows-949 in prolog", euckr(`<?xml version="1.0" encoding="x-windows-949"?>`), "", koreanTitle, wantUTF8},
		{"windows-949 in prolog", euckr(`<?xml version="1.0" encoding="windows-949"?>`), "", koreanTitle, wantUTF8},
		{"ks_c_5601-1987 in prolog", euckr(`<?xml version="1.0" encoding="ks_c_5601-1987"?>`), "", koreanTitle, wantUTF8},
		{"ks_c_5601 in prolog", euckr(`<?xml version="1.0" encoding="ks_c_5601"?>`), "", koreanTitle, wantUTF8},
		{"euc_kr in prolog", euckr(`<?xml version="1.0" encoding="euc_kr"?>`), "", koreanTitle, wantUTF8},
		{"ksc5601 in prolog", euckr(`<?xml version="1.0" encoding="ksc5601"?>`), "", koreanTitle, wantUTF8},
		{"ms949 in prolog", euckr(`<?xml version="1.0" encoding="MS949"?>`), "", koreanTitle, wantUTF8},
		{"euc-kr only in HTTP", euckr(noEncDecl), "text/xml; charset=EUC-KR", koreanTitle, noEncDecl},
		{"cp949 only in HTTP, no declaration", euckr(""), "application/rss+xml;charset=cp949", koreanTitle, ""},
		{"HTTP charset spaced and quoted", euckr(noEncDecl), "text/xml;charset = 'ks_c_5601-1987'", koreanTitle, noEncDecl},
		{"HTTP charset beats a wrong prolog", euckr(`<?xml version="1.0" encoding="windows-1252"?>`), "text/xml; charset=euc-kr", koreanTitle, wantUTF8},
		{"HTTP utf-8 contradicted by euc-kr bytes", euckr(`<?xml version="1.0" encoding="euc-kr"?>`), "text/xml; charset=utf-8", koreanTitle, wantUTF8},
		{"prolog iso-8859-1 over utf-8 bytes", utf8Doc(`<?xml version="1.0" encoding="ISO-8859-1"?>`), "", koreanTitle, wantUTF8},
		{"prolog windows-1252 over utf-8 bytes", []byte(rssDoc(`<?xml version="1.0" encoding="windows-1252"?>`, "Café")), "", "Café", wantUTF8},
		{"HTTP iso-8859-1 over utf-8 bytes", utf8Doc(utfDecl), "text/xml; charset=ISO-8859-1", koreanTitle, wantUTF8},
		{"prolog euc-kr over utf-8 bytes", utf8Doc(`<?xml version="1.0" encoding="euc-kr"?>`), "", koreanTitle, wantUTF8},
		{"genuine iso-8859-1", latin1(`<?xml version="1.0" encoding="iso-8859-1"?>`), "", "Café déjà vu", wantUTF8},
		{"genuine latin-1 in HTTP only", latin1(""), "text/xml; charset=latin1", "Café déjà vu", ""},
		{"unknown label over utf-8", utf8Doc(`<?xml version="1.0" encoding="invalid"?>`), "", koreanTitle, wantUTF8},
		{"unknown label over latin-1", latin1(`<?xml version="1.0" encoding="invalid"?>`), "", "Café déjà vu", wantUTF8},
		{"unknown HTTP label, euc-kr prolog", euckr(`<?xml version="1.0" encoding="euc-kr"?>`), "text/xml; charset=bogus", koreanTitle, wantUTF8},
		{"iso-2022-kr label (no decoder) over utf-8", utf8Doc(`<?xml version="1.0" encoding="iso-2022-kr"?>`), "", koreanTitle, wantUTF8},
		{"utf-16 label over ascii-compatible bytes", utf8Doc(`<?xml version="1.0" encoding="utf-16"?>`), "", koreanTitle, wantUTF8},
		{"undeclared euc-kr guessed", euckr(""), "", koreanTitle, ""},
		{"undeclared latin-1 guessed as windows-1252", latin1(""), "", "Café déjà vu", ""},
		{"utf-8 declared over latin-1 bytes", latin1(utfDecl), "", "Café déjà vu", wantUTF8},
		{"leading whitespace before declaration", euckr("\n  " + `<?xml version="1.0" encoding="euc-kr"?>`), "", koreanTitle, ""},
		{"json utf-8", []byte(`{"version":"https://jsonfeed.org/version/1.1","title":"` + koreanTitle + `"}`), "application/feed+json", koreanTitle, ""},
		{"json with BOM", append([]byte{0xEF, 0xBB, 0xBF}, `{"title":"`+koreanTitle+`"}`...), "application/json", `{"title":"` + koreanTitle, ""},
		{"json utf-16le BOM", append([]byte{0xFF, 0xFE}, encode(t, unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), `{"title":"`+koreanTitle+`"}`)...), "application/json", `{"title":"` + koreanTitle, ""},
		{"json ignores a legacy HTTP label over utf-8", []byte(`{"title":"` + koreanTitle + `"}`), "application/json; charset=iso-8859-1", koreanTitle, ""},
		{"shift_jis declared", encode(t, japanese.ShiftJIS, rssDoc(`<?xml version="1.0" encoding="Shift_JIS"?>`, "人工知能の政策")), "", "人工知能の政策", wantUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.body, tt.contentType)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !utf8.Valid(got) {
				t.Fatalf("Decode returned invalid UTF-8: %q", got)
			}
			if !strings.Contains(string(got), tt.want) {
				t.Errorf("Decode result lacks %q:\n%s", tt.want, got)
			}
			if bytes.HasPrefix(got, []byte("\uFEFF")) {
				t.Errorf("Decode kept the byte order mark")
			}
			if tt.wantDecl != "" && !bytes.HasPrefix(got, []byte(tt.wantDecl)) {
				t.Errorf("Decode result starts %q; want %q", got[:min(len(got), 60)], tt.wantDecl)
			}
			if strings.ContainsRune(string(got), utf8.RuneError) {
				t.Errorf("Decode result has U+FFFD:\n%s", got)
			}
		})
	}
}

// TestDecodeUnchanged checks that UTF-8 that says so is returned as is: no
// copy, and above all no second conversion.
func TestDecodeUnchanged(t *testing.T) {
	in := []byte(rssDoc(`<?xml version="1.0" encoding="UTF-8"?>`, koreanTitle))
	got, err := Decode(in, "application/rss+xml; charset=utf-8")
	if err != nil {
		t.Fatal(err)
	}
	if &got[0] != &in[0] || len(got) != len(in) {
		t.Errorf("Decode copied or changed UTF-8 input that declared UTF-8")
	}
}

// TestDecodeMostlyUTF8 shows that one stray byte in a UTF-8 document costs one
// character, not the whole document read as windows-1252.
func TestDecodeMostlyUTF8(t *testing.T) {
	in := []byte(rssDoc(`<?xml version="1.0" encoding="utf-8"?>`, koreanTitle+" \xff 끝"))
	got, err := Decode(in, "")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), koreanTitle+" \uFFFD 끝") {
		t.Errorf("Decode = %q; want the Korean kept and the stray byte replaced", got)
	}
}

// TestDecodeOnce shows why the declaration must be rewritten: the decoded text
// parsed again as EUC-KR (as gofeed would, from the old declaration) is garbage,
// while Parse, which decodes once, gets the title right.
func TestDecodeOnce(t *testing.T) {
	in := encode(t, korean.EUCKR, rssDoc(`<?xml version="1.0" encoding="euc-kr"?>`, koreanTitle))
	once, err := Decode(in, "")
	if err != nil {
		t.Fatal(err)
	}
	twice, _ := korean.EUCKR.NewDecoder().Bytes(once)
	if strings.Contains(string(twice), koreanTitle) {
		t.Fatalf("decoding twice should garble the text; the test is not testing anything")
	}
	c := New(nil, Options{})
	feed, err := c.Parse(in, "", "https://example.org/feed")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if feed.Title != koreanTitle || len(feed.Items) != 1 || feed.Items[0].Title != koreanTitle {
		t.Errorf("Parse title = %q; want %q", feed.Title, koreanTitle)
	}
}

func TestLookupLabel(t *testing.T) {
	for label, want := range map[string]string{
		"euc-kr": "euc-kr", "EUC-KR": "euc-kr", "cp949": "euc-kr", "x-windows-949": "euc-kr",
		"ks_c_5601-1987": "euc-kr", "ks_c_5601": "euc-kr", "euc_kr": "euc-kr", "ksc5601": "euc-kr",
		"x-euc-kr": "euc-kr", "uhc": "euc-kr", `"euc-kr"`: "euc-kr",
		"iso-8859-1": "windows-1252", "latin1": "windows-1252", "us-ascii": "windows-1252",
		"utf-8": "utf-8", "UTF8": "utf-8", "shift-jis": "shift_jis", "gb2312": "gbk",
	} {
		enc := lookupLabel(label)
		if got := encodingName(enc); enc == nil || got != want {
			t.Errorf("lookupLabel(%q) = %s; want %s", label, got, want)
		}
	}
	for _, label := range []string{"", "invalid", "bogus", "iso-2022-kr", "hz-gb-2312"} {
		if enc := lookupLabel(label); enc != nil {
			t.Errorf("lookupLabel(%q) = %s; want none", label, encodingName(enc))
		}
	}
}
