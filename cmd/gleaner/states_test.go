package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/gleaner/gleaner/aggregate"
	"github.com/gleaner/gleaner/internal/app"
	"github.com/gleaner/gleaner/store"
)

// TestSourceStatesOneVocabulary stores a source in each state and reads the
// states back from every place that shows them: /status, /status.json,
// gleaner sources, /metrics and README.md must use the same words.
func TestSourceStatesOneVocabulary(t *testing.T) {
	gleanerBinary(t) // skips with -short
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "g.db")
	now := time.Now().Truncate(time.Second)
	// One source per state, named after it; the removed one is stored, with an
	// item, but not in the config.
	want := map[string]string{}
	var src []aggregate.Source
	for i, state := range aggregate.SourceStates {
		name := "src-" + state
		want[name] = state
		src = append(src, aggregate.Source{Name: name, URL: fmt.Sprintf("http://127.0.0.1:9/%s.xml", state), Rank: i})
	}
	st, err := store.Open(t.Context(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	stored, _, err := st.SyncSources(t.Context(), src)
	if err != nil {
		t.Fatal(err)
	}
	id := func(state string) int64 { return stored[slices.Index(aggregate.SourceStates, state)].ID }
	fetched := []aggregate.Fetched{
		{State: aggregate.FetchState{SourceID: id(aggregate.StateOK), Status: 200, LastAttempt: now, LastSuccess: now, NextFetch: now.Add(time.Hour)}},
		{State: aggregate.FetchState{SourceID: id(aggregate.StateBackoff), Status: 503, LastAttempt: now, ConsecutiveErrors: 2,
			LastError: "503 Service Unavailable", ErrorKind: "unavailable", NextFetch: now.Add(time.Hour)}},
		{State: aggregate.FetchState{SourceID: id(aggregate.StateGone), Status: 410, LastAttempt: now, ConsecutiveErrors: 1,
			Gone: true, ErrorKind: "gone", LastError: "410 Gone"}},
		// Listed while something of it is stored: an item.
		{State: aggregate.FetchState{SourceID: id(aggregate.StateRemoved), Status: 200, LastAttempt: now, LastSuccess: now},
			Items: []aggregate.Item{{Key: "removed-1", GUID: "removed-1", URL: "http://127.0.0.1:9/removed-1", Title: "An item of the removed source",
				Lang: "en", Published: now, FirstSeen: now, Verdict: aggregate.Verdict{Reasons: []string{}}}}},
	}
	if _, _, err := st.Save(t.Context(), fetched, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	var cfg strings.Builder
	fmt.Fprintf(&cfg, "listen = %q\ndatabase = \"g.db\"\n", listenAddr(t))
	for _, s := range src {
		if s.Name != "src-"+aggregate.StateRemoved {
			fmt.Fprintf(&cfg, "[[source]]\nname = %q\nurl = %q\n", s.Name, s.URL)
		}
	}
	cfgPath := filepath.Join(dir, "gleaner.toml")
	writeConfigFile(t, cfgPath, cfg.String())

	check := func(where string, got map[string]string) {
		t.Helper()
		for name, state := range want {
			if got[name] != state {
				t.Errorf("%s: %s is %q, want %q (all: %v)", where, name, got[name], state, got)
			}
		}
	}

	// gleaner sources reads the database; the removed source is synced as
	// removed when the daemon starts, so it runs after that start below.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	d, err := app.NewDaemon(ctx, cfgPath, slog.New(slog.DiscardHandler), app.DaemonOptions{Notifier: quietNotifier()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d.Handler())
	defer srv.Close()
	defer d.Close()

	code, out, stderr := runBinary(t, "", "sources", "-config", cfgPath)
	if code != 0 {
		t.Fatalf("gleaner sources: exit %d\n%s", code, stderr)
	}
	cli := map[string]string{}
	for _, line := range strings.Split(out, "\n")[1:] {
		if f := strings.Fields(line); len(f) >= 2 {
			cli[f[0]] = f[1]
		}
	}
	check("gleaner sources", cli)

	_, body := httpGet(srv.URL + "/status.json")
	var doc struct {
		Sources []struct{ Name, State string }
	}
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("/status.json: %v\n%s", err, body)
	}
	js := map[string]string{}
	for _, s := range doc.Sources {
		js[s.Name] = s.State
	}
	check("/status.json", js)

	_, body = httpGet(srv.URL + "/status")
	page, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	htm := map[string]string{}
	for _, row := range nodes(page, atom.Tr) {
		if cells := nodes(row, atom.Td); len(cells) >= 2 {
			htm[strings.TrimSpace(nodeText(cells[0]))] = strings.TrimSpace(nodeText(cells[1]))
		}
	}
	check("/status", htm)

	metrics := scrape(t, strings.TrimPrefix(srv.URL, "http://"))
	for _, state := range aggregate.SourceStates {
		if v := metricValue(metrics, "gleaner_sources", "state="+state); v != 1 {
			t.Errorf("/metrics: gleaner_sources{state=%q} = %v, want 1", state, v)
		}
	}
	if n := len(metrics["gleaner_sources"].GetMetric()); n != len(aggregate.SourceStates) {
		t.Errorf("/metrics: gleaner_sources has %d states, want %d", n, len(aggregate.SourceStates))
	}

	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile("(?m)^\\| `([a-z]+)` \\| ").FindAllStringSubmatch(string(readme), -1)
	var documented []string
	for _, r := range rows {
		documented = append(documented, r[1])
	}
	if !slices.Equal(documented, aggregate.SourceStates) {
		t.Errorf("README.md's table of source states lists %q, want %q", documented, aggregate.SourceStates)
	}
}

func nodes(n *html.Node, a atom.Atom) []*html.Node {
	var out []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == a {
			out = append(out, c)
		}
		out = append(out, nodes(c, a)...)
	}
	return out
}

func nodeText(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(nodeText(c))
	}
	return b.String()
}
