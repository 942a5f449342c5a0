package engine

import (
	"math"
	"sort"
	"sync/atomic"
	"time"
)

// Freshness
//
// A source's freshness is the delay from a feed reading a message to the
// commit of the epoch that holds its effect, after which SELECT sees it.
// Every chunk of rows a feed fills is stamped when its first row is read;
// when the epoch that takes the chunk is committed, the delay since the
// stamp is counted once per row of the chunk. The figure is thus a little
// pessimistic: a chunk's later rows arrived after its stamp.

// FreshnessBounds are the upper bounds, in seconds, of the freshness
// histogram's buckets: 1 ms times powers of 2^(1/4), up to about 2 minutes,
// so that a quantile read from it is within 19% of the true value. A last
// bucket, without bound, holds the longer delays.
var FreshnessBounds = func() []float64 {
	b := make([]float64, 68)
	for i := range b {
		b[i] = math.Pow(2, float64(i)/4) / 1000
	}
	return b
}()

// freshness is the histogram of delays, rows weighted.
type freshness struct {
	counts [69]atomic.Int64
	// micros is the sum of the delays counted, in microseconds.
	micros atomic.Int64
}

// observe counts rows rows that took d to become visible.
func (h *freshness) observe(d time.Duration, rows int64) {
	// The first bound at or above d; past the last, the unbounded bucket.
	h.counts[sort.SearchFloat64s(FreshnessBounds, d.Seconds())].Add(rows)
	h.micros.Add(d.Microseconds() * rows)
}

// snapshot returns the count in each bucket (the last without bound) and
// the sum of the delays in seconds.
func (h *freshness) snapshot() ([]int64, float64) {
	out := make([]int64, len(h.counts))
	for i := range h.counts {
		out[i] = h.counts[i].Load()
	}
	return out, float64(h.micros.Load()) / 1e6
}
