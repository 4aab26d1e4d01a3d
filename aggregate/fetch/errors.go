package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"
)

// Kind classifies a failed poll in words fit for a metric label.
type Kind string

// The kinds of failure. Every kind but KindGone is transient: the source is
// polled again after a backoff.
const (
	KindTimeout     Kind = "timeout"      // the whole-request deadline passed, or a dial or read timed out
	KindDNS         Kind = "dns"          // the host name did not resolve
	KindConnect     Kind = "connect"      // the connection was refused, reset, or closed before the answer ended
	KindTLS         Kind = "tls"          // handshake or certificate failure
	KindHTTP4xx     Kind = "http_4xx"     // a 4xx status without a kind of its own
	KindHTTP5xx     Kind = "http_5xx"     // a 5xx status without a kind of its own
	KindRateLimited Kind = "rate_limited" // 429
	KindUnavailable Kind = "unavailable"  // 503
	KindGone        Kind = "gone"         // 410: stop polling
	KindNotFound    Kind = "not_found"    // 404
	KindTooLarge    Kind = "too_large"    // body over Options.MaxBody after decompression
	KindRedirect    Kind = "redirect"     // too many redirects, a loop, a bad Location
	KindNotFeed     Kind = "not_feed"     // an HTML page or a document of an unknown format
	KindEmpty       Kind = "empty"        // no body at all
	KindParse       Kind = "parse"        // a feed that gofeed could not read: malformed or truncated
	KindDecode      Kind = "decode"       // the body could not be decoded (gzip, charset)
	KindDenied      Kind = "denied"       // the address is one AddressPolicy refuses (link-local, metadata, private)
	KindCanceled    Kind = "canceled"     // the caller's context was cancelled, as at shutdown
	KindOther       Kind = "other"
)

// Transient reports whether a later poll may succeed; only a 410 says it will not.
func (k Kind) Transient() bool { return k != KindGone }

// Error is a failed poll or parse, classified so that the caller can schedule
// and count it.
type Error struct {
	Kind       Kind
	Status     int           // HTTP status, 0 when no response arrived
	RetryAfter time.Duration // from Retry-After on 429 and 503, capped; 0 if none
	URL        string        // the URL polled, or the base URL of the parsed document
	Err        error         // the underlying error, or a plain description
	// NotSent: the request was not sent, because the host asked to be left
	// alone until RetryAfter from now (a 429 or 503 to another of its feeds).
	// It says nothing of this feed.
	NotSent bool

	parse bool // from Parse: the message then stands on its own
}

// Error says what went wrong in plain words: "fetch https://x/feed: 404 Not Found",
// "fetch https://x/feed: body exceeds 10 MiB limit",
// "not a feed: the page links to https://x/rss.xml".
func (e *Error) Error() string {
	msg := ""
	if e.Err != nil {
		msg = e.Err.Error()
	} else {
		msg = string(e.Kind)
	}
	if e.parse || e.URL == "" {
		return msg
	}
	return "fetch " + e.URL + ": " + msg
}

// Unwrap returns the underlying error, so errors.Is(err, context.Canceled) works.
func (e *Error) Unwrap() error { return e.Err }

// statusError classifies a non-2xx, non-304 response.
func statusError(url string, status int) *Error {
	text := http.StatusText(status)
	if text == "" {
		text = "status " + strconv.Itoa(status)
	}
	e := &Error{Status: status, URL: url, Err: errors.New(strconv.Itoa(status) + " " + text)}
	switch {
	case status == http.StatusNotFound:
		e.Kind = KindNotFound
	case status == http.StatusGone:
		e.Kind = KindGone
	case status == http.StatusTooManyRequests:
		e.Kind = KindRateLimited
	case status == http.StatusServiceUnavailable:
		e.Kind = KindUnavailable
	case status >= 400 && status < 500:
		e.Kind = KindHTTP4xx
	case status >= 500 && status < 600:
		e.Kind = KindHTTP5xx
	default:
		e.Kind = KindOther
	}
	return e
}

// sayTimeout says a timeout of the whole exchange (Options.Timeout) in words,
// rather than as Go's `Get "URL": context deadline exceeded`.
func (c *Client) sayTimeout(e *Error) *Error {
	if e.Kind == KindTimeout && errors.Is(e.Err, context.DeadlineExceeded) {
		e.Err = deadlineError{c.o.Timeout}
	}
	return e
}

// deadlineError is a request that did not finish within after.
type deadlineError struct{ after time.Duration }

func (e deadlineError) Error() string {
	return fmt.Sprintf("no complete answer within %s (the poll timeout)", e.after)
}

func (e deadlineError) Is(target error) bool { return target == context.DeadlineExceeded }

// transportError classifies an error from sending the request or reading the
// body. parent is the caller's context: its cancellation is not a timeout.
func transportError(parent context.Context, url string, err error) *Error {
	e := &Error{URL: url, Err: err, Kind: KindOther}
	var (
		dnsErr   *net.DNSError
		netErr   net.Error
		opErr    *net.OpError
		certErr  *tls.CertificateVerificationError
		recErr   tls.RecordHeaderError
		alertErr tls.AlertError
		unkAuth  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invErr   x509.CertificateInvalidError
	)
	switch {
	case parent.Err() != nil && errors.Is(err, context.Canceled):
		e.Kind = KindCanceled
	case errors.Is(err, ErrDenied):
		e.Kind = KindDenied
	case errors.Is(err, context.DeadlineExceeded):
		e.Kind = KindTimeout
	case errors.As(err, &dnsErr):
		e.Kind = KindDNS
		if dnsErr.IsTimeout {
			e.Kind = KindTimeout
		}
	case errors.As(err, &certErr), errors.As(err, &recErr), errors.As(err, &alertErr),
		errors.As(err, &unkAuth), errors.As(err, &hostErr), errors.As(err, &invErr):
		e.Kind = KindTLS
	case errors.As(err, &netErr) && netErr.Timeout():
		e.Kind = KindTimeout
	case errors.As(err, &opErr) && opErr.Op == "dial":
		e.Kind = KindConnect
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		// Reset, or closed by the server before its answer or in its body:
		// the log's one line a round named these "other".
		e.Kind = KindConnect
	case errors.Is(err, context.Canceled):
		e.Kind = KindCanceled
	}
	return e
}
