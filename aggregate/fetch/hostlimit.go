package fetch

import (
	"context"
	"sync"
	"time"
)

// hostLimiter bounds the requests in flight to each host:port, so that twenty
// sources on one site are fetched one after another even when the caller's
// global limit would allow them all at once.
type hostLimiter struct {
	limit int

	mu    sync.Mutex
	hosts map[string]*hostSlots // only hosts with a request in flight or waiting
	// holds is when each host that answered 429 or 503 with Retry-After, or
	// did not answer in time, may be asked again: the wait is the host's,
	// whichever of its feeds was asked.
	holds map[string]hostHold
}

// hostHold is one host's hold: until when, and why (the kind of the answer,
// or of the silence, that set it).
type hostHold struct {
	until time.Time
	kind  Kind
}

type hostSlots struct {
	sem  chan struct{}
	refs int // holders and waiters; the entry is dropped at zero
}

func newHostLimiter(limit int) *hostLimiter {
	return &hostLimiter{limit: limit, hosts: make(map[string]*hostSlots), holds: make(map[string]hostHold)}
}

// hold records that key may not be asked again before until, for the reason
// kind.
func (l *hostLimiter) hold(key string, until time.Time, kind Kind) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if until.After(l.holds[key].until) {
		l.holds[key] = hostHold{until, kind}
	}
}

// held returns key's hold, if it ends after now; it forgets the holds that
// have ended.
func (l *hostLimiter) held(key string, now time.Time) (hostHold, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, h := range l.holds {
		if !h.until.After(now) {
			delete(l.holds, k)
		}
	}
	h, ok := l.holds[key]
	return h, ok
}

// acquire waits for a slot on key, or for ctx to end. The returned release must
// be called exactly once.
func (l *hostLimiter) acquire(ctx context.Context, key string) (release func(), err error) {
	l.mu.Lock()
	s := l.hosts[key]
	if s == nil {
		s = &hostSlots{sem: make(chan struct{}, l.limit)}
		l.hosts[key] = s
	}
	s.refs++
	l.mu.Unlock()

	select {
	case s.sem <- struct{}{}:
		var once sync.Once
		return func() {
			once.Do(func() {
				<-s.sem
				l.drop(key, s)
			})
		}, nil
	case <-ctx.Done():
		l.drop(key, s)
		return nil, ctx.Err()
	}
}

func (l *hostLimiter) drop(key string, s *hostSlots) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s.refs--
	if s.refs == 0 {
		delete(l.hosts, key)
	}
}
