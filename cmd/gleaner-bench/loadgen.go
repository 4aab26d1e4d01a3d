package main

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// loadResult is one load generator run against one URL.
type loadResult struct {
	RPS    float64
	Status int   // the status every response had
	Bytes  int64 // body bytes of one response
}

// load sends GET url with hdr from conns keep-alive connections for warmup and
// then d, and counts the responses completed during d. Bodies are read in full
// and not decompressed (no Accept-Encoding unless hdr asks).
func load(url string, hdr http.Header, conns int, warmup, d time.Duration) (loadResult, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var (
		counting, stop atomic.Bool
		done           atomic.Int64
		mu             sync.Mutex
		res            loadResult
		firstErr       error
		wg             sync.WaitGroup
	)
	for range conns {
		wg.Go(func() {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header = hdr.Clone()
			for !stop.Load() {
				resp, err := client.Do(req)
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					stop.Store(true)
					return
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				switch {
				case err != nil:
					firstErr = err
				case res.Status == 0:
					res.Status, res.Bytes = resp.StatusCode, n
				case res.Status != resp.StatusCode || res.Bytes != n:
					firstErr = fmt.Errorf("%s: got %d with %d bytes, then %d with %d", url, res.Status, res.Bytes, resp.StatusCode, n)
				}
				mu.Unlock()
				if counting.Load() {
					done.Add(1)
				}
			}
		})
	}
	time.Sleep(warmup)
	counting.Store(true)
	start := time.Now()
	time.Sleep(d)
	counting.Store(false)
	elapsed := time.Since(start)
	stop.Store(true)
	wg.Wait()
	res.RPS = float64(done.Load()) / elapsed.Seconds()
	return res, firstErr
}
