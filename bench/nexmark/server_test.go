package main

import (
	"math"
	"testing"
)

// TestHistogramQuantile: quantiles interpolate within their bucket, as
// Prometheus's histogram_quantile does, after the counts of an earlier
// reading are taken away; the open last bucket gives its lower bound.
func TestHistogramQuantile(t *testing.T) {
	bounds := []float64{0.01, 0.1, 1, math.Inf(1)}
	before := histogram{bounds: bounds, counts: []float64{5, 5, 5, 5}}
	after := histogram{bounds: bounds, counts: []float64{5, 55, 95, 105}}
	// Taken away: 0, 50, 40 and 10 rows in the four buckets.
	h := after.minus(before)
	for _, tc := range []struct{ q, want float64 }{
		{0.25, 0.01 + 0.09*25/50},
		{0.7, 0.1 + 0.9*20/40},
		{0.95, 1},
	} {
		if got := h.quantile(tc.q); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("q%.2f = %v, want %v", tc.q, got, tc.want)
		}
	}
	if q := (histogram{bounds: bounds, counts: []float64{0, 0, 0, 0}}).quantile(0.5); !math.IsNaN(q) {
		t.Errorf("empty histogram: %v, want NaN", q)
	}
}
