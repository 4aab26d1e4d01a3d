// Package jsonin reads the record files gleaner's commands take (gleaner classify, eval
// and eval-stories): JSON lines, or one JSON array however it is laid out over lines, either
// after a byte-order mark, as some editors write one.
package jsonin

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Each calls f with every record of r, in order: each non-blank line, trimmed, of JSON
// lines; or, when the first character past white space is "[", each element of that one
// array, as written. where names the record for messages ("line 3", "item 2 of the JSON
// array"); array tells the form. An error from f stops the reading and is returned as it
// is; so are a line longer than maxLine and an array that is broken or not closed, with
// their place.
func Each(r io.Reader, maxLine int, f func(data []byte, where string, array bool) error) error {
	br := bufio.NewReaderSize(r, 64*1024)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	if b, _ := br.Peek(4096); bytes.HasPrefix(bytes.TrimLeft(b, " \t\r\n"), []byte("[")) {
		return eachElement(br, f)
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 64*1024), maxLine)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if err := f(line, fmt.Sprintf("line %d", n), false); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	return nil
}

func eachElement(r io.Reader, f func(data []byte, where string, array bool) error) error {
	dec := json.NewDecoder(r)
	if _, err := dec.Token(); err != nil { // the "["
		return fmt.Errorf("read: %w", err)
	}
	for n := 1; dec.More(); n++ {
		where := fmt.Sprintf("item %d of the JSON array", n)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
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
