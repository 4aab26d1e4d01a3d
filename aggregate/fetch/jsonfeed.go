package fetch

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	jsonfeed "github.com/mmcdole/gofeed/json"
)

// conformJSONFeed rewrites a JSON Feed that gofeed rejected for a field of the
// wrong type (a real feed in the corpus sends "tags": "one tag" instead of an
// array) into one that has every field gofeed knows in the type gofeed expects:
// scalars become strings or numbers where they can, a lone value becomes a
// one-element array, and what cannot be made to fit is dropped. One sloppy field
// then costs that field, not the whole feed. It returns false when body is not a
// JSON object.
func conformJSONFeed(body []byte) ([]byte, bool) {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	if _, ok := v.(map[string]any); !ok {
		return nil, false
	}
	fixed, ok := conform(v, reflect.TypeFor[jsonfeed.Feed]())
	if !ok {
		return nil, false
	}
	out, err := json.Marshal(fixed)
	if err != nil {
		return nil, false
	}
	return out, true
}

// conform returns v made to fit Go type t as encoding/json decodes it, and false
// when it cannot fit.
func conform(v any, t reflect.Type) (any, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return nil, true
	}
	switch t.Kind() {
	case reflect.String:
		switch x := v.(type) {
		case string:
			return x, true
		case json.Number:
			return x.String(), true
		case bool:
			return strconv.FormatBool(x), true
		}
		return nil, false
	case reflect.Bool:
		switch x := v.(type) {
		case bool:
			return x, true
		case string:
			b, err := strconv.ParseBool(strings.TrimSpace(x))
			return b, err == nil
		}
		return nil, false
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		var s string
		switch x := v.(type) {
		case json.Number:
			s = x.String()
		case string:
			s = strings.TrimSpace(x)
		default:
			return nil, false
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return json.Number(strconv.FormatInt(int64(f), 10)), true
		}
		return nil, false
	case reflect.Float32, reflect.Float64:
		switch x := v.(type) {
		case json.Number:
			return x, true
		case string:
			if _, err := strconv.ParseFloat(strings.TrimSpace(x), 64); err == nil {
				return json.Number(strings.TrimSpace(x)), true
			}
		}
		return nil, false
	case reflect.Slice:
		arr, ok := v.([]any)
		if !ok {
			arr = []any{v}
		}
		out := make([]any, 0, len(arr))
		for _, e := range arr {
			if c, ok := conform(e, t.Elem()); ok && c != nil {
				out = append(out, c)
			}
		}
		return out, true
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			val, present := m[name]
			if !present {
				continue
			}
			if c, ok := conform(val, f.Type); ok {
				m[name] = c
			} else {
				delete(m, name)
			}
		}
		return m, true
	}
	return v, true
}
