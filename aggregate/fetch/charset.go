package fetch

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/encoding/unicode/utf32"
)

// Decode returns body as UTF-8, without a byte order mark, and with the XML
// declaration's encoding rewritten to "utf-8", so that the XML parser behind gofeed
// does not decode it a second time: converting twice garbles Korean without any
// error. When body is already UTF-8 and says so (or says nothing), body itself is
// returned, not a copy.
//
// The encoding is chosen in the order RFC 7303 §3 gives for XML media types, with
// the guards real feeds need:
//
//  1. A byte order mark (UTF-8, UTF-16 or UTF-32), or, without one, the
//     UTF-16/UTF-32 byte pattern of a document starting with '<' or '{'
//     (XML 1.0 Appendix F). Bytes this strong overrule any label.
//  2. The charset parameter of the HTTP Content-Type.
//  3. The encoding of the XML declaration (not for JSON, which has none).
//  4. A guess: UTF-8 when the bytes are UTF-8, else EUC-KR (as CP949) when
//     they read as Korean, else windows-1252.
//
// A label is skipped when it is unknown ("invalid", "iso-2022-kr", which has no
// decoder), when it names UTF-16 or UTF-32 over bytes that are plainly
// ASCII-compatible (a label left over after the document was converted), or
// when it says UTF-8 over bytes that are not. A label naming a legacy encoding
// over bytes that are valid UTF-8 and not plain ASCII loses to UTF-8: servers and
// templates keep claiming ISO-8859-1 long after the content became UTF-8, while
// real Latin-1 or EUC-KR text is almost never valid UTF-8 by accident.
//
// Labels are looked up as WHATWG names first (so "iso-8859-1" reads as
// windows-1252 and "euc-kr" as the CP949/UHC superset browsers use), then with
// the spellings feeds use that WHATWG lacks ("cp949", "x-windows-949", "euc_kr",
// "ks_c_5601"), then as IANA names.
func Decode(body []byte, contentType string) ([]byte, error) {
	enc, skip, valid := chooseEncoding(body, contentType)
	out := body[skip:]
	if enc != nil {
		var err error
		out, err = enc.NewDecoder().Bytes(out)
		if err != nil {
			return nil, fmt.Errorf("decode %s: %w", encodingName(enc), err)
		}
	} else if !valid && !utf8.Valid(out) {
		// UTF-8 with stray invalid bytes: keep the text, mark the damage.
		out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	}
	out = bytes.TrimPrefix(out, []byte("\uFEFF"))
	return rewriteDeclaration(out), nil
}

// chooseEncoding returns the encoding of body (nil for UTF-8) and the length of
// its byte order mark; valid is true when it found the whole body valid UTF-8
// (so that Decode need not check again: the check reads every byte).
func chooseEncoding(body []byte, contentType string) (enc encoding.Encoding, bom int, valid bool) {
	if enc, n, ok := unicodeByBytes(body); ok {
		return enc, n, false
	}
	labels := []string{charsetParam(contentType)}
	if !isJSON(body) {
		labels = append(labels, xmlDeclEncoding(body))
	}
	valid = utf8.Valid(body)
	for _, label := range labels {
		if label == "" {
			continue
		}
		enc = lookupLabel(label)
		switch {
		case enc == nil, isWide(enc):
			continue
		case enc == unicode.UTF8:
			if valid || mostlyUTF8(body) {
				return nil, 0, valid
			}
			continue
		case valid && !isASCII(body):
			return nil, 0, valid
		default:
			return enc, 0, false
		}
	}
	switch {
	case valid || mostlyUTF8(body) || isJSON(body):
		return nil, 0, valid
	case readsAsKorean(body):
		return korean.EUCKR, 0, false
	default:
		return charmap.Windows1252, 0, false
	}
}

// unicodeByBytes recognises UTF-8, UTF-16 and UTF-32 by a byte order mark, and
// UTF-16 and UTF-32 without one by the zero bytes around a leading '<' or '{'.
func unicodeByBytes(b []byte) (enc encoding.Encoding, bom int, ok bool) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		return nil, 3, true
	case bytes.HasPrefix(b, []byte{0x00, 0x00, 0xFE, 0xFF}):
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), 4, true
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE, 0x00, 0x00}):
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), 4, true
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), 2, true
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), 2, true
	}
	if len(b) < 4 {
		return nil, 0, false
	}
	lead := func(c byte) bool { return c == '<' || c == '{' }
	switch {
	case b[0] == 0 && b[1] == 0 && b[2] == 0 && lead(b[3]):
		return utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM), 0, true
	case lead(b[0]) && b[1] == 0 && b[2] == 0 && b[3] == 0:
		return utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM), 0, true
	case b[0] == 0 && lead(b[1]) && b[2] == 0 && b[3] != 0:
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), 0, true
	case lead(b[0]) && b[1] == 0 && b[2] != 0 && b[3] == 0:
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), 0, true
	}
	return nil, 0, false
}

// isWide reports whether enc is UTF-16 or UTF-32, which a label can only name
// truthfully when unicodeByBytes has already seen it.
func isWide(enc encoding.Encoding) bool {
	name := encodingName(enc)
	return strings.HasPrefix(name, "utf-16") || strings.HasPrefix(name, "utf-32") ||
		strings.HasPrefix(name, "UTF-16") || strings.HasPrefix(name, "UTF-32")
}

func encodingName(enc encoding.Encoding) string {
	if enc == nil {
		return "utf-8"
	}
	if n, err := htmlindex.Name(enc); err == nil {
		return n
	}
	if s, ok := enc.(fmt.Stringer); ok {
		return s.String()
	}
	return fmt.Sprintf("%v", enc)
}

