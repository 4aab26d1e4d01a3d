package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"
)

// syncSearchQuery applies the queued changes of curated items to the search
// index, in the order they were made, in one statement (see migration 012).
const syncSearchQuery = `INSERT INTO item_search(item_search, rowid, title, summary)
	SELECT CASE op WHEN 'delete' THEN 'delete' END, item_id, title, summary FROM item_search_queue ORDER BY seq`

// syncSearch brings the search index up to date with the queued changes.
// Labels, reclassification and retention call it in their transactions;
// Save leaves its changes queued for IndexSearch.
func syncSearch(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, syncSearchQuery); err != nil {
		return fmt.Errorf("store: search index: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM item_search_queue`); err != nil {
		return fmt.Errorf("store: search index: %w", err)
	}
	return nil
}

// IndexSearch applies the changes saves left queued to the search index, in
// one short write transaction, and says how many there were. Saves leave
// this to it so that a poll round pays nothing for search: the daemon calls
// it every few seconds, and one-shot commands before they exit, so search
// results follow the curated feed within seconds.
func (s *Store) IndexSearch(ctx context.Context) (int, error) {
	var n int
	if err := s.w.QueryRowContext(ctx, "SELECT count(*) FROM item_search_queue").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: search index: %w", err)
	}
	if n == 0 {
		return 0, nil
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("store: search index: %w", err)
	}
	defer tx.Rollback()
	if err := syncSearch(ctx, tx); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("store: search index: %w", err)
	}
	return n, nil
}

// searchWhere is the condition, and its arguments, that keeps the stories
// st one of whose curated items has every word of text (separated by spaces)
// in its title or the indexed opening of its summary, case aside. It also
// says whether the search index finds them: words of three characters or
// more are looked up there, and the stories it finds are then put in order;
// a query of only shorter words, which no trigram holds, is instead checked
// story by story, newest first, so that a page of a common word ("AI",
// "정부") is read from the first few stories rather than from all of them.
func searchWhere(text string) (where string, args []any, indexed bool) {
	var long, short []string
	for _, w := range strings.Fields(text) {
		if utf8.RuneCountInString(w) >= 3 {
			long = append(long, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
		} else {
			short = append(short, w)
		}
	}
	if len(long) == 0 {
		cond, args := likeAll(short, "m.title", "substr(m.summary, 1, 100)")
		return "EXISTS (SELECT 1 FROM items m WHERE m.story_id = st.id AND m.story_id != 0 AND " + cond + ")", args, false
	}
	where = "st.id IN (SELECT i.story_id FROM item_search JOIN items i ON i.id = item_search.rowid WHERE item_search MATCH ?"
	args = []any{strings.Join(long, " ")}
	if len(short) > 0 {
		cond, more := likeAll(short, "item_search.title", "item_search.summary")
		where += " AND " + cond
		args = append(args, more...)
	}
	return where + " AND i.story_id != 0)", args, true
}

// likeAll is the condition that each word is in one of cols, as LIKE reads
// it (ASCII case aside), with its arguments.
func likeAll(words []string, cols ...string) (string, []any) {
	var conds []string
	var args []any
	for _, w := range words {
		like := "%" + likeEscaper.Replace(w) + "%"
		var ors []string
		for _, c := range cols {
			ors = append(ors, c+` LIKE ? ESCAPE '\'`)
			args = append(args, like)
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	return strings.Join(conds, " AND "), args
}

// likeEscaper escapes LIKE's wildcards and its escape character.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
