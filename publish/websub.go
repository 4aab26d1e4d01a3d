package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Notifier tells a WebSub hub that the curated feeds changed (hub.mode=publish,
// one request per feed URL), so that subscribers hear of a story without polling.
// Hubs are third-party services: a failed ping is retried with exponential backoff,
// and one topic failing does not stop the others.
type Notifier struct {
	hc     *http.Client
	hub    string
	topics []string
	log    *slog.Logger

	// Attempts is how many times each topic is tried (default 4).
	Attempts int
	// Backoff is the wait before the first retry, doubled for each next one (default 2s).
	Backoff time.Duration
}

// NewNotifier returns a Notifier that posts to hub with hc (the program's shared
// client, with its timeouts). An empty hub makes Notify do nothing.
func NewNotifier(hc *http.Client, hub string, topics []string, log *slog.Logger) *Notifier {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Notifier{hc: hc, hub: hub, topics: topics, log: log, Attempts: 4, Backoff: 2 * time.Second}
}

// Topics returns the feed URLs a hub is told about for o: the three default feeds.
func Topics(o Options) []string {
	o = o.withDefaults()
	return []string{o.BaseURL + "feed.atom", o.BaseURL + "feed.rss", o.BaseURL + "feed.json"}
}

// Notify pings the hub for every topic and returns the errors of those that still
// failed after all attempts.
func (n *Notifier) Notify(ctx context.Context) error {
	if n == nil || n.hub == "" {
		return nil
	}
	var errs []error
	for _, t := range n.topics {
		if err := n.notify(ctx, t); err != nil {
			errs = append(errs, fmt.Errorf("websub: publish %s to %s: %w", t, n.hub, err))
		}
	}
	return errors.Join(errs...)
}

// errPermanent marks an answer that retrying will not change (a 4xx other than
// 408 and 429).
var errPermanent = errors.New("websub: hub refused")

func (n *Notifier) notify(ctx context.Context, topic string) error {
	attempts := max(n.Attempts, 1)
	wait := n.Backoff
	var err error
	for i := range attempts {
		var retryAfter time.Duration
		retryAfter, err = n.post(ctx, topic)
		if err == nil {
			n.log.Debug("websub ping", "topic", topic, "attempt", i+1)
			return nil
		}
		if errors.Is(err, errPermanent) || i == attempts-1 {
			break
		}
		d := wait + rand.N(wait/4+1) // jitter, so that many publishers do not retry in step
		if retryAfter > d {
			d = retryAfter
		}
		n.log.Warn("websub ping failed, retrying", "topic", topic, "attempt", i+1, "retry_in", d, "error", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
		wait *= 2
	}
	return err
}

func (n *Notifier) post(ctx context.Context, topic string) (retryAfter time.Duration, err error) {
	form := url.Values{"hub.mode": {"publish"}, "hub.url": {topic}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.hub, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, fmt.Errorf("%w: %w", errPermanent, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := n.hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return 0, nil
	}
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 && s <= 300 {
		retryAfter = time.Duration(s) * time.Second
	}
	err = fmt.Errorf("hub answered %s", resp.Status)
	if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests {
		err = fmt.Errorf("%w: %w", errPermanent, err)
	}
	return retryAfter, err
}
