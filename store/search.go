package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gleaner/gleaner/internal/nfkc"

	"modernc.org/sqlite"
)

func init() {
	// gleaner_word(text, word): whether word is in text as a search reads it
	// (see hasWord); NULL text has no words.
	sqlite.MustRegisterDeterministicScalarFunction("gleaner_word", 2, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		text, _ := args[0].(string)
		word, _ := args[1].(string)
		return hasWord(text, word), nil
	})
}

// hasWord reports whether word occurs in text, case aside, as a word: where the
// word begins or ends with a Latin letter or digit, the text must not go on
// with one there ("AI" is not in "rail", "bill" is not in "billion"), but for
// an English plural or possessive ("AI" is in "AIs" and "AI's"); Hangul and
// other scripts match inside words, since Korean particles attach ("국회" is in
// "국회의"). The same edges as the topic filter's terms.
func hasWord(text, word string) bool {
	if word == "" {
		return true
	}
	text, word = strings.ToLower(text), strings.ToLower(word)
	first, _ := utf8.DecodeRuneInString(word)
	last, _ := utf8.DecodeLastRuneInString(word)
	for from := 0; from <= len(text)-len(word); {
		i := strings.Index(text[from:], word)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(word)
		from = start + 1
		if latin(first) {
			if r, _ := utf8.DecodeLastRuneInString(text[:start]); start > 0 && latin(r) {
				continue
			}
		}
		if latin(last) && !wordEnds(text[end:]) {
			continue
		}
		return true
	}
	return false
}

// wordEnds reports whether a word ends where rest begins: at its end, before a
// character that is no Latin letter or digit, or after a plural or possessive
// ending that does.
func wordEnds(rest string) bool {
	for _, suffix := range wordSuffixes {
		if strings.HasPrefix(rest, suffix) {
			r, _ := utf8.DecodeRuneInString(rest[len(suffix):])
			if len(rest) == len(suffix) || !latin(r) {
				return true
			}
		}
	}
	return false
}

// latin reports whether r is a Latin letter or a digit: a character that
// continues an English word. A letter counts in either case when one of its
// cases is below U+0250 (Ə and ə, ẞ and ß), since SQLite's lower() leaves
// such letters as they are while strings.ToLower folds them.
func latin(r rune) bool {
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return false
	}
	return r < 0x250 || unicode.ToLower(r) < 0x250 || unicode.ToUpper(r) < 0x250
}

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
	var long, short [][]string // each word of text, in the forms it is looked for in
	var quoted []string
	words := searchWords(text)
	if len(words) == 0 {
		words = strings.Fields(text) // only punctuation ("%"): looked for as it is
	}
	for _, w := range words {
		forms := wordForms(w)
		if utf8.RuneCountInString(w) >= 3 {
			long = append(long, forms)
			var q []string
			for _, f := range forms {
				q = append(q, `"`+strings.ReplaceAll(f, `"`, `""`)+`"`)
			}
			if len(q) == 1 {
				quoted = append(quoted, q[0])
			} else {
				quoted = append(quoted, "("+strings.Join(q, " OR ")+")")
			}
		} else {
			short = append(short, forms)
		}
	}
	if len(long) == 0 {
		cond, args := wordsAll(short, false, "m.title", "substr(m.summary, 1, 100)")
		return "EXISTS (SELECT 1 FROM items m WHERE m.story_id = st.id AND m.story_id != 0 AND " + cond + ")", args, false
	}
	where = "st.id IN (SELECT i.story_id FROM item_search JOIN items i ON i.id = item_search.rowid WHERE item_search MATCH ?"
	args = []any{strings.Join(quoted, " AND ")}
	// The trigram index finds the words inside others too: those with a Latin
	// edge are checked, and the short ones, which no trigram holds.
	cond, more := wordsAll(long, true, "item_search.title", "item_search.summary")
	if len(short) > 0 {
		c, m := wordsAll(short, false, "item_search.title", "item_search.summary")
		cond, more = cond+" AND "+c, append(more, m...)
	}
	return where + " AND " + cond + " AND i.story_id != 0)", append(args, more...), true
}

// searchWords splits a search into its words: at spaces and at punctuation
// (quotes around a phrase, commas, a full stop, parentheses, hyphens: "AI Act",
// code-of-practice, (AI)), which a query carries and a stored headline may not
// have at that place; an apostrophe inside a word (AI's, 대통령's) stays.
func searchWords(text string) []string {
	quote := func(r rune) bool { return r == '\'' || r == '’' }
	fields := strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && !quote(r)
	})
	// An apostrophe stays inside a word, and at the end of a plural
	// possessive (AIs'); quotes around words ('AI Act') go. (Symbols stay in
	// words: C++, $1.2.)
	words := fields[:0]
	for _, f := range fields {
		trimmed := strings.TrimLeftFunc(f, quote)
		if trimmed != f || !strings.HasSuffix(strings.ToLower(trimmed), "s'") {
			trimmed = strings.TrimRightFunc(trimmed, quote)
		}
		if trimmed != "" {
			words = append(words, trimmed)
		}
	}
	return words
}

