package config

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/gleaner/gleaner/internal/redact"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/gleaner/gleaner/aggregate/sanitize"
)

// This file edits a config file as text, for `gleaner sources add|remove|import`:
// a decoded-and-re-encoded file would lose its comments, its order and its
// layout. Only the [[source]] blocks concerned change; every other byte stays.
// Callers validate the result with Parse before writing it with WriteFile.

// ErrNoSuchSource is returned when a source to remove is not in the file.
var ErrNoSuchSource = errors.New("config: no such source")

// ErrNotEditable is returned when a source is written in a form the editor does
// not rewrite (an inline array instead of a [[source]] block).
var ErrNotEditable = errors.New("config: source not editable")

// SameURL reports whether two source URLs name the same feed, compared as
// validation compares them for duplicates (scheme and host case, default port,
// empty path and fragment do not count).
func SameURL(a, b string) bool { return URLKey(a) == URLKey(b) }

// URLKey is the form in which SameURL compares a source URL: URLs that name the
// same feed have the same key, so that a map finds duplicates among many.
func URLKey(raw string) string { return normalURL(raw) }

// FeedKey is URLKey without the scheme: one feed over http and over https
// (check's warning) has one key, for the edits that add sources.
func FeedKey(raw string) string {
	k := URLKey(raw)
	if _, rest, ok := strings.Cut(k, "://"); ok && (strings.HasPrefix(k, "http://") || strings.HasPrefix(k, "https://")) {
		return rest
	}
	return k
}

// CheckSourceURL returns why raw cannot be a source's url, or nil.
func CheckSourceURL(raw string) error {
	if strings.TrimSpace(raw) == "" {
		return errors.New("empty URL")
	}
	if msg := checkHTTPURL(raw); msg != "" {
		return errors.New(msg)
	}
	if redactedURL(raw) {
		return errors.New(redactedMsg)
	}
	return nil
}

const redactedMsg = "REDACTED stands where a secret was (a list written without -show-secrets): give the URL with its secret"

// redactedURL reports whether raw carries redact.Placeholder in place of its user
// information or of a query value, as gleaner's own listings print URLs
// without -show-secrets.
func redactedURL(raw string) bool {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return false
	}
	if u.User != nil {
		if p, _ := u.User.Password(); u.User.Username() == redact.Placeholder || p == redact.Placeholder {
			return true
		}
	}
	for _, vs := range u.Query() {
		if slices.Contains(vs, redact.Placeholder) {
			return true
		}
	}
	return false
}

// AppendSources returns data with one [[source]] block per element of src
// appended, each after a blank line, in the file's own line ending. Name,
// Timezone and Interval are written only when set; a name is written as a plain
// line (sanitize.Line: no control or bidi-override characters), as the names
// of feeds are published.
func AppendSources(data []byte, src []Source) []byte {
	nl := "\n"
	if bytes.Contains(data, []byte("\r\n")) {
		nl = "\r\n"
	}
	out := append([]byte(nil), data...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, nl...)
	}
	for _, s := range src {
		var b strings.Builder
		if len(out) > 0 {
			b.WriteString(nl)
		}
		b.WriteString("[[source]]" + nl)
		if name := sanitize.Line(s.Name); name != "" {
			b.WriteString("name = " + quoteTOML(name) + nl)
		}
		b.WriteString("url = " + quoteTOML(s.URL) + nl)
		if s.Interval.D() > 0 {
			b.WriteString("interval = " + quoteTOML(s.Interval.String()) + nl)
		}
		if s.Timezone != "" {
			b.WriteString("timezone = " + quoteTOML(s.Timezone) + nl)
		}
		out = append(out, b.String()...)
	}
	return out
}

