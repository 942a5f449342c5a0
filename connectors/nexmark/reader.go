package nexmark

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/freshetdb/freshet/connectors/generator"
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

// Start starts emitting the events of cfg's kind, as kafka.Messages whose
// Record is the *Event (valid during the handler call): split i from event
// start[i], else from its first event.
func Start(cfg Config, start map[int32]int64, h kafka.Handler) *generator.Reader {
	gen := NewGenerator(cfg.BaseTime, cfg.Rate)
	s := generator.Stream{
		Splits:  cfg.Splits,
		Limit:   cfg.Events,
		Scratch: func() any { return new(Event) },
		Make: func(n int64, m *kafka.Message, scratch any) bool {
			if KindOf(n) != cfg.Kind {
				return false
			}
			e := scratch.(*Event)
			gen.Event(n, e)
			m.Record, m.Timestamp = e, time.UnixMilli(e.Times[0])
			return true
		},
	}
	if !cfg.MaxSpeed {
		// At the event rate: event n is due when its event time is.
		s.Pace = func(first, n int64) time.Duration {
			return time.Duration(gen.Timestamp(n)-gen.Timestamp(first)) * time.Millisecond
		}
	}
	return generator.Start(s, start, h)
}
