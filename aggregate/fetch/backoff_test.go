package fetch

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	const base, max = time.Minute, 12 * time.Hour
	mid := func() float64 { return 0.5 } // no jitter: the factor is exactly 1
	tests := []struct {
		failures int
		want     time.Duration
	}{
		{0, 0},
		{-3, 0},
		{1, time.Minute},
		{2, 2 * time.Minute},
		{3, 4 * time.Minute},
		{10, 512 * time.Minute},
	}
	for _, tt := range tests {
		if got := Backoff(tt.failures, base, max, mid); got != tt.want {
			t.Errorf("Backoff(%d) = %v; want %v", tt.failures, got, tt.want)
		}
	}
}

// TestBackoffCap: past the cap (1024m > 12h from the 11th failure), and with
// failure counts that would overflow a doubling, the delay stays in
// [0.8·max, max].
func TestBackoffCap(t *testing.T) {
	const base, max = time.Minute, 12 * time.Hour
	for _, n := range []int{11, 12, 64, 1000, 1 << 30} {
		for _, f := range []float64{0, 0.5, 0.999999} {
			if got := Backoff(n, base, max, func() float64 { return f }); got > max || got < max*8/10 {
				t.Errorf("Backoff(%d, rnd=%v) = %v; want in [%v, %v]", n, f, got, max*8/10, max)
			}
		}
	}
}

func TestBackoffJitter(t *testing.T) {
	const base, max = time.Minute, 12 * time.Hour
	if got := Backoff(3, base, max, func() float64 { return 0 }); got != 4*time.Minute*8/10 {
		t.Errorf("lowest jitter = %v; want 3m12s", got)
	}
	if got := Backoff(3, base, max, func() float64 { return 0.999999 }); got < 4*time.Minute*119/100 || got > 4*time.Minute*12/10 {
		t.Errorf("highest jitter = %v; want just under 4m48s", got)
	}
	// With real randomness: within ±20%, never past max, and not all equal.
	rnd := rand.New(rand.NewPCG(1, 2))
	seen := map[time.Duration]bool{}
	for i := 0; i < 200; i++ {
		n := 1 + i%15
		d := Backoff(n, base, max, rnd.Float64)
		seen[d] = true
		nominal := base << (n - 1)
		if nominal > max {
			nominal = max
		}
		if d > max || d < nominal*8/10 || d > nominal*12/10 {
			t.Fatalf("Backoff(%d) = %v; want within 20%% of %v and at most %v", n, d, nominal, max)
		}
	}
	if len(seen) < 100 {
		t.Errorf("only %d distinct delays in 200 draws: jitter missing", len(seen))
	}
	if d := Backoff(2, base, max, nil); d < 96*time.Second || d > 144*time.Second {
		t.Errorf("Backoff with nil rnd = %v", d)
	}
}
