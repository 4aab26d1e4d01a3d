package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/gleaner/gleaner/config"
	"github.com/gleaner/gleaner/internal/term"
	"github.com/gleaner/gleaner/store"
)

func cmdLabels(e *env, args []string) error {
	export := len(args) > 0 && args[0] == "export"
	if export {
		args = args[1:]
	}
	f := e.newFlags("labels", "[export] [-config F]", "List the curator's labels (gleaner label), oldest first: when, in or out, the item,\n"+
		"its title and the note. 'gleaner labels export' writes them as JSON lines in gleaner\n"+
		"eval's format ({\"id\",\"lang\",\"title\",\"summary\",\"label\",\"url\",\"note\"}), so that\n"+
		"each correction can join a topic development set. Reads the database only.", true)
	if err := f.parse(args); err != nil {
		return err
	}
	ctx := context.Background()
	st, err := readStore(ctx, f.config)
	if err != nil {
		return err
	}
	defer st.Close()
	labels, err := st.Labels(ctx)
	if err != nil {
		return err
	}
	if export {
		return exportLabels(e, labels)
	}
	if len(labels) == 0 {
		fmt.Fprintln(e.stdout, "no labels yet (gleaner label URL|ENTRY-ID in|out)")
		return nil
	}
	t := term.NewTable("", 2)
	t.Row("WHEN", "LABEL", "ITEM", "TITLE", "NOTE")
	for _, l := range labels {
		item := l.URL
		if item == "" {
			item = l.EntryID
		}
		t.Row(l.At.Local().Format("2006-01-02 15:04"), inOut(l.Keep), item, l.Title, l.Note)
	}
	return t.Print(e.stdout)
}

// labelLine is one exported label: a labelled item as gleaner eval reads it
// (topic.Labeled), with its link and the curator's note.
type labelLine struct {
	ID      string `json:"id"`
	Lang    string `json:"lang"`
	Title   string `json:"title"`
	Summary string `json:"summary"`
	Label   bool   `json:"label"`
	URL     string `json:"url"`
	Note    string `json:"note"`
}

func exportLabels(e *env, labels []store.StoredLabel) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	for _, l := range labels {
		id := l.OwnID
		if id == "" {
			id = "gleaner-item-" + strconv.FormatInt(l.ItemID, 10)
		}
		if err := enc.Encode(labelLine{ID: id, Lang: l.Lang, Title: l.Title, Summary: l.Summary, Label: l.Keep, URL: l.URL, Note: l.Note}); err != nil {
			return err
		}
	}
	return nil
}

// readStore opens the database of the config file path read-only, for the
// commands that only read it.
func readStore(ctx context.Context, path string) (*store.Store, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	return store.OpenReadOnly(ctx, cfg.Database)
}