// labelAliases are spellings of encodings seen in feeds that neither the WHATWG
// nor the IANA index knows. Microsoft's names for Korean mean CP949 (UHC), which
// the WHATWG euc-kr decoder reads in full.
var labelAliases = map[string]string{
	"cp949":      "euc-kr",
	"ms949":      "euc-kr",
	"uhc":        "euc-kr",
	"windows949": "euc-kr",
	"euckr":      "euc-kr",
	"ks_c_5601":  "euc-kr",
	"ksc-5601":   "euc-kr",
	"ks-c-5601":  "euc-kr",
}

// lookupLabel returns the decoder for an encoding label, nil when there is none
// worth using (unknown labels, and the WHATWG "replacement" encoding that turns a
// whole document into one U+FFFD).
func lookupLabel(label string) encoding.Encoding {
	l := strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	if l == "" {
		return nil
	}
	tries := []string{l, strings.ReplaceAll(l, "_", "-"), strings.TrimPrefix(l, "x-")}
	if a, ok := labelAliases[strings.TrimPrefix(l, "x-")]; ok {
		tries = append(tries, a)
	}
	for _, try := range tries {
		if enc, err := htmlindex.Get(try); err == nil {
			if enc == encoding.Replacement {
				return nil
			}
			return enc
		}
	}
	if enc, err := ianaindex.IANA.Encoding(l); err == nil && enc != nil {
		return enc
	}
	return nil
}

// charsetParam returns the charset parameter of a Content-Type, tolerating the
// spaces and quotes servers put around it ("text/xml;charset = us-ascii",
// "charset='gb2312'") that mime.ParseMediaType rejects.
func charsetParam(contentType string) string {
	if contentType == "" {
		return ""
	}
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		return params["charset"]
	}
	if m := looseCharset.FindStringSubmatch(contentType); m != nil {
		return m[1]
	}
	return ""
}

var looseCharset = regexp.MustCompile(`(?i)charset\s*=\s*["']?([^"';,\s]+)`)

// declPattern matches an XML declaration at the start of a document (after
// whitespace, which some feeds put before it), capturing its encoding value.
var declPattern = regexp.MustCompile(`^\s*<\?xml\s[^>]*?\bencoding\s*=\s*(?:"([^"]*)"|'([^']*)')`)

// xmlDeclEncoding returns the encoding label of body's XML declaration, read as
// ASCII, or "".
func xmlDeclEncoding(body []byte) string {
	head := body[:min(len(body), 1024)]
	m := declPattern.FindSubmatch(head)
	if m == nil {
		return ""
	}
	if m[1] != nil {
		return string(m[1])
	}
	return string(m[2])
}

// rewriteDeclaration replaces the encoding of b's XML declaration with "utf-8".
// The value is replaced in place rather than the pseudo-attribute removed, so
// that a document keeps its shape for anyone reading it later.
func rewriteDeclaration(b []byte) []byte {
	head := b[:min(len(b), 1024)]
	idx := declPattern.FindSubmatchIndex(head)
	if idx == nil {
		return b
	}
	start, end := idx[2], idx[3]
	if start < 0 {
		start, end = idx[4], idx[5]
	}
	if strings.EqualFold(string(b[start:end]), "utf-8") {
		return b
	}
	out := make([]byte, 0, len(b)-(end-start)+5)
	out = append(out, b[:start]...)
	out = append(out, "utf-8"...)
	return append(out, b[end:]...)
}

func isJSON(b []byte) bool {
	t := bytes.TrimLeft(b, " \t\r\n")
	return len(t) > 0 && (t[0] == '{' || t[0] == '[')
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// mostlyUTF8 reports whether b, though not valid UTF-8, is UTF-8 text with a few
// stray bytes (a truncated character, one pasted Latin-1 byte) rather than text
// in a legacy encoding: it has more valid multi-byte sequences than invalid
// bytes. Reading such a document as windows-1252 would turn every correct
// character into mojibake to save the few broken ones.
func mostlyUTF8(b []byte) bool {
	multi, bad := 0, 0
	for i := 0; i < len(b); {
		if b[i] < 0x80 {
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			bad++
		} else {
			multi++
		}
		i += size
	}
	return multi > 0 && multi > bad
}

// readsAsKorean reports whether b, undeclared and not UTF-8, decodes cleanly as
// EUC-KR into mostly Hangul. gleaner polls Korean sites, whose legacy feeds
// sometimes declare nothing; a wrong guess here falls back to windows-1252, as
// for any other undeclared legacy document.
//
// Other East Asian encodings often decode as CP949 without errors too, so two
// signals must agree: the text is mostly Hangul syllables (Chinese and EUC-JP
// text comes out largely as Hanja and jamo), and nearly every two-byte
// character lies in KS X 1001 (both bytes 0xA1 or above) rather than in UHC's
// extension area, where Shift_JIS and Big5 bytes land as rare syllables.
func readsAsKorean(b []byte) bool {
	ksx, ext := 0, 0
	for i := 0; i < len(b); i++ {
		if b[i] < 0x81 {
			continue
		}
		if i+1 < len(b) && b[i] >= 0xA1 && b[i+1] >= 0xA1 {
			ksx++
		} else {
			ext++
		}
		i++
	}
	if ksx < 10 || ext*10 > ksx {
		return false
	}
	out, err := korean.EUCKR.NewDecoder().Bytes(b)
	if err != nil {
		return false
	}
	syllables, other := 0, 0
	for _, r := range string(out) {
		switch {
		case r < 0x80:
		case r == utf8.RuneError:
			return false
		case r >= 0xAC00 && r <= 0xD7A3:
			syllables++
		default:
			other++
		}
	}
	return syllables*10 >= (syllables+other)*7
}
