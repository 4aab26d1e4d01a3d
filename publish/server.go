package publish

import (
	"net/http"
	"time"
)

// NewServer returns an *http.Server for h with every timeout set and a cap on
// request headers: the feed is public, and a server without them can be held open
// by slow or oversized requests.
func NewServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		// Long enough for a phone on a slow link to take a 500-entry feed.
		WriteTimeout:   60 * time.Second,
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 32 << 10,
	}
}
