package nexmark

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/freshetdb/freshet/connectors/kafka"
	"github.com/freshetdb/freshet/sql/sqlerr"
)

// Config is a nexmark source's configuration.
type Config struct {
	// Kind is the one kind of event the source emits (nexmark.table.type).
	Kind Kind
	// Events is the number of events of every kind the stream holds
	// (nexmark.event.num); 0 for no end.
	Events int64
	// Rate is the events per second of event time (nexmark.event.rate).
	Rate int64
	// MaxSpeed emits events as fast as the views take them
	// (nexmark.max.emit.speed); otherwise at Rate per second of wall time.
	MaxSpeed bool
	// Splits is the number of parallel splits (nexmark.split.num); split i
	// makes the events n with n mod Splits = i.
	Splits int
	// BaseTime is the event time of event 0, in ms (nexmark.base.time).
	BaseTime int64
}

// ParseConfig reads a nexmark source's WITH options (the connector
// excluded); errors are 22023 naming the option. A missing base time is
// the wall clock now: the caller stores the options ResolvedOptions
// returns, so the stream stays the same across restarts.
func ParseConfig(opts map[string]string, now time.Time) (Config, error) {
	c := Config{Kind: -1, Rate: 10_000, Splits: 1, BaseTime: now.UnixMilli()}
	num := func(k, v string, lo int64) (int64, error) {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < lo {
			return 0, sqlerr.Newf(sqlerr.InvalidParameterValue, "nexmark option %q must be a whole number of at least %d, not %q", k, lo, v)
		}
		return n, nil
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range opts {
			if !yield(k) {
				return
			}
		}
	})
	for _, k := range keys {
		v := opts[k]
		var err error
		switch k {
		case "nexmark.table.type":
			kind, ok := Kinds[strings.ToLower(v)]
			if !ok {
				return c, sqlerr.Newf(sqlerr.InvalidParameterValue, "nexmark.table.type must be 'person', 'auction' or 'bid', not %q", v)
			}
			c.Kind = kind
		case "nexmark.event.num":
			c.Events, err = num(k, v, 0)
		case "nexmark.event.rate":
			c.Rate, err = num(k, v, 1)
		case "nexmark.split.num":
			var n int64
			n, err = num(k, v, 1)
			if err == nil && n > 1024 {
				err = sqlerr.New(sqlerr.InvalidParameterValue, "nexmark.split.num is at most 1024")
			}
			c.Splits = int(n)
		case "nexmark.base.time":
			c.BaseTime, err = num(k, v, 0)
		case "nexmark.max.emit.speed":
			switch strings.ToLower(v) {
			case "true":
				c.MaxSpeed = true
			case "false":
				c.MaxSpeed = false
			default:
				err = sqlerr.Newf(sqlerr.InvalidParameterValue, "nexmark.max.emit.speed must be 'true' or 'false', not %q", v)
			}
		default:
			return c, sqlerr.Newf(sqlerr.InvalidParameterValue, "unknown nexmark option %q", k).
				WithHint("A nexmark source takes nexmark.table.type, nexmark.event.num, nexmark.event.rate, nexmark.max.emit.speed, nexmark.split.num and nexmark.base.time.")
		}
		if err != nil {
			return c, err
		}
	}
	if c.Kind < 0 {
		return c, sqlerr.New(sqlerr.InvalidParameterValue, "a nexmark source needs nexmark.table.type = 'person', 'auction' or 'bid'")
	}
	return c, nil
}

// ResolvedOptions returns opts with the base time set, to store.
func (c Config) ResolvedOptions(opts map[string]string) map[string]string {
	out := make(map[string]string, len(opts)+1)
	for k, v := range opts {
		out[k] = v
	}
	out["nexmark.base.time"] = strconv.FormatInt(c.BaseTime, 10)
	return out
}

// Reader emits the events of one kind: each split on a goroutine, from the
// event number the caller gives (its offset), as kafka.Messages whose
// Record is the *Event (valid during the handler call).
type Reader struct {
	cfg    Config
	gen    *Generator
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	done   int
}

// Start starts emitting: split i from event start[i], else from its first
// event.
func Start(cfg Config, start map[int32]int64, h kafka.Handler) *Reader {
	ctx, cancel := context.WithCancel(context.Background())
	r := &Reader{cfg: cfg, gen: NewGenerator(cfg.BaseTime, cfg.Rate), cancel: cancel}
	for i := 0; i < cfg.Splits; i++ {
		n, ok := start[int32(i)]
		if !ok {
			n = int64(i)
		}
		r.wg.Add(1)
		go r.split(ctx, int32(i), n, h)
	}
	return r
}

// split emits the events of one split from event n.
func (r *Reader) split(ctx context.Context, split int32, n int64, h kafka.Handler) {
	defer r.wg.Done()
	defer func() {
		r.mu.Lock()
		r.done++
		r.mu.Unlock()
	}()
	k := int64(r.cfg.Splits)
	// A stored offset is the event after the last one emitted: go on at
	// the next event of this split.
	n += ((int64(split)-n%k)%k + k) % k
	var e Event
	m := kafka.Message{Partition: split, Record: &e}
	wallStart, first := time.Now(), int64(-1)
	for ; r.cfg.Events == 0 || n < r.cfg.Events; n += k {
		if KindOf(n) != r.cfg.Kind {
			continue
		}
		if ctx.Err() != nil {
			return
		}
		r.gen.Event(n, &e)
		if !r.cfg.MaxSpeed {
			if first < 0 {
				first = e.Times[0]
			}
			if wait := time.Until(wallStart.Add(time.Duration(e.Times[0]-first) * time.Millisecond)); wait > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
			}
		}
		m.Offset = n
		m.Timestamp = time.UnixMilli(e.Times[0])
		if !h(&m) {
			return
		}
	}
}

// Status says whether the reader is emitting or has emitted every event.
func (r *Reader) Status() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done == r.cfg.Splits && r.cfg.Events > 0 {
		return "finished"
	}
	return "running"
}

// Partitions returns the splits, with the event number after the last of
// a bounded stream as their high watermark.
func (r *Reader) Partitions() []kafka.PartitionStats {
	out := make([]kafka.PartitionStats, r.cfg.Splits)
	for i := range out {
		out[i] = kafka.PartitionStats{Partition: int32(i), HighWatermark: -1}
		if r.cfg.Events > 0 {
			out[i].HighWatermark = r.cfg.Events
		}
	}
	return out
}

// Stop tells the splits to stop.
func (r *Reader) Stop() { r.cancel() }

// Wait waits for the splits to end after Stop.
func (r *Reader) Wait() { r.wg.Wait() }
