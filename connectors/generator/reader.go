// Package generator runs built-in sources that make their messages rather
// than read them (the nexmark and datagen connectors): a Reader emits
// message n of a deterministic stream on parallel splits, split i taking
// the numbers n with n mod splits = i, from numbers its caller stores as
// offsets.
//
// It imports connectors/kafka, for the message type feeds consume.
package generator

import (
	"context"
	"sync"
	"time"

	"github.com/freshetdb/freshet/connectors/kafka"
)

// Stream describes what a Reader emits.
type Stream struct {
	// Splits is the number of parallel splits, at least 1.
	Splits int
	// Limit is the number of messages of the stream; 0 for no end.
	Limit int64
	// Make fills m (its Record, Timestamp) with message n, or returns
	// false when n is not one of the stream's (a nexmark source emits one
	// kind of event of the whole sequence). It must be safe for
	// concurrent use: splits call it at once.
	Make func(n int64, m *kafka.Message, scratch any) bool
	// Scratch returns a split's scratch value for Make.
	Scratch func() any
	// Pace returns when, after the split's first message, message n is
	// due in wall time; nil emits as fast as the handler takes them.
	Pace func(first, n int64) time.Duration
}

// Reader emits a Stream.
type Reader struct {
	s      Stream
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	done   int
}

// Start starts emitting: split i from message start[i], else from i.
func Start(s Stream, start map[int32]int64, h kafka.Handler) *Reader {
	ctx, cancel := context.WithCancel(context.Background())
	r := &Reader{s: s, cancel: cancel}
	for i := 0; i < s.Splits; i++ {
		n, ok := start[int32(i)]
		if !ok {
			n = int64(i)
		}
		r.wg.Add(1)
		go r.split(ctx, int32(i), n, h)
	}
	return r
}

// split emits the messages of one split from message n.
func (r *Reader) split(ctx context.Context, split int32, n int64, h kafka.Handler) {
	defer r.wg.Done()
	defer func() {
		r.mu.Lock()
		r.done++
		r.mu.Unlock()
	}()
	k := int64(r.s.Splits)
	// A stored offset is the message after the last one emitted: go on
	// with the next message of this split.
	n += ((int64(split)-n%k)%k + k) % k
	var scratch any
	if r.s.Scratch != nil {
		scratch = r.s.Scratch()
	}
	m := kafka.Message{Partition: split}
	wallStart, first := time.Now(), int64(-1)
	for ; r.s.Limit == 0 || n < r.s.Limit; n += k {
		if ctx.Err() != nil {
			return
		}
		if !r.s.Make(n, &m, scratch) {
			continue
		}
		if r.s.Pace != nil {
			if first < 0 {
				first = n
			}
			if wait := time.Until(wallStart.Add(r.s.Pace(first, n))); wait > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
			}
		}
		m.Offset = n
		if !h(&m) {
			return
		}
	}
}

// Status says whether the reader is emitting or has emitted every
// message.
func (r *Reader) Status() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done == r.s.Splits && r.s.Limit > 0 {
		return "finished"
	}
	return "running"
}

// Partitions returns the splits, with the end of a bounded stream as their
// high watermark.
func (r *Reader) Partitions() []kafka.PartitionStats {
	out := make([]kafka.PartitionStats, r.s.Splits)
	for i := range out {
		out[i] = kafka.PartitionStats{Partition: int32(i), HighWatermark: -1}
		if r.s.Limit > 0 {
			out[i].HighWatermark = r.s.Limit
		}
	}
	return out
}

// Stop tells the splits to stop.
func (r *Reader) Stop() { r.cancel() }

// Wait waits for the splits to end after Stop.
func (r *Reader) Wait() { r.wg.Wait() }
