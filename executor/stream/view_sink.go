package stream

import (
	"iter"

	"github.com/freshetdb/freshet/sql/types"
)

// ViewSink is the end of a materialized view's dataflow: it keeps the
// view's contents as a consolidated multiset and, at every Flush, forwards
// the epoch's changes to the dataflows that read the view (views over
// views), then flushes them.
//
// A ViewSink is driven by the goroutine applying an epoch; readers of its
// contents must be excluded by the caller's lock while that runs.
type ViewSink struct {
	width int
	// rows holds the contents; nil for a forwarding sink.
	rows    *multiset
	pending *types.Chunk
	subs    []subscriber
}

// subscriber is a leaf of a dataflow reading the view, with the dataflow
// that owns it.
type subscriber struct {
	Leaf
	owner any
}

// NewViewSink returns an empty sink for rows of the given width.
func NewViewSink(width int) *ViewSink {
	return &ViewSink{width: width, rows: newMultiset(), pending: types.NewChunk(width, chunkRows)}
}

// NewForwardingSink returns a sink that keeps no contents and only
// forwards each epoch's changes to its subscribers: the end of the
// dataflow of a sink that maintains its own query, which no one reads.
// It is always empty and saves no state. Until it has a subscriber it
// holds the changes it is given, for Drain.
func NewForwardingSink(width int) *ViewSink {
	return &ViewSink{width: width, pending: types.NewChunk(width, chunkRows)}
}

// Push implements Operator.
func (s *ViewSink) Push(_ int, c *types.Chunk) error {
	if s.rows == nil && len(s.subs) > 0 && s.pending.Len() == 0 {
		// Forwarding, with nothing held: straight on.
		for _, sub := range s.subs {
			if err := sub.Out.Push(sub.Port, c); err != nil {
				return err
			}
		}
		return nil
	}
	for i := 0; i < c.Len(); i++ {
		r, w := c.Row(i), c.Weights[i]
		if s.rows != nil {
			s.rows.add(r, w)
		}
		if len(s.subs) > 0 || s.rows == nil {
			s.pending.Append(r, w)
		}
	}
	return nil
}

// Flush implements Operator: the epoch's changes go to every subscriber.
func (s *ViewSink) Flush(int) error {
	if s.rows == nil && len(s.subs) == 0 {
		return nil
	}
	for _, sub := range s.subs {
		if s.pending.Len() > 0 {
			if err := sub.Out.Push(sub.Port, s.pending); err != nil {
				return err
			}
		}
		if err := sub.Out.Flush(sub.Port); err != nil {
			return err
		}
	}
	s.pending.Reset()
	return nil
}

// Forwarding says whether the sink keeps no contents (NewForwardingSink).
func (s *ViewSink) Forwarding() bool { return s.rows == nil }

// Drain calls fn with every change a forwarding sink holds, with its
// weight, and forgets them: the changes that came before its first
// subscriber (the backfill of its query).
func (s *ViewSink) Drain(fn func(r types.Row, w int64)) {
	for i := 0; i < s.pending.Len(); i++ {
		fn(s.pending.Row(i), s.pending.Weights[i])
	}
	s.pending.Reset()
}

// Subscribe makes leaf l of the dataflow owner receive the view's future
// changes and flushes.
func (s *ViewSink) Subscribe(l Leaf, owner any) {
	s.subs = append(s.subs, subscriber{Leaf: l, owner: owner})
}

// Unsubscribe stops forwarding to the leaves of owner.
func (s *ViewSink) Unsubscribe(owner any) {
	kept := s.subs[:0]
	for _, l := range s.subs {
		if l.owner != owner {
			kept = append(kept, l)
		}
	}
	s.subs = kept
}

// Each calls fn for every row of the view with its multiplicity (> 0).
func (s *ViewSink) Each(fn func(r types.Row, n int64) error) error {
	if s.rows == nil {
		return nil
	}
	return s.rows.t.each(func(e *rowEntry[int64]) error {
		if e.val <= 0 {
			return nil
		}
		return fn(e.key, e.val)
	})
}

// SaveState yields the view's rows with their multiplicities (table 0).
func (s *ViewSink) SaveState(yield func(StateRecord) error) error {
	if s.rows == nil {
		return nil
	}
	return saveMultiset(s.rows, 0, yield)
}

// LoadState loads saved rows into an empty sink.
func (s *ViewSink) LoadState(recs iter.Seq[StateRecord]) error {
	for rec := range recs {
		if s.rows == nil || rec.Table != 0 || len(rec.Row) != s.width {
			return badRecord("view", rec)
		}
		s.rows.add(rec.Row, rec.Weight)
	}
	return nil
}

// Len returns the number of distinct rows.
func (s *ViewSink) Len() int {
	if s.rows == nil {
		return 0
	}
	return s.rows.t.len()
}

// stateRoute implements Stateful; a sink is never partitioned.
func (s *ViewSink) stateRoute(StateRecord) (types.Row, error) { return nil, nil }
