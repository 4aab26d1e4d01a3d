package fetch

import (
	"context"
	"sync"
)

// hostLimiter bounds the requests in flight to each host:port, so that twenty
// sources on one site are fetched one after another even when the caller's
// global limit would allow them all at once.
type hostLimiter struct {
	limit int

	mu    sync.Mutex
	hosts map[string]*hostSlots // only hosts with a request in flight or waiting
}

type hostSlots struct {
	sem  chan struct{}
	refs int // holders and waiters; the entry is dropped at zero
}

func newHostLimiter(limit int) *hostLimiter {
	return &hostLimiter{limit: limit, hosts: make(map[string]*hostSlots)}
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
