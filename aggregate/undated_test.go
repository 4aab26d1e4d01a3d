package aggregate_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gleaner/gleaner/aggregate"
)

// undatedRSS has a dated item, an undated one and one dated in the future; its
// server sends no validators, so every poll reads it again.
const undatedRSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>News</title><link>%s/</link>
<item><title>EU AI Act enforcement begins for general-purpose AI models</title><link>/news/1</link>
<pubDate>Tue, 03 Mar 2026 11:00:00 +0000</pubDate><description>The European Commission began enforcing the AI Act's rules for AI models.</description></item>
<item><title>Congress introduces AI regulation bill on AI safety</title><link>/news/2</link><description>Lawmakers introduced a bill to regulate artificial intelligence.%s</description></item>
<item><title>Government tightens AI chip export controls</title><link>/news/3</link><pubDate>Tue, 03 Mar 2099 10:00:00 +0000</pubDate><description>New export controls on AI chips for artificial intelligence.</description></item>
</channel></rss>`

// TestUndatedItemsKeepTheirTime: an item without a usable date is published at
// the time first seen, and polling it again later neither revises it (its
// entry's updated time stays) nor moves it to the top of the feed.
func TestUndatedItemsKeepTheirTime(t *testing.T) {
	s := newSite(t)
	var revised atomic.Bool
	s.handle("/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		more := ""
		if revised.Load() {
			more = " It would set up a licensing regime."
		}
		fmt.Fprintf(w, undatedRSS, s.URL, more)
	})
	h := newHarness(t, nil, aggregate.Source{Name: "x", URL: s.URL + "/feed", Interval: 10 * time.Minute})
	first := h.clock.Now()
	published := func() map[string][2]time.Time {
		t.Helper()
		es, err := h.store.Curated(context.Background(), aggregate.Query{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][2]time.Time{}
		for _, e := range es {
			out[e.Item.Title] = [2]time.Time{e.Item.Published, e.Updated}
		}
		return out
	}
	r := h.poller.PollAll(context.Background())
	if r[0].Err != nil || r[0].New != 3 {
		t.Fatalf("first poll: %+v", r[0])
	}
	want := published()
	if len(want) != 3 {
		t.Fatalf("curated after the first poll: %v", want)
	}
	for title, p := range want {
		if title != "EU AI Act enforcement begins for general-purpose AI models" && !p[0].Equal(first) {
			t.Errorf("%q: published %v, want the time first seen %v", title, p, first)
		}
	}
	for range 2 {
		h.clock.Add(6 * time.Hour)
		r := h.poller.PollAll(context.Background())
		if r[0].Err != nil || r[0].New != 0 {
			t.Fatalf("later poll: %+v", r[0])
		}
		if got := published(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("after %v: published and updated %v, want %v", h.clock.Now().Sub(first), got, want)
		}
	}
	// A revision of its text is a revision, but its time stays the one first stored.
	revised.Store(true)
	h.clock.Add(6 * time.Hour)
	if r := h.poller.PollAll(context.Background()); r[0].Err != nil {
		t.Fatal(r[0].Err)
	}
	const title = "Congress introduces AI regulation bill on AI safety"
	if got := published()[title]; !got[0].Equal(first) {
		t.Errorf("revised: published %v, want %v", got[0], first)
	}
}
