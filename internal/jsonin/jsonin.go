// Package jsonin reads the record files gleaner's commands take (gleaner classify, eval
// and eval-stories): JSON lines, or one JSON array however it is laid out over lines, either
// after a byte-order mark, as some editors write one.
package jsonin

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Each calls f with every record of r, in order: each non-blank line, trimmed, of JSON
// lines; or, when the first character past white space is "[", each element of that one
// array, as written. where names the record for messages ("line 3", "item 2 of the JSON
// array"); array tells the form. An error from f stops the reading and is returned as it
// is; so are a line longer than maxLine and an array that is broken or not closed, with
// their place. An element of the array longer than maxLine is refused as a line is.
func Each(r io.Reader, maxLine int, f func(data []byte, where string, array bool) error) error {
	br := bufio.NewReaderSize(r, 64*1024)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	if b, _ := br.Peek(4096); bytes.HasPrefix(bytes.TrimLeft(b, " \t\r\n"), []byte("[")) {
		return eachElement(br, maxLine, f)
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 64*1024), maxLine)
	n := 1
	for ; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if err := f(line, fmt.Sprintf("line %d", n), false); err != nil {
			return err
		}
	}
	if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
		return fmt.Errorf("line %d: %s", n, tooLong(maxLine))
	} else if err != nil {
		return fmt.Errorf("read: line %d: %w", n, err)
	}
	return nil
}

// tooLong says that a record is longer than max bytes.
func tooLong(max int) string {
	if max >= 1<<20 && max%(1<<20) == 0 {
		return fmt.Sprintf("longer than %d MiB, the most a record may be", max>>20)
	}
	return fmt.Sprintf("longer than %d bytes, the most a record may be", max)
}

// errTooLong is what boundedReader returns past its limit.
var errTooLong = errors.New("record too long")

// boundedReader reads from r, failing once more than limit bytes were read
// since the last mark: what the JSON decoder reads for one element of an array
// (and what it reads ahead, a buffer's worth at most).
type boundedReader struct {
	r        io.Reader
	n, limit int
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.n > b.limit {
		return 0, errTooLong
	}
	n, err := b.r.Read(p)
	b.n += n
	return n, err
}

func eachElement(r io.Reader, maxLine int, f func(data []byte, where string, array bool) error) error {
	// Room for the decoder's read-ahead beyond the element itself.
	br := &boundedReader{r: r, limit: maxLine + 64*1024}
	dec := json.NewDecoder(br)
	if _, err := dec.Token(); err != nil { // the "["
		return fmt.Errorf("read: %w", err)
	}
	for n := 1; dec.More(); n++ {
		where := fmt.Sprintf("item %d of the JSON array", n)
		br.n = 0
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, errTooLong) || err == nil && len(raw) > maxLine {
			return fmt.Errorf("%s: %s", where, tooLong(maxLine))
		}
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		if err := f(raw, where, true); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the "]"
		return fmt.Errorf("read: the JSON array is not closed: %w", err)
	}
	return nil
}
