package app

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// /healthz, /readyz and /metrics answer, like the feed's pages, with nosniff:
// a browser must not read their text as HTML.
func TestOperatorEndpointsAreNotSniffed(t *testing.T) {
	h := getOnly(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "<b>ok</b>") })
	for _, method := range []string{"GET", "POST"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, "/healthz", nil))
		if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", method, got)
		}
	}
}
