// Command plain is the floor and the plain server of bench/independent.sh, kept
// apart from cmd/gleaner-bench so that the independent reproduction of
// BENCHMARKS.md shares no code with the harness it checks: it imports only
// net/http and gofeed.
//
//	plain floor [-c 8] URLFILE   fetch every URL (one per line) and parse it with gofeed
//	plain serve FILE ADDR        serve FILE's bytes at every path with net/http
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/mmcdole/gofeed"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: plain floor [-c N] URLFILE | plain serve FILE ADDR")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "floor":
		err = floor(os.Args[2:])
	case "serve":
		err = serve(os.Args[2:])
	default:
		err = fmt.Errorf("unknown mode %q (floor or serve)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "plain:", err)
		os.Exit(1)
	}
}

// floor is what any program that reads these feeds must do at least: fetch each
// with net/http (gzip as the transport negotiates it) and parse it with
// gofeed's default parser, c at a time. It prints one line: feeds, items, wall
// and CPU seconds, and its peak RSS.
func floor(args []string) error {
	fs := flag.NewFlagSet("floor", flag.ContinueOnError)
	c := fs.Int("c", 8, "fetches in flight")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("floor needs one URL file")
	}
	urls, err := readLines(fs.Arg(0))
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 30 * time.Second}
	jobs := make(chan string)
	var items, failed atomic.Int64
	var wg sync.WaitGroup
	start, cpu0 := time.Now(), cpuTime()
	for range *c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := gofeed.NewParser()
			for u := range jobs {
				n, err := fetchParse(client, p, u)
				if err != nil {
					failed.Add(1)
					fmt.Fprintf(os.Stderr, "plain: %s: %v\n", u, err)
					continue
				}
				items.Add(int64(n))
			}
		}()
	}
	for _, u := range urls {
		jobs <- u
	}
	close(jobs)
	wg.Wait()
	wall, cpu := time.Since(start), cpuTime()-cpu0
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("floor: %d feeds (%d failed), %d items, wall %.2f s, CPU %.2f s, peak RSS %d MB\n",
		len(urls), failed.Load(), items.Load(), wall.Seconds(), cpu.Seconds(), ru.Maxrss/1024)
	if failed.Load() > 0 {
		return fmt.Errorf("%d feeds failed", failed.Load())
	}
	return nil
}

func fetchParse(client *http.Client, p *gofeed.Parser, u string) (int, error) {
	resp, err := client.Get(u)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("status %s", resp.Status)
	}
	f, err := p.Parse(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return 0, err
	}
	return len(f.Items), nil
}

// serve answers every request with FILE's bytes, as a plain static handler would.
func serve(args []string) error {
	if len(args) != 2 {
		return errors.New("serve needs FILE and ADDR")
	}
	body, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		w.Write(body)
	})
	srv := &http.Server{Addr: args[1], Handler: h, ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: time.Minute}
	fmt.Printf("serving %s (%d bytes) on %s\n", args[0], len(body), args[1])
	return srv.ListenAndServe()
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out, sc.Err()
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
