package main

import (
	"context"
	"fmt"
	"time"

	"github.com/gleaner/gleaner/internal/app"
	"github.com/gleaner/gleaner/internal/term"
)

func cmdStories(e *env, args []string) error {
	f := e.newFlags("stories", "[-config F] [-n 20] [-members 20]", "List recent stories that group reports from several outlets, with each member's\nsimilarity to the story when it joined, so you can see why items were grouped.", true)
	n := f.Int("n", 20, "how many stories")
	members := f.Int("members", 20, "at most this many members of each story, earliest first")
	if err := f.parse(args); err != nil {
		return err
	}
	if *n < 1 || *members < 1 {
		fmt.Fprintf(e.stderr, "gleaner stories: -n %d -members %d: want at least 1 of each\n", *n, *members)
		f.Usage()
		return errUsage
	}
	ctx := context.Background()
	st, err := app.ReadStoreOrMigrate(ctx, f.config)
	if err != nil {
		return err
	}
	defer st.Close()
	stories, err := st.RecentStories(ctx, *n, max(*members, 1))
	if err != nil {
		return err
	}
	if len(stories) == 0 {
		fmt.Fprintln(e.stdout, "no story has more than one outlet yet")
		return nil
	}
	// Each story's members in columns measured as a terminal draws them
	// (term.Table): Korean outlet names take two columns a syllable. Times are
	// local, with their zone.
	for _, s := range stories {
		vis := ""
		if !s.Visible {
			vis = " (not published)"
		}
		fmt.Fprintf(e.stdout, "story %d%s  %s  updated %s\n", s.ID, vis, s.EntryID, s.Updated.Local().Format(time.RFC3339))
		t := term.NewTable("  ", 2)
		for _, m := range s.Members {
			role := fmt.Sprintf("%.2f", m.Similarity)
			if m.Lead {
				role = "lead"
			}
			outlet := m.Outlet.Name
			if m.Outlet.Origin != "" {
				outlet = m.Outlet.Origin + " via " + outlet
			}
			t.Row(role, outlet, m.Lang, m.Published.Local().Format("2006-01-02 15:04 MST"), m.Title)
		}
		if err := t.Print(e.stdout); err != nil {
			return err
		}
		if more := s.Reports - len(s.Members); more > 0 {
			fmt.Fprintf(e.stdout, "  … and %d more\n", more)
		}
	}
	return nil
}

func cmdEvalStories(e *env, args []string) error {
	f := e.newFlags("eval-stories", "[-config F] FILE.jsonl", "Measure story grouping on a labeled file: JSON lines {\"id\",\"group\",\"lang\",\"source\",\n\"title\",\"summary\",\"published\"} (optionally \"url\", \"near\": the group this one is a near miss\nof, \"date_guess\"); other tools' names for them (headline, lead, link, date, story, ...)\nand any date form a feed writes are read too. Prints pairwise precision and recall over\nall pairs, same-language pairs and Korean-English pairs; the same for the items the topic\nfilter keeps, grouped alone as the daemon groups them (what the curated feed shows); the\nnear-miss pairs it merged, and the pairs it got wrong. Uses the config's [stories]\nsettings and topic profile when -config names a file.", true)
	explicit := hasFlag(args, "config")
	// Flags may follow the file (gleaner eval-stories FILE -config F), as gleaner eval takes them.
	pos, err := f.parseMixed(args, 1)
	if err != nil {
		return err
	}
	sc, err := app.LoadStoryConfig(f.config, explicit || e.getenv("GLEANER_CONFIG") != "")
	if err != nil {
		return err
	}
	c, err := app.LoadClassifier(f.config, explicit || e.getenv("GLEANER_CONFIG") != "")
	if err != nil {
		return err
	}
	items, err := app.ReadStoryLabeled(pos[0])
	if err != nil {
		return err
	}
	return app.EvaluateStories(c, sc, items).Write(e.stdout)
}
