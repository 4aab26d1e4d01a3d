package dates

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/parse.golden with what Parse returns now")

// TestParseGolden guards every result of Parse, to the zone's name and
// offset, on the date strings of the shared corpus's feeds (up to three of
// each shape) and on written variants of each form it reads:
// testdata/parse.golden holds each string, a tab, and what Parse returned when
// the file was written (go test -update rewrites the results).
func TestParseGolden(t *testing.T) {
	path := filepath.Join("testdata", "parse.golden")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(data))
	n := 0
	for sc.Scan() {
		in, want, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			t.Fatalf("%s:%d: no tab", path, n+1)
		}
		n++
		got := describe(Parse(in, seoul))
		fmt.Fprintf(&out, "%s\t%s\n", in, got)
		if !*update && got != want {
			t.Errorf("Parse(%q) = %s, want %s", in, got, want)
		}
	}
	if *update {
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if n < 400 {
		t.Errorf("only %d strings in %s", n, path)
	}
}

// describe writes a result of Parse with everything a caller could observe.
func describe(tm time.Time, hasZone, ok bool) string {
	if !ok {
		return "not read"
	}
	name, off := tm.Zone()
	return fmt.Sprintf("%s zone=%q offset=%d location=%q hasZone=%v",
		tm.Format("2006-01-02T15:04:05.999999999"), name, off, tm.Location().String(), hasZone)
}

// TestParseConcurrently parses the golden file's strings from several
// goroutines at once, as the poller's workers do, and expects what one
// goroutine gets, from an empty zone cache (make race checks its locking).
func TestParseConcurrently(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "parse.golden"))
	if err != nil {
		t.Fatal(err)
	}
	var inputs, want []string
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		in, _, _ := strings.Cut(line, "\t")
		inputs = append(inputs, in)
		want = append(want, describe(Parse(in, time.UTC)))
	}
	zones.Lock()
	zones.m = nil // the goroutines fill the cache as they go
	zones.Unlock()
	errs := make(chan string, 4*len(inputs))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range inputs {
				j := (i + g*len(inputs)/4) % len(inputs) // each goroutine starts elsewhere
				if got := describe(Parse(inputs[j], time.UTC)); got != want[j] {
					errs <- fmt.Sprintf("Parse(%q) = %s, want %s", inputs[j], got, want[j])
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
