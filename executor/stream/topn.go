package stream

import (
	"iter"
	"sort"

	"github.com/freshetdb/freshet/planner/plan"
	"github.com/freshetdb/freshet/sql/expr"
	"github.com/freshetdb/freshet/sql/sqlerr"
	"github.com/freshetdb/freshet/sql/types"
)

// TopN keeps the rows of positions [offset, offset+count) of its input in
// sort order (ORDER BY ... LIMIT n OFFSET m, and LIMIT alone, whose order is
// then the rows' own total order). It keeps the whole input multiset; at
// Flush it recomputes the top rows and emits the difference from what it
// emitted before, so evictions and ties are retracted exactly.
type TopN struct {
	ctx     *expr.Ctx
	keys    []plan.SortExpr
	count   int64 // -1: no limit
	offset  int64
	rows    *multiset
	emitted *multiset
	changed bool
	out     *Emitter
	// boundary is the last row of the top (offset+count rows) and its sort
	// keys, while the top is full: a change sorting after it cannot alter
	// the output, so it needs no recomputation.
	boundary, boundaryKeys types.Row
	keyBuf                 types.Row
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

// NewTopN returns a top-N operator over rows of the given width.
func NewTopN(ctx *expr.Ctx, keys []plan.SortExpr, count, offset int64, width int, out Operator, port int) *TopN {
	return &TopN{ctx: ctx, keys: keys, count: count, offset: offset, rows: newMultiset(), emitted: newMultiset(), out: NewEmitter(out, port, width)}
}

// Push implements Operator.
func (t *TopN) Push(_ int, c *types.Chunk) error {
	for i := 0; i < c.Len(); i++ {
		r := c.Row(i)
		t.rows.add(r, c.Weights[i])
		if !t.changed {
			before, err := t.beforeBoundary(r)
			if err != nil {
				return err
			}
			t.changed = before
		}
	}
	return nil
}

// beforeBoundary reports whether a changed row may belong to the top: the
// top is not full, or the row sorts at or before its last row (in the
// order of SortRows: keys, then values).
func (t *TopN) beforeBoundary(r types.Row) (bool, error) {
	if t.boundary == nil {
		return true, nil
	}
	if cap(t.keyBuf) < len(t.keys) {
		t.keyBuf = make(types.Row, len(t.keys))
	}
	k := t.keyBuf[:len(t.keys)]
	for i, s := range t.keys {
		v, err := s.Expr.Eval(t.ctx, r)
		if err != nil {
			return false, err
		}
		k[i] = v
	}
	for i, s := range t.keys {
		if c := compareSort(k[i], t.boundaryKeys[i], s); c != 0 {
			return c < 0, nil
		}
	}
	for i := range r {
		if c := types.Compare(r[i], t.boundary[i]); c != 0 {
			return c < 0, nil
		}
	}
	return true, nil
}

// Flush implements Operator.
func (t *TopN) Flush(int) error {
	if t.changed {
		t.changed = false
		top, err := SortRows(t.ctx, t.rows, t.keys)
		if err != nil {
			return err
		}
		next := newMultiset()
		pos := int64(0)
		t.boundary, t.boundaryKeys = nil, nil
		for _, r := range top {
			if t.count >= 0 && pos >= t.offset+t.count {
				break
			}
			if pos >= t.offset {
				next.add(r, 1)
			}
			if t.count >= 0 && pos == t.offset+t.count-1 {
				if err := t.setBoundary(r); err != nil {
					return err
				}
			}
			pos++
		}
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
	if err := saveMultiset(t.rows, topNInputTable, yield); err != nil {
		return err
	}
	return saveMultiset(t.emitted, topNEmittedTable, yield)
}

// LoadState implements Stateful. The next Flush recomputes the top (and
// its boundary), emitting nothing unless the input changed.
func (t *TopN) LoadState(recs iter.Seq[StateRecord]) error {
	width := t.out.buf.Width
	for rec := range recs {
		if len(rec.Row) != width {
			return badRecord("top-N", rec)
		}
		switch rec.Table {
		case topNInputTable:
			t.rows.add(rec.Row, rec.Weight)
		case topNEmittedTable:
			t.emitted.add(rec.Row, rec.Weight)
		default:
			return badRecord("top-N", rec)
		}
	}
	t.changed = true
	return nil
}

// stateRoute implements Stateful; a top-N is not partitioned.
func (t *TopN) stateRoute(StateRecord) (types.Row, error) { return nil, nil }

// setBoundary remembers the last row of a full top.
func (t *TopN) setBoundary(r types.Row) error {
	t.boundary = append(types.Row(nil), r...)
	t.boundaryKeys = make(types.Row, len(t.keys))
	for i, s := range t.keys {
		v, err := s.Expr.Eval(t.ctx, r)
		if err != nil {
			return err
		}
		t.boundaryKeys[i] = v
	}
	return nil
}

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
		r types.Row
		k types.Row
	}
	var items []item
	err := m.t.each(func(e *rowEntry[int64]) error {
		if e.val <= 0 {
			return nil
		}
		k := make(types.Row, len(keys))
		for i, s := range keys {
			v, err := s.Expr.Eval(ctx, e.key)
			if err != nil {
				return err
			}
			k[i] = v
		}
		for n := int64(0); n < e.val; n++ {
			items = append(items, item{e.key, k})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(items, func(i, j int) bool {
		for x, s := range keys {
			if c := compareSort(items[i].k[x], items[j].k[x], s); c != 0 {
				return c < 0
			}
		}
		a, b := items[i].r, items[j].r
		for x := range a {
			if c := types.Compare(a[x], b[x]); c != 0 {
				return c < 0
			}
		}
		return false
	})
	out := make([]types.Row, len(items))
	for i, it := range items {
		out[i] = it.r
	}
	return out, nil
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
