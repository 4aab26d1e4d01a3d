package fetch

import (
	"math/rand/v2"
	"time"
)

// Backoff returns the delay before the next poll after failures consecutive
// failures (1 is the first): base·2^(failures-1), capped at max, spread by ±20%
// so that sources that failed together (one host down) do not retry together.
// The result never exceeds max: once capped, the spread is over [0.8·max, max].
// rnd returns values in [0, 1); nil uses math/rand/v2. failures < 1 gives 0.
func Backoff(failures int, base, max time.Duration, rnd func() float64) time.Duration {
	if failures < 1 || base <= 0 {
		return 0
	}
	if max <= 0 {
		max = base
	}
	if rnd == nil {
		rnd = rand.Float64
	}
	d := base
	for i := 1; i < failures && d < max; i++ {
		d *= 2 // stops at max, long before overflow
	}
	f := rnd()
	if d >= max {
		return time.Duration(float64(max) * (0.8 + 0.2*f))
	}
	return min(time.Duration(float64(d)*(0.8+0.4*f)), max)
}
