package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/gleaner/gleaner/publish"
)

// floorResult is what the floor program did and cost.
type floorResult struct {
	Seconds float64
	CPU     float64 // seconds of CPU time used
	Feeds   int
	Items   int
	Bytes   int64
	Errors  int
	PeakRSS int64
}

// runFloor is the floor: fetch every URL with net/http at the given
// concurrency and parse each body with gofeed, nothing else.
func runFloor(urls []string, concurrency int) floorResult {
	client := &http.Client{Timeout: 30 * time.Second}
	jobs := make(chan string)
	var mu sync.Mutex
	res := floorResult{Feeds: len(urls)}
	var wg sync.WaitGroup
	start, cpu0 := time.Now(), cpuTime()
	for range concurrency {
		wg.Go(func() {
			p := gofeed.NewParser()
			for u := range jobs {
				items, n, err := floorOne(client, p, u)
				mu.Lock()
				res.Items += items
				res.Bytes += n
				if err != nil {
					res.Errors++
				}
				mu.Unlock()
			}
		})
	}
	for _, u := range urls {
		jobs <- u
	}
	close(jobs)
	wg.Wait()
	res.Seconds = time.Since(start).Seconds()
	res.CPU = (cpuTime() - cpu0).Seconds()
	res.PeakRSS = peakRSS()
	return res
}

func floorOne(client *http.Client, p *gofeed.Parser, u string) (int, int64, error) {
	resp, err := client.Get(u)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, 0, err
	}
	f, err := p.Parse(bytes.NewReader(body))
	if err != nil {
		return 0, int64(len(body)), err
	}
	return len(f.Items), int64(len(body)), nil
}

// childMain runs one child mode; the parent talks to it over stdin and stdout.
func childMain(mode string, args childArgs) error {
	ctx := context.Background()
	switch mode {
	case "floor":
		urls, err := readLines(args.urls)
		if err != nil {
			return err
		}
		answer(runFloor(urls, args.concurrency))
		return nil
	case "gleaner":
		return gleanerChild(ctx, args)
	case "serve":
		return serveChild(ctx, args)
	case "scale":
		return scaleChild(ctx, args)
	case "daemon":
		return daemonChild(ctx, args)
	}
	return fmt.Errorf("unknown child mode %q", mode)
}

// gleanerChild runs gleaner's pipeline in this process, one round per command
// ("cold", "warm", "changed", any name) until stdin closes.
func gleanerChild(ctx context.Context, args childArgs) error {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	p, err := openPipeline(ctx, args.config, log)
	if err != nil {
		return err
	}
	defer p.Close()
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		name := strings.TrimSpace(sc.Text())
		if name == "stories" {
			st, err := p.stories(ctx)
			if err != nil {
				return err
			}
			answer(st)
			continue
		}
		var stop func()
		if args.profile != "" {
			stop, err = startProfile(args.profile, name)
			if err != nil {
				return err
			}
		}
		r := p.round(ctx, name)
		if stop != nil {
			stop()
		}
		answer(r)
	}
	return sc.Err()
}

// startProfile starts a CPU profile of one round in dir; the returned stop
// ends it and writes a heap profile beside it.
func startProfile(dir, name string) (func(), error) {
	f, err := os.Create(fmt.Sprintf("%s/%s.cpu.pprof", dir, name))
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
		if h, err := os.Create(fmt.Sprintf("%s/%s.heap.pprof", dir, name)); err == nil {
			pprof.Lookup("allocs").WriteTo(h, 0)
			h.Close()
		}
	}, nil
}

// serveInfo tells the parent where the serving child listens.
type serveInfo struct {
	Gleaner, Plain string // base URLs
	ETag           string
	Bytes          int
	Entries        int
}

// serveChild serves the curated feed of the database the config names, as
// `gleaner run` does (its mux, publish.NewServer, the publish cache), and the
// same Atom bytes from a plain net/http handler, until stdin closes.
func serveChild(ctx context.Context, args childArgs) error {
	p, err := openPipeline(ctx, args.config, nil)
	if err != nil {
		return err
	}
	defer p.Close()
	p.Refresh(ctx)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("/", p.Publish)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/feed.atom", nil))
	if rec.Code != 200 {
		return fmt.Errorf("serve: /feed.atom answered %d", rec.Code)
	}
	atom, ctype := rec.Body.Bytes(), rec.Header().Get("Content-Type")
	entries := bytes.Count(atom, []byte("</entry>"))
	plain := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", ctype)
		w.Write(atom)
	})
	gln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	pln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	gs := publish.NewServer("", mux)
	ps := &http.Server{Handler: plain}
	go gs.Serve(gln)
	go ps.Serve(pln)
	answer(serveInfo{Gleaner: "http://" + gln.Addr().String(), Plain: "http://" + pln.Addr().String(),
		ETag: rec.Header().Get("ETag"), Bytes: len(atom), Entries: entries})
	io.Copy(io.Discard, os.Stdin)
	return errors.Join(gs.Close(), ps.Close())
}

// scaleResult is what filling a database and rebuilding its curated feed cost.
type scaleResult struct {
	Items, Curated   int64
	Stories, Visible int64
	FillSeconds      float64
	DBBytes          int64
	// Rebuild is store.Curated (100 entries) plus rendering every format, as
	// after a round that changed the curated set; Curated is the query alone.
	RebuildMedian, RebuildMax, CuratedMedian float64 // seconds
	Entries                                  int
}

func readLines(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(b)), nil
}
