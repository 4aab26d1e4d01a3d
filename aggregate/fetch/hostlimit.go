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
	// holds is when each host that answered 429 or 503 with Retry-After may be
	// asked again: the wait is the host's, whichever of its feeds was asked.
	holds map[string]time.Time
}

type hostSlots struct {
	sem  chan struct{}
	refs int // holders and waiters; the entry is dropped at zero
}

func newHostLimiter(limit int) *hostLimiter {
	return &hostLimiter{limit: limit, hosts: make(map[string]*hostSlots), holds: make(map[string]time.Time)}
}

// hold records that key may not be asked again before until.
func (l *hostLimiter) hold(key string, until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if until.After(l.holds[key]) {
		l.holds[key] = until
	}
}

// heldUntil returns the time key asked to be left alone until, if that is
// after now; it forgets the holds that have ended.
func (l *hostLimiter) heldUntil(key string, now time.Time) (time.Time, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, t := range l.holds {
		if !t.After(now) {
			delete(l.holds, k)
		}
	}
	t, ok := l.holds[key]
	return t, ok
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
