package stream

import (
	"iter"
	"slices"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// TopN keeps the rows of positions [offset, offset+count) of its input in
// sort order (ORDER BY ... LIMIT n OFFSET m, and LIMIT alone, whose order is
// then the rows' own total order). It keeps the whole input in sort order
// (orderedRows); at Flush it walks the first offset+count rows and emits
// the difference from what it emitted before, so evictions and ties are
// retracted exactly. A change costs a B-tree update, a flush the size of
// the top.
type TopN struct {
	count   int64 // -1: no limit
	offset  int64
	ties    bool // WITH TIES: the peers of the last row too
	rows    *orderedRows
	emitted *multiset
	changed bool
	out     *Emitter
}

// LimitValues evaluates a Limit node's count and offset (count -1 when
// absent), checking they are not negative.
func LimitValues(ctx *expr.Ctx, l *plan.Limit) (count, offset int64, err error) {
	count = -1
	if l.Count != nil {
		v, err := l.Count.Eval(ctx, nil)
		if err != nil {
			return 0, 0, err
		}
		if v.IsNull() && l.WithTies {
			return 0, 0, sqlerr.New(sqlerr.InvalidRowCountInLimit, "row count cannot be null in FETCH FIRST ... WITH TIES clause")
		}
		if !v.IsNull() {
			if count = v.Int(); count < 0 {
				return 0, 0, sqlerr.New(sqlerr.InvalidRowCountInLimit, "LIMIT must not be negative")
			}
		}
	}
	if l.Offset != nil {
		v, err := l.Offset.Eval(ctx, nil)
		if err != nil {
			return 0, 0, err
		}
		if !v.IsNull() {
			if offset = v.Int(); offset < 0 {
				return 0, 0, sqlerr.New(sqlerr.InvalidRowCountInResultOffset, "OFFSET must not be negative")
			}
		}
	}
	return count, offset, nil
}

// NewTopN returns a top-N operator over rows of the given width; with ties
// it keeps the peers of the last row too (FETCH FIRST ... WITH TIES).
func NewTopN(ctx *expr.Ctx, keys []plan.SortExpr, count, offset int64, ties bool, width int, out Operator, port int) *TopN {
	return &TopN{count: count, offset: offset, ties: ties, rows: newOrderedRows(ctx, keys), emitted: newMultiset(), out: NewEmitter(out, port, width)}
}

// Push implements Operator.
func (t *TopN) Push(_ int, c *types.Chunk) error {
	for i := 0; i < c.Len(); i++ {
		if err := t.rows.add(c.Row(i), c.Weights[i]); err != nil {
			return err
		}
	}
	t.changed = t.changed || c.Len() > 0
	return nil
}

// Flush implements Operator.
func (t *TopN) Flush(int) error {
	if t.changed {
		t.changed = false
		next := newMultiset()
		end := int64(-1)
		if t.count >= 0 {
			end = t.offset + t.count
		}
		pos := int64(0)
		var last types.Row // the sort keys of the last row kept
		t.rows.ascend(func(it *sortedRow) bool {
			if it.n <= 0 {
				return true
			}
			if end >= 0 && pos >= end {
				// Past the top: with ties, the peers of its last row.
				if !t.ties || last == nil || t.rows.compareKeys(it.keys, last) != 0 {
					return false
				}
				next.add(it.row, it.n)
				pos += it.n
				return true
			}
			// The item fills positions [pos, pos+n); its copies are peers,
			// so with ties one inside the top takes them all.
			lo, hi := max(pos, t.offset), pos+it.n
			if end >= 0 && !t.ties {
				hi = min(hi, end)
			}
			if hi > lo {
				next.add(it.row, hi-lo)
				last = it.keys
			}
			pos += it.n
			return true
		})
		if err := emitDiff(t.out, t.emitted, next); err != nil {
			return err
		}
		t.emitted = next
	}
	return t.out.Flush()
}

// The tables of a top-N's saved state.
const (
	topNInputTable   = iota // the input rows with their weights
	topNEmittedTable        // the rows emitted
)

// SaveState implements Stateful.
func (t *TopN) SaveState(yield func(StateRecord) error) error {
	if err := t.rows.save(topNInputTable, yield); err != nil {
		return err
	}
	return saveMultiset(t.emitted, topNEmittedTable, yield)
}

// LoadState implements Stateful. The next Flush recomputes the top,
// emitting nothing unless the input changed.
func (t *TopN) LoadState(recs iter.Seq[StateRecord]) error {
	width := t.out.buf.Width
	for rec := range recs {
		if len(rec.Row) != width {
			return badRecord("top-N", rec)
		}
		switch rec.Table {
		case topNInputTable:
			if err := t.rows.stage(rec.Row, rec.Weight); err != nil {
				return err
			}
		case topNEmittedTable:
			t.emitted.add(rec.Row, rec.Weight)
		default:
			return badRecord("top-N", rec)
		}
	}
	t.rows.settle()
	t.changed = true
	return nil
}

// stateRoute implements Stateful; a top-N is not partitioned.
func (t *TopN) stateRoute(StateRecord) (types.Row, error) { return nil, nil }

// emitDiff emits next - prev.
func emitDiff(out *Emitter, prev, next *multiset) error {
	if err := prev.t.each(func(e *rowEntry[int64]) error {
		return out.Emit(e.key, next.weight(e.key)-e.val)
	}); err != nil {
		return err
	}
	return next.t.each(func(e *rowEntry[int64]) error {
		if prev.weight(e.key) == 0 {
			return out.Emit(e.key, e.val)
		}
		return nil
	})
}

// SortRows expands a multiset (rows repeated by positive weight) and sorts
// it by keys, then by the rows' values, so equal keys come out in a
// deterministic order.
func SortRows(ctx *expr.Ctx, m *multiset, keys []plan.SortExpr) ([]types.Row, error) {
	type item struct {
		r, k types.Row
		n    int64
	}
	items := make([]item, 0, m.t.len())
	// The keys of all rows in one slab.
	slab := make(types.Row, 0, m.t.len()*len(keys))
	total := 0
	err := m.t.each(func(e *rowEntry[int64]) error {
		if e.val <= 0 {
			return nil
		}
		at := len(slab)
		for _, s := range keys {
			v, err := s.Expr.Eval(ctx, e.key)
			if err != nil {
				return err
			}
			slab = append(slab, v)
		}
		items = append(items, item{r: e.key, k: slab[at:len(slab):len(slab)], n: e.val})
		total += int(e.val)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(items, func(a, b item) int {
		for x, s := range keys {
			if c := compareSort(a.k[x], b.k[x], s); c != 0 {
				return c
			}
		}
		for x := range a.r {
			if c := types.Compare(a.r[x], b.r[x]); c != 0 {
				return c
			}
		}
		if rowsIdentical(a.r, b.r) {
			return 0
		}
		if rowLess(a.r, b.r) {
			return -1
		}
		return 1
	})
	out := make([]types.Row, 0, total)
	for _, it := range items {
		for n := int64(0); n < it.n; n++ {
			out = append(out, it.r)
		}
	}
	return out, nil
}

// TiesEnd returns where a top of rows[:end] (sorted by keys) ends with
// its ties: after the rows that sort as peers of rows[end-1].
func TiesEnd(ctx *expr.Ctx, rows []types.Row, keys []plan.SortExpr, end int) (int, error) {
	if end <= 0 || end >= len(rows) {
		return end, nil
	}
	eval := func(r types.Row) (types.Row, error) {
		out := make(types.Row, len(keys))
		for i, k := range keys {
			v, err := k.Expr.Eval(ctx, r)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	}
	last, err := eval(rows[end-1])
	if err != nil {
		return 0, err
	}
	for ; end < len(rows); end++ {
		k, err := eval(rows[end])
		if err != nil {
			return 0, err
		}
		for i, s := range keys {
			if compareSort(k[i], last[i], s) != 0 {
				return end, nil
			}
		}
	}
	return end, nil
}

// Collect is the sink of a one-shot query. It appends the rows it receives
// to one flat buffer; only when a retraction arrives (an outer join's
// padded row replaced by a match, say) does it consolidate into a multiset.
type Collect struct {
	width   int
	data    []types.Datum
	weights []int64
	neg     bool
}

// NewCollect returns an empty sink.
func NewCollect() *Collect { return &Collect{width: -1} }

// Push implements Operator.
func (c *Collect) Push(_ int, ch *types.Chunk) error {
	c.width = ch.Width
	c.data = append(c.data, ch.Data...)
	for _, w := range ch.Weights {
		c.neg = c.neg || w < 0
		c.weights = append(c.weights, w)
	}
	return nil
}

// Flush implements Operator.
func (c *Collect) Flush(int) error { return nil }

// Sorted returns the collected rows, sorted by keys (see SortRows) when
// there are any, otherwise in arrival order. A negative multiplicity left
// after consolidation is an internal error.
func (c *Collect) Sorted(ctx *expr.Ctx, keys []plan.SortExpr) ([]types.Row, error) {
	if !c.neg && len(keys) == 0 {
		var out []types.Row
		for i, w := range c.weights {
			r := types.Row(c.data[i*c.width : (i+1)*c.width : (i+1)*c.width])
			for ; w > 0; w-- {
				out = append(out, r)
			}
		}
		return out, nil
	}
	m := newMultiset()
	for i, w := range c.weights {
		m.add(types.Row(c.data[i*c.width:(i+1)*c.width]), w)
	}
	bad := false
	_ = m.t.each(func(e *rowEntry[int64]) error {
		bad = bad || e.val < 0
		return nil
	})
	if bad {
		return nil, sqlerr.Internal("query result has a row with negative multiplicity")
	}
	return SortRows(ctx, m, keys)
}