// quoteTOML writes s as a TOML basic string.
func quoteTOML(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		case utf8.RuneError:
			b.WriteString(`\uFFFD`)
		default:
			if r < 0x20 || r == 0x7f {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// CheckEditable returns an error that is ErrNotEditable when the sources of
// the config file data (read from path) are not written as [[source]] blocks,
// the only form AppendSources and RemoveSource edit: an inline array
// (source = [{url = "..."}]) is said so, with its sources written as blocks to
// put in its place.
func CheckEditable(path string, data []byte) error {
	_, sourceHeaders, err := tableHeaders(data)
	if err != nil {
		return err
	}
	var decoded struct {
		Source []map[string]any `toml:"source"`
	}
	if err := toml.Unmarshal(data, &decoded); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if len(sourceHeaders) == len(decoded.Source) {
		return nil
	}
	return &notEditableError{path: path, sources: decoded.Source}
}

// notEditableError is CheckEditable's error.
type notEditableError struct {
	path    string
	sources []map[string]any // as written
}

// shownBlocks bounds the sources notEditableError writes out as blocks.
const shownBlocks = 3

func (e *notEditableError) Error() string {
	shown := e.sources[:min(len(e.sources), shownBlocks)]
	blocks, err := toml.Marshal(map[string]any{"source": shown})
	if err != nil {
		blocks = []byte("[[source]]\nurl = \"...\"\n")
	}
	more := ""
	if n := len(e.sources) - len(shown); n > 0 {
		more = fmt.Sprintf("\n# ... and %d more, each a [[source]] block like these", n)
	}
	return fmt.Sprintf("%s writes its sources otherwise than as [[source]] blocks (an inline array source = [...], "+
		"a [source] table or source.url keys), which gleaner sources add, remove and import cannot edit; they edit "+
		"[[source]] blocks only. Write one block per source instead, then run the command again:\n\n%s%s",
		e.path, strings.TrimRight(string(blocks), "\n"), more)
}

func (e *notEditableError) Is(target error) bool { return target == ErrNotEditable }

// RemoveSource returns data without the lines of the i-th [[source]] block
// (0-based, in file order, as Config.Sources is): from its header to its last
// line that is not blank or a comment. Comments and blank lines after it are
// left to what follows; one blank line that separated it from its neighbours
// goes with it.
func RemoveSource(data []byte, i int) ([]byte, error) {
	headers, sourceHeaders, err := tableHeaders(data)
	if err != nil {
		return nil, err
	}
	var decoded struct {
		Source []map[string]any `toml:"source"`
	}
	if err := toml.Unmarshal(data, &decoded); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if i < 0 || i >= len(decoded.Source) {
		return nil, fmt.Errorf("%w: source %d", ErrNoSuchSource, i+1)
	}
	if len(sourceHeaders) != len(decoded.Source) {
		return nil, fmt.Errorf("%w: source %d is not written as a [[source]] block; edit the file by hand", ErrNotEditable, i+1)
	}
	lines := splitLines(data)
	start := sourceHeaders[i] - 1 // 0-based line index
	end := len(lines)             // exclusive
	for _, h := range headers {
		if h > sourceHeaders[i] {
			end = h - 1
			break
		}
	}
	for end > start+1 && isBlankOrComment(lines[end-1]) {
		end--
	}
	out := append([][]byte(nil), lines[:start]...)
	rest := lines[end:]
	if start > 0 && isBlank(lines[start-1]) && (len(rest) == 0 || isBlank(rest[0])) {
		out = out[:len(out)-1]
	}
	out = append(out, rest...)
	return bytes.Join(out, nil), nil
}

// tableHeaders returns the 1-based line of every table and array-of-tables
// header, in order, and those of the top-level [[source]] blocks.
func tableHeaders(data []byte) (all, sources []int, err error) {
	var p unstable.Parser
	p.Reset(data)
	lines := newLineIndex(data)
	for p.NextExpression() {
		e := p.Expression()
		if e.Kind != unstable.Table && e.Kind != unstable.ArrayTable {
			continue
		}
		it := e.Key()
		var parts []string
		line := 0
		for it.Next() {
			n := it.Node()
			if line == 0 {
				line = lines.at(n.Raw).Line
			}
			parts = append(parts, string(n.Data))
		}
		all = append(all, line)
		if e.Kind == unstable.ArrayTable && len(parts) == 1 && parts[0] == "source" {
			sources = append(sources, line)
		}
	}
	if err := p.Error(); err != nil {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	return all, sources, nil
}

// splitLines splits data after each '\n', keeping the line endings, so that
// joining the lines gives data back.
func splitLines(data []byte) [][]byte {
	var out [][]byte
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			out = append(out, data)
			break
		}
		out = append(out, data[:i+1])
		data = data[i+1:]
	}
	return out
}

func isBlank(line []byte) bool { return len(bytes.TrimSpace(line)) == 0 }

func isBlankOrComment(line []byte) bool {
	t := bytes.TrimSpace(line)
	return len(t) == 0 || t[0] == '#'
}

// WriteFile replaces the file at path with data atomically: data goes to a
// temporary file in the same directory, which is synced and renamed over the
// file, so that a reader (the daemon's watcher) sees the old file or the new
// one, never half of one. The file's mode and, where permitted, its owner are
// kept. A symbolic link is followed, and its target replaced.
func WriteFile(path string, data []byte) (err error) {
	target := path
	if resolved, rerr := filepath.EvalSymlinks(path); rerr == nil {
		target = resolved
	} else if !errors.Is(rerr, fs.ErrNotExist) {
		return fmt.Errorf("config: write %s: %w", path, rerr)
	}
	mode := fs.FileMode(0o644)
	uid, gid := -1, -1
	if fi, serr := os.Stat(target); serr == nil {
		mode = fi.Mode().Perm()
		uid, gid = fileOwner(fi)
	}
	dir := filepath.Dir(target)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return fmt.Errorf("config: write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("config: write %s: %w", path, err)
	}
	if err = tmp.Chmod(mode); err != nil {
		return fmt.Errorf("config: write %s: %w", path, err)
	}
	if uid >= 0 {
		tmp.Chown(uid, gid) // only root may give a file away; otherwise it is ours already
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("config: write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("config: write %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), target); err != nil {
		return fmt.Errorf("config: write %s: %w", path, err)
	}
	// The rename is durable once the directory is synced.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
