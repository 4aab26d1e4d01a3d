package config

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2/unstable"
)

// TestLineIndexMatchesShape checks lineIndex against go-toml's own Shape for
// every key and value node of several documents: CRLF line ends, no final
// newline, multi-line strings and arrays, a thousand sources.
func TestLineIndexMatchesShape(t *testing.T) {
	var big strings.Builder
	big.WriteString("listen = \"127.0.0.1:8080\"\n")
	for i := range 1000 {
		fmt.Fprintf(&big, "\n[[source]]\nname = \"소스 %d\"\nurl = \"https://e%d.example/rss\"\n", i, i)
	}
	docs := []string{
		"a = 1",
		"a = 1\n",
		"\n\n  a = 1\r\nb = \"x\"\r\n[t]\r\nc = [1,\r\n 2, 3]\r\n",
		"s = \"\"\"\nmulti\nline\n\"\"\"\nt = 2\n[[a.b]]\nx = { y = 1, z = [ \"q\" ] }\n",
		"# 주석\n\"제목\" = \"한국어\"\n[topic]\ngroup = [ { name = \"g\", terms = [\"AI\", \"인공지능\"] } ]",
		big.String(),
	}
	for _, doc := range docs {
		data := []byte(doc)
		lines := newLineIndex(data)
		var p unstable.Parser
		p.Reset(data)
		n := 0
		var walk func(nd *unstable.Node)
		walk = func(nd *unstable.Node) {
			if nd.Raw.Length > 0 {
				if got, want := lines.at(nd.Raw), p.Shape(nd.Raw).Start; got != want {
					t.Fatalf("offset %d: lineIndex %+v, Shape %+v (doc %.40q)", nd.Raw.Offset, got, want, doc)
				}
				n++
			}
			for it := nd.Children(); it.Next(); {
				walk(it.Node())
			}
		}
		for p.NextExpression() {
			e := p.Expression()
			for it := e.Key(); it.Next(); {
				walk(it.Node())
			}
			if v := e.Value(); v != nil {
				walk(v)
			}
		}
		if err := p.Error(); err != nil {
			t.Fatalf("%v in %.40q", err, doc)
		}
		if n == 0 {
			t.Fatalf("no node compared in %.40q", doc)
		}
	}
}
