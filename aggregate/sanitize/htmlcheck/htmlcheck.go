// Package htmlcheck is a test helper: it parses HTML as a browser would and lists
// anything in it that could run code or load active content. The sanitiser's and
// the publisher's tests use it to check their output by structure rather than by
// looking for substrings.
package htmlcheck

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Forbidden are elements that run code, load active content, submit, or change how
// the rest of a page is read.
var Forbidden = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Iframe: true, atom.Object: true,
	atom.Embed: true, atom.Form: true, atom.Input: true, atom.Button: true,
	atom.Textarea: true, atom.Select: true, atom.Meta: true, atom.Link: true,
	atom.Base: true, atom.Svg: true, atom.Math: true, atom.Frame: true,
	atom.Frameset: true, atom.Applet: true, atom.Noscript: true, atom.Template: true,
}

// urlAttrs are the attributes whose value a browser loads or navigates to.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "cite": true,
	"poster": true, "background": true, "data": true, "srcset": true, "xlink:href": true,
}

// Fragment parses s as the content of a <body> and returns what is unsafe in it.
// Links must carry rel (every token in wantRel), when wantRel is not empty.
func Fragment(s, wantRel string) []string {
	body := &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"}
	nodes, err := html.ParseFragment(strings.NewReader(s), body)
	if err != nil {
		return []string{"does not parse: " + err.Error()}
	}
	var p []string
	for _, n := range nodes {
		p = append(p, Node(n, wantRel, nil)...)
	}
	return p
}

// Node returns what is unsafe under n. Elements for which allow returns true are
// the page's own (its style sheet, its meta tags) and are not reported.
func Node(n *html.Node, wantRel string, allow func(*html.Node) bool) []string {
	var problems []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (allow == nil || !allow(n)) {
			if Forbidden[n.DataAtom] || n.Namespace != "" {
				problems = append(problems, "element <"+n.Data+">")
			}
			rel, href := "", false
			for _, a := range n.Attr {
				k := strings.ToLower(a.Key)
				if a.Namespace != "" {
					k = a.Namespace + ":" + k
				}
				switch {
				case strings.HasPrefix(k, "on"), k == "style", k == "srcdoc":
					problems = append(problems, "attribute "+k+" on <"+n.Data+">")
				case urlAttrs[k]:
					href = href || k == "href"
					if !SafeURL(a.Val) {
						problems = append(problems, "<"+n.Data+" "+k+"="+a.Val+">")
					}
				case k == "rel":
					rel = a.Val
				}
			}
			if n.DataAtom == atom.A && href && wantRel != "" {
				for _, tok := range strings.Fields(wantRel) {
					if !strings.Contains(" "+rel+" ", " "+tok+" ") {
						problems = append(problems, "link without rel "+tok+": rel="+rel)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return problems
}

// SafeURL applies the URL standard's preprocessing (strip leading and trailing C0
// controls and spaces, remove tabs and newlines) and then requires an absolute
// http, https or mailto URL.
func SafeURL(v string) bool {
	v = strings.TrimFunc(v, func(r rune) bool { return r <= ' ' })
	v = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(v)
	v = strings.ToLower(v)
	return strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") || strings.HasPrefix(v, "mailto:")
}

// Markup returns the elements in s when read as HTML: plain text (a title) must
// have none that a browser knows, so that a reader rendering it as HTML shows text.
func Markup(s string) []string {
	body := &html.Node{Type: html.ElementNode, DataAtom: atom.Body, Data: "body"}
	nodes, err := html.ParseFragment(strings.NewReader(s), body)
	if err != nil {
		return []string{"does not parse: " + err.Error()}
	}
	var found []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.DataAtom != 0 || len(n.Attr) > 0) {
			found = append(found, "<"+n.Data+">")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return found
}