// wordForms are the forms a word of a search is looked for in: as typed and,
// when it differs, its NFKC form, so that letters typed in an input method's
// full-width mode (ＡＩ) find the ASCII ones, while stored text that has such
// letters is still found by them. A form that would be looked up otherwise
// (three characters or more, or fewer) than the word is left out.
func wordForms(w string) []string {
	n := nfkc.String(w)
	if n == w || strings.ContainsFunc(n, unicode.IsSpace) || (utf8.RuneCountInString(n) >= 3) != (utf8.RuneCountInString(w) >= 3) {
		return []string{w}
	}
	return []string{w, n}
}

// wordsAll is the condition that each of words (each in the forms any of which
// will do) is in one of cols as a word (see hasWord), with its arguments; when
// indexed, the search index found the words already, case aside in every
// script, so that only their edges are checked.
func wordsAll(words [][]string, indexed bool, cols ...string) (string, []any) {
	conds := []string{"1"}
	var args []any
	edges := func(w string) (bool, bool) {
		first, _ := utf8.DecodeRuneInString(w)
		last, _ := utf8.DecodeLastRuneInString(w)
		return latin(first), latin(last)
	}
	for _, forms := range words {
		if indexed && !slices.ContainsFunc(forms, func(w string) bool { f, l := edges(w); return f || l }) {
			continue // inside words, as the index found it
		}
		var ors []string
		for _, w := range forms {
			first, last := edges(w)
			for _, c := range cols {
				cond, more := wordCond(c, w, first, last)
				ors = append(ors, cond)
				args = append(args, more...)
			}
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	return strings.Join(conds, " AND "), args
}

// wordCond is the condition that w is in col as hasWord reads it, with its
// arguments. A word of ASCII letters, digits and punctuation is looked for with
// LIKE (ASCII case aside: the cheap test that rejects most rows), then its
// edges with GLOB on the column's lower case, padded with spaces so that its
// start and end are edges: SQLite's own code, no Go function per row. Any
// other word, by gleaner_word, which folds every script's case.
func wordCond(col, w string, firstEdge, lastEdge bool) (string, []any) {
	lw := strings.ToLower(w)
	if !firstEdge && !lastEdge && lw == strings.ToUpper(w) {
		// No case to fold (Hangul, digits) and no edge to find: LIKE is exact.
		return col + ` LIKE ? ESCAPE '\'`, []any{"%" + likeEscaper.Replace(w) + "%"}
	}
	if !globSafe(w) {
		// Checked before lowering: İ lowers to ASCII in Go, not in SQLite.
		return "gleaner_word(" + col + ", ?)", []any{w}
	}
	like := col + ` LIKE ? ESCAPE '\'`
	args := []any{"%" + likeEscaper.Replace(lw) + "%"}
	if !firstEdge && !lastEdge {
		return like, args
	}
	padded := "(' ' || lower(" + col + ") || ' ') GLOB ?"
	pre := "*"
	if firstEdge {
		pre = "*" + notLatin
	}
	if !lastEdge {
		return "(" + like + " AND " + padded + ")", append(args, pre+lw+"*")
	}
	var ors []string
	for _, suffix := range wordSuffixes {
		ors = append(ors, padded)
		args = append(args, pre+lw+suffix+notLatin+"*")
	}
	return "(" + like + " AND (" + strings.Join(ors, " OR ") + "))", args
}

// notLatin is a GLOB set of one character that latin refuses: not an ASCII
// letter or digit, nor a Latin letter (é, ß, ñ, ő, Ə), in either case, since
// lower() leaves those as they are.
var notLatin = func() string {
	var b strings.Builder
	b.WriteString("[^")
	for r := rune(0); r <= 0xFFFF; r++ { // no letter beyond has a case below U+0250
		if !latin(r) {
			continue
		}
		start := r
		for r+1 <= 0xFFFF && latin(r+1) {
			r++
		}
		b.WriteRune(start)
		if r > start {
			b.WriteByte('-')
			b.WriteRune(r)
		}
	}
	b.WriteByte(']')
	return b.String()
}()

// wordSuffixes are the endings an English word may take and still be the
// word searched for: plural and possessive (see wordEnds).
var wordSuffixes = []string{"", "s", "es", "'s", "\u2019s"}

// globSafe reports whether w can stand in a GLOB pattern as it is, and is
// lowered by SQLite's lower() as by strings.ToLower: ASCII, without GLOB's
// special characters.
func globSafe(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= 0x80 || c == '*' || c == '?' || c == '[' || c == ']' {
			return false
		}
	}
	return true
}

// likeEscaper escapes LIKE's wildcards and its escape character.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
