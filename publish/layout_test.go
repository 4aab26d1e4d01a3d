package publish

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

// layoutScript measures the page Chromium laid out and appends what it found
// as JSON in <pre id="layout">: the viewport's width, how far the page
// overflows it, and every problem a reader would see: an element outside the
// viewport, a box that hides part of what it holds behind a scroll bar, a
// word of a heading or a table header broken across two lines.
const layoutScript = `<script>
(function () {
  var W = document.documentElement.clientWidth, out = {width: W, overflow: document.documentElement.scrollWidth - W, problems: []};
  function name(el) {
    var s = el.tagName.toLowerCase();
    if (el.className) s += "." + String(el.className).split(" ").join(".");
    return s + " \"" + el.textContent.trim().slice(0, 40) + "\"";
  }
  var all = document.querySelectorAll("body *");
  for (var i = 0; i < all.length; i++) {
    var el = all[i], r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (el.id === "layout" || r.width === 0 && r.height === 0) continue;
    if (r.right > W + 0.5 || r.left < -0.5) out.problems.push("outside the viewport: " + name(el) + " spans " + Math.round(r.left) + " to " + Math.round(r.right));
    if (cs.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 1) out.problems.push("cut: " + name(el) + " shows " + el.clientWidth + " of " + el.scrollWidth + " px");
  }
  var heads = document.querySelectorAll("th, h1, h2, nav a, td[data-label]");
  for (var j = 0; j < heads.length; j++) {
    var walker = document.createTreeWalker(heads[j], NodeFilter.SHOW_TEXT), node;
    while ((node = walker.nextNode())) {
      var re = /\S+/g, m;
      while ((m = re.exec(node.data))) {
        var range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        if (range.getClientRects().length > 1) out.problems.push("word broken across lines: \"" + m[0] + "\" in " + name(heads[j]));
      }
    }
  }
  var top = window.parent.document, pre = top.createElement("pre");
  pre.id = "layout";
  pre.textContent = JSON.stringify(out);
  top.body.appendChild(pre);
})();
</script>`

// metaCSPElement is the page's own CSP, which would refuse the measuring script.
var metaCSPElement = regexp.MustCompile(`<meta http-equiv="Content-Security-Policy"[^>]*>`)

type layout struct {
	Width    int      `json:"width"`
	Overflow int      `json:"overflow"`
	Problems []string `json:"problems"`
}

// measureLayout has headless Chromium lay page out in a window width px wide
// and returns what layoutScript found. The page is served as it is but for
// its CSP, which the script needs gone: the stylesheet and markup measured are
// the ones gleaner serves. It is laid out in a frame width px wide, since
// Chromium's windows are at least 500 px wide, and tall enough that it does
// not scroll.
func measureLayout(t *testing.T, bin string, page []byte, width int) layout {
	t.Helper()
	page = metaCSPElement.ReplaceAll(page, nil)
	page = bytes.Replace(page, []byte("</body>"), []byte(layoutScript+"</body>"), 1)
	frame := fmt.Sprintf(`<!DOCTYPE html><html><body style="margin:0"><iframe src="/page" style="border:0;width:%dpx;height:20000px"></iframe></body></html>`, width)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if r.URL.Path == "/page" {
			w.Write(page)
			return
		}
		w.Write([]byte(frame))
	}))
	defer srv.Close()
	dom, _ := runChromium(t, bin, "--hide-scrollbars", fmt.Sprintf("--window-size=%d,900", max(width, 500)+100), "--dump-dom", srv.URL+"/")
	m := regexp.MustCompile(`<pre id="layout">(.*?)</pre>`).FindSubmatch(dom)
	if m == nil {
		t.Fatalf("the measuring script left no result at %d px:\n%s", width, dom)
	}
	var l layout
	if err := json.Unmarshal([]byte(strings.NewReplacer("&quot;", `"`, "&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(string(m[1]))), &l); err != nil {
		t.Fatalf("layout result %s: %v", m[1], err)
	}
	if l.Width != width {
		t.Fatalf("Chromium laid the page out %d px wide, not %d", l.Width, width)
	}
	return l
}

// statusFixture is a status page's worth of sources in every state, with long
// names in both languages, a source that moved to a long URL, and large counts.
func statusFixture() []aggregate.SourceStatus {
	names := []string{"정책브리핑 과학기술정보통신부", "Policy Wire: Technology and Regulation", "전자신문 IT·정책", "AI타임스",
		"The European Commission's Digital Strategy Newsroom", "지디넷코리아", "GovTech Review", "연합뉴스 산업", "Old Source"}
	var out []aggregate.SourceStatus
	for i, n := range names {
		s := aggregate.SourceStatus{Source: aggregate.Source{ID: int64(i + 1), Name: n,
			URL: fmt.Sprintf("https://www.example-%d.go.kr/rss/department/science-and-ict/press-releases.xml", i)}, Active: true}
		st := &s.State
		st.LastAttempt, st.Status, st.ItemsSeen, st.ItemsKept = t0.Add(-time.Duration(i)*time.Minute), 200, 123456, 7890
		st.LastSuccess, st.NextFetch = st.LastAttempt, t0.Add(14*time.Minute)
		switch i % 4 {
		case 1:
			st.Status, st.ConsecutiveErrors, st.ErrorKind, st.LastSuccess = 503, 12, "unavailable", t0.Add(-50*time.Hour)
		case 2:
			st.CurrentURL = "https://news.example-moved.co.kr/feeds/all-articles-in-the-information-and-communications-section.xml"
		case 3:
			st.Status, st.ConsecutiveErrors, st.ErrorKind, st.Gone = 410, 1, "gone", true
		}
		out = append(out, s)
	}
	out[len(out)-1].Active = false
	out = append(out, aggregate.SourceStatus{Source: aggregate.Source{ID: 99, Name: "New", URL: "https://new.example/feed"}, Active: true})
	return out
}

// TestChromiumLayout lays the page and /status out in headless Chromium at
// a desktop's width (1280 px), a phone's (390 px) and a small phone's
// (320 px): nothing may stick out of the viewport or be cut off behind a
// scroll bar, and no table header or heading may break a word across lines.
func TestChromiumLayout(t *testing.T) {
	t.Parallel()
	bin := chromium(t)
	h, st := newTestHandler(t, fixtureOptions(), append(fixtureEntries(), hostileEntry()))
	st.mu.Lock()
	st.status = statusFixture()
	st.mu.Unlock()
	pages := map[string][]byte{}
	for _, path := range []string{"/", "/status", "/search?q=AI"} {
		resp := get(t, h, "GET", path)
		mustStatus(t, resp, 200)
		pages[path] = body(t, resp)
	}
	if n := bytes.Count(pages["/status"], []byte("<tr>")); n != len(statusFixture())+1 {
		t.Fatalf("/status has %d rows", n)
	}
	for _, width := range []int{1280, 390, 320} {
		for _, path := range []string{"/", "/status", "/search?q=AI"} {
			l := measureLayout(t, bin, pages[path], width)
			if l.Overflow > 0 {
				t.Errorf("%s at %d px: the page is %d px wider than the window", path, width, l.Overflow)
			}
			for _, p := range l.Problems {
				t.Errorf("%s at %d px: %s", path, width, p)
			}
		}
	}
}
