package fetch

import (
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestReleaseReusesBuffer checks that a released body's buffer serves later
// fetches without changing anything parsed from it before: the items of a feed
// parsed, then released, keep their text while other feeds are read into the
// same memory.
func TestReleaseReusesBuffer(t *testing.T) {
	// A sync.Pool may drop what it holds (at a collection, or when Get runs on
	// another P), so the test uses a plain free list to make reuse certain.
	prev := bodyPool
	bodyPool = &freeList{}
	t.Cleanup(func() { bodyPool = prev })
	feed := func(n int) string {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>`)
		for i := range 40 {
			fmt.Fprintf(&b, "<item><title>feed %d item %d 제목</title><link>https://e.org/%d/%d</link><description>%s</description></item>", n, i, n, i, strings.Repeat("본문 text ", 50))
		}
		b.WriteString("</channel></rss>")
		return b.String()
	}
	srv, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(r.URL.Path, "/%d", &n)
		w.Header().Set("Content-Encoding", "gzip") // no Content-Length: the pooled path
		zw := gzip.NewWriter(w)
		zw.Write([]byte(feed(n)))
		zw.Close()
	})
	c := New(srv.Client(), Options{})
	type kept struct {
		n, i  int
		title string
	}
	var titles []kept
	reused := false
	var first *byte
	for n := range 30 {
		res, err := c.Fetch(context.Background(), Request{URL: fmt.Sprintf("%s/%d", srv.URL, n)})
		if err != nil {
			t.Fatal(err)
		}
		if string(res.Body) != feed(n) {
			t.Fatalf("feed %d: body differs from what was served", n)
		}
		if n == 0 {
			first = &res.Body[:1][0]
		} else if &res.Body[:1][0] == first {
			reused = true
		}
		f, err := c.Parse(res.Body, "application/rss+xml", srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		for i, it := range f.Items {
			titles = append(titles, kept{n, i, it.Title})
		}
		res.Release()
		if res.Body != nil {
			t.Fatal("Body is still set after Release")
		}
		res.Release() // twice does nothing
	}
	if !reused {
		t.Error("no fetch reused a released buffer")
	}
	for _, k := range titles {
		if want := fmt.Sprintf("feed %d item %d 제목", k.n, k.i); k.title != want {
			t.Fatalf("parsed title changed after its buffer was reused: %q, want %q", k.title, want)
		}
	}

	// A Response not made by Fetch keeps its Body: Release is only for buffers
	// Fetch took from the pool.
	own := []byte("caller's bytes")
	r := &Response{Body: own}
	r.Release()
	if string(r.Body) != "caller's bytes" {
		t.Errorf("Release changed a caller's Body: %q", r.Body)
	}
}

type freeList struct{ items []any }

func (l *freeList) Put(x any) { l.items = append(l.items, x) }
func (l *freeList) Get() any {
	if len(l.items) == 0 {
		return nil
	}
	x := l.items[len(l.items)-1]
	l.items = l.items[:len(l.items)-1]
	return x
}
