package story

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gleaner/gleaner/aggregate/dates"
	"github.com/gleaner/gleaner/aggregate/topic"
)

// labeledAliases are the other names a labelled item's fields are read from, in order
// of preference after the field's own name: those of news sets, feeds and clustering
// tools.
var labeledAliases = map[string][]string{
	"id":        {"guid", "item_id", "uid"},
	"group":     {"story", "story_id", "event", "event_id", "cluster", "cluster_id"},
	"lang":      {"language"},
	"source":    {"outlet", "publisher", "site", "feed", "source_name"},
	"title":     {"headline"},
	"summary":   {"lead", "description", "abstract", "excerpt"},
	"published": {"published_at", "publishedAt", "pubDate", "pub_date", "date", "datetime", "time", "timestamp"},
	"url":       {"link", "href"},
	"near":      {"near_miss", "near_miss_of"},
}

// kst is the zone of a Korean item's date written without one.
var kst = time.FixedZone("KST", 9*3600)

// readLabeledItem reads one labelled item, a JSON object.
func readLabeledItem(data []byte) (Labeled, error) {
	var it Labeled
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&fields); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return it, errors.New("not a JSON object")
		}
		return it, fmt.Errorf("not valid JSON: %w", err)
	}
	if dec.More() {
		return it, errors.New("more than one JSON value")
	}
	used := map[string]bool{}
	// raw returns the first present, non-null field of name and its aliases.
	raw := func(name string) (string, json.RawMessage) {
		for _, k := range append([]string{name}, labeledAliases[name]...) {
			if v, ok := fields[k]; ok && string(v) != "null" {
				used[k] = true
				return k, v
			}
		}
		return "", nil
	}
	text := func(name string, to *string, numbers bool) error {
		k, v := raw(name)
		if v == nil {
			return nil
		}
		if json.Unmarshal(v, to) == nil {
			*to = strings.TrimSpace(*to)
			return nil
		}
		var n json.Number
		if numbers && json.Unmarshal(v, &n) == nil {
			*to = n.String()
			return nil
		}
		if numbers {
			return fmt.Errorf("field %q: want a string or a number", k)
		}
		return fmt.Errorf("field %q: want a string", k)
	}
	for _, f := range []struct {
		name    string
		to      *string
		numbers bool
	}{
		{"id", &it.ID, true}, {"group", &it.Group, true}, {"lang", &it.Lang, false},
		{"source", &it.Source, false}, {"title", &it.Title, false}, {"summary", &it.Summary, false},
		{"url", &it.URL, false}, {"near", &it.Near, true},
	} {
		if err := text(f.name, f.to, f.numbers); err != nil {
			return it, err
		}
	}
	if v, ok := fields["date_guess"]; ok && string(v) != "null" {
		used["date_guess"] = true
		if err := json.Unmarshal(v, &it.DateGuess); err != nil {
			return it, errors.New(`field "date_guess": want true or false`)
		}
	}
	if it.Lang == "" {
		it.Lang = topic.DetectLang(it.Title + " " + it.Summary)
	}
	if k, v := raw("published"); v != nil {
		t, err := readPublished(v, it.Lang)
		if err != nil {
			return it, fmt.Errorf("id %q: field %q: %w", it.ID, k, err)
		}
		it.Published = t
	}
	var missing string
	switch {
	case it.ID == "":
		missing = "missing id"
	case it.Group == "":
		missing = fmt.Sprintf("id %q: missing group", it.ID)
	case it.Published.IsZero():
		missing = fmt.Sprintf("id %q: missing published", it.ID)
	case it.Title == "" && it.Summary == "":
		missing = fmt.Sprintf("id %q: no title or summary", it.ID)
	default:
		return it, nil
	}
	// A misspelled field is the likeliest reason: name the fields not read.
	var unread []string
	for k := range fields {
		if !used[k] {
			unread = append(unread, strconv.Quote(k))
		}
	}
	if len(unread) > 0 {
		slices.Sort(unread)
		missing += "; fields not read: " + strings.Join(unread, ", ")
	}
	return it, errors.New(missing)
}

// readPublished reads a publication time: a date string in any form a feed writes, or
// Unix seconds (milliseconds when it is too large for seconds).
func readPublished(v json.RawMessage, lang string) (time.Time, error) {
	var f float64
	if json.Unmarshal(v, &f) == nil {
		if f > 1e11 {
			f /= 1000
		}
		if f <= 0 || f > 1e11 {
			return time.Time{}, fmt.Errorf("%s is not a Unix time", v)
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return time.Time{}, errors.New("want a date string or Unix seconds")
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	loc := time.UTC
	if lang == "ko" {
		loc = kst
	}
	if t, _, ok := dates.Parse(s, loc); ok {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is not a date gleaner reads (write RFC 3339, e.g. 2025-03-10T10:00:00+09:00)", s)
}
