package engine

import (
	"testing"
	"time"
)

// TestFreshnessBuckets: a delay is counted in the first bucket whose bound
// is at or above it, weighted by its rows.
func TestFreshnessBuckets(t *testing.T) {
	var h freshness
	delays := []time.Duration{0, time.Millisecond, 1500 * time.Microsecond, 100 * time.Millisecond, 10 * time.Minute}
	for _, d := range delays {
		h.observe(d, 3)
	}
	counts, sum := h.snapshot()
	var total int64
	for _, c := range counts {
		total += c
	}
	if total != 3*int64(len(delays)) {
		t.Fatalf("counted %d rows, want %d", total, 3*len(delays))
	}
	for _, d := range delays {
		s := d.Seconds()
		want := len(FreshnessBounds)
		for i, b := range FreshnessBounds {
			if b >= s {
				want = i
				break
			}
		}
		var fresh freshness
		fresh.observe(d, 1)
		got, _ := fresh.snapshot()
		if got[want] != 1 {
			t.Errorf("%v: not in bucket %d (bound %v): %v", d, want, FreshnessBounds[min(want, len(FreshnessBounds)-1)], got)
		}
	}
	if want := 3 * (0.001 + 0.0015 + 0.1 + 600); sum < want-1e-6 || sum > want+1e-6 {
		t.Errorf("sum %v, want %v", sum, want)
	}
}
