package term

import (
	"io"
	"strings"

	"github.com/mattn/go-runewidth"

	"github.com/gleaner/gleaner/aggregate/sanitize"
)

// Table lays out rows of cells in columns for a terminal. Unlike
// text/tabwriter, which counts each rune as one column, it measures cells as a
// terminal draws them (go-runewidth): Hangul, CJK and other East Asian wide
// characters take two columns, combining marks none, so Korean rows line up.
type Table struct {
	indent string // before every row
	gap    int    // spaces between columns
	rows   [][]string
}

// NewTable returns an empty table: indent before every row, gap spaces
// between columns.
func NewTable(indent string, gap int) *Table { return &Table{indent: indent, gap: gap} }

// Row adds one row; a row may have fewer cells than others. Cells are shown
// as plain lines (sanitize.Line): a name or an error from a config or a feed
// can carry escape sequences and bidi overrides that would act on the terminal.
func (t *Table) Row(cells ...string) {
	for i, c := range cells {
		cells[i] = sanitize.Line(c)
	}
	t.rows = append(t.rows, cells)
}

// Print writes the rows, each cell but the last of its row padded to its
// column's width; no row ends in spaces.
func (t *Table) Print(w io.Writer) error {
	var widths []int
	for _, r := range t.rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], runewidth.StringWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		b.WriteString(t.indent)
		last := len(r) - 1
		for last >= 0 && r[last] == "" {
			last--
		}
		for i, c := range r[:last+1] {
			b.WriteString(c)
			if i < last {
				b.WriteString(strings.Repeat(" ", widths[i]-runewidth.StringWidth(c)+t.gap))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}
